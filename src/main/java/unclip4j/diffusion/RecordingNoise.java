package unclip4j.diffusion;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.SafetensorsWriter;
import unclip4j.checkpoint.StateDict;
import unclip4j.tensor.Tensor;

/**
 * Passes draws through from another source and keeps a host copy of each, so that
 * {@code --save-noise FILE} can write them in the replay format ({@code noise.<stage>.<NNN>},
 * metadata {@code noise_draw_order}) that {@link ReplayNoise} and the fixtures use.
 */
public final class RecordingNoise implements NoiseSource {
    private final NoiseSource source;
    private final Backend backend;
    private final Map<String, Integer> counts = new HashMap<>();
    private final List<String> order = new ArrayList<>();
    private final StateDict draws = new StateDict("recorded noise");

    public RecordingNoise(NoiseSource source, Backend backend) {
        this.source = source;
        this.backend = backend;
    }

    @Override
    public Tensor next(String stage, long... shape) {
        Tensor t = source.next(stage, shape);
        String name = NoiseSource.drawName(stage, counts.merge(stage, 1, Integer::sum) - 1);
        draws.put(name, backend.download(t).copy());
        order.add(name);
        return t;
    }

    /**
     * A source that serves the draws recorded so far again, in the same order: runs that differ
     * only in settings (a guidance sweep) then start from exactly the same noise.
     */
    public NoiseSource replay() {
        return replay(backend);
    }

    /** {@link #replay()} onto another backend's device (record on the CPU, replay on the GPU). */
    public NoiseSource replay(Backend target) {
        Map<String, Integer> next = new HashMap<>();
        return (stage, shape) -> {
            String name = NoiseSource.drawName(stage, next.merge(stage, 1, Integer::sum) - 1);
            if (!draws.contains(name)) throw new IllegalStateException("no recorded draw " + name + " to replay");
            return target.upload(draws.get(name));
        };
    }

    /** Writes every draw so far (atomically). */
    public void save(Path file) {
        SafetensorsWriter.write(file, draws, Map.of("noise_draw_order", String.join(",", order)));
    }
}
