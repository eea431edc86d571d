package unclip4j.parity;

import static unclip4j.testing.TensorAssertions.relL2;

import java.util.ArrayList;
import java.util.List;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.diffusion.StepEvent;
import unclip4j.diffusion.StepListener;
import unclip4j.tensor.Tensor;

/**
 * Compares a replayed sampling loop step by step with a fixture's {@code step.NNN.x_t} trace (rows
 * 0..B-1), so that a divergence names the first step where it happens rather than only the end result.
 */
final class SamplingTraces implements StepListener {
    /** The fixtures' per-step diagnostic bound (MANIFEST "Tolerances"). */
    static final double STEP_TOLERANCE = 1e-4;

    private final SafetensorsFile fixture;
    private final Backend backend;
    private final String stage;
    private final List<String> divergences = new ArrayList<>();
    private int checked;

    SamplingTraces(SafetensorsFile fixture, Backend backend, String stage) {
        this.fixture = fixture;
        this.backend = backend;
        this.stage = stage;
    }

    @Override
    public void onStep(StepEvent e) {
        if (!e.stage().equals(stage)) return;
        String name = String.format("step.%03d.x_t", e.step());
        if (!fixture.tensors().contains(name)) return;
        Tensor expected = fixture.get(name);
        Tensor actual = backend.download(e.xT()).slice(0, 0, expected.size(0));
        checked++;
        double err = relL2(expected, actual);
        if (!(err <= STEP_TOLERANCE)) divergences.add(name + " " + String.format("%.3g", err));
    }

    int checked() {
        return checked;
    }

    /** The steps whose x_t is off by more than the diagnostic bound, in order (empty when none). */
    List<String> divergences() {
        return divergences;
    }
}
