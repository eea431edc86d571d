package unclip4j.checkpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import unclip4j.checkpoint.TorchZip.TorchTensor;

/**
 * The tensors of a PyTorch zip file ({@code .ckpt}, {@code .pt}, {@code .bin}, {@code .th}) as a
 * {@link StateDict}, under the names the file uses:
 * <ul>
 *   <li>Lightning-style {@code {'state_dict': OrderedDict, ...}} (Karlo's checkpoints): the
 *       {@code state_dict} entries; other top-level entries are ignored;</li>
 *   <li>a plain state dict (HF {@code pytorch_model.bin}, diffusers {@code .bin}): its tensors;</li>
 *   <li>a tuple or list of tensors ({@code ViT-L-14_stats.th}): names "0", "1", ...;</li>
 *   <li>a TorchScript archive (OpenAI's {@code ViT-L-14.pt}): see {@link TorchScriptArchive}.</li>
 * </ul>
 */
public final class TorchCheckpoint {
    private TorchCheckpoint() {}

    public static StateDict read(Path path) {
        return stateDict(TorchZip.open(path));
    }

    static StateDict stateDict(TorchZip torch) {
        if (torch.isTorchScript()) return TorchScriptArchive.stateDict(torch);
        String where = torch.where();
        StateDict dict = new StateDict(where);
        Object data = torch.data();
        if (data instanceof Map<?, ?> m && m.get("state_dict") instanceof Map<?, ?> sd) data = sd;
        switch (data) {
            case Map<?, ?> m -> m.forEach((k, v) -> {
                if (k instanceof String name && v instanceof TorchTensor t) dict.put(t.info(name), t::load);
            });
            case Unpickler.Tuple t -> addAll(dict, t.items);
            case List<?> l -> addAll(dict, l);
            case TorchTensor t -> dict.put(t.info("0"), t::load);
            default -> { }
        }
        if (dict.size() == 0) throw new CheckpointException(where + ": holds no tensors at the top level" + contents(torch.data()));
        return dict;
    }

    /** Dict keys named in a message; a training checkpoint has a handful. */
    private static final int KEYS_NAMED = 10;

    /**
     * What a file without top-level tensors holds: a dict's keys and, when one of them holds the
     * tensors (a training script's {'model': state_dict, 'optimizer': ...}), which entry to re-save.
     */
    private static String contents(Object data) {
        if (!(data instanceof Map<?, ?> m)) return " (it is a " + Unpickler.typeName(data) + ")";
        if (m.isEmpty()) return " (an empty dict)";
        List<String> keys = m.keySet().stream().map(TorchCheckpoint::repr).toList();
        String held = " (a dict of " + String.join(", ", keys.subList(0, Math.min(KEYS_NAMED, keys.size())))
                + (keys.size() > KEYS_NAMED ? ", ... " + keys.size() + " keys" : "") + ")";
        for (var e : m.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> nested && nested.values().stream().anyMatch(TorchTensor.class::isInstance)) {
                String key = repr(e.getKey());
                return held + "; the tensors are under " + key + ": re-save that entry alone, torch.save(checkpoint[" + key + "], path)";
            }
        }
        return held;
    }

    /** A dict key as Python prints it. */
    private static String repr(Object key) {
        return key instanceof String s ? "'" + s + "'" : String.valueOf(key);
    }

    private static void addAll(StateDict dict, List<?> items) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof TorchTensor t) dict.put(t.info(Integer.toString(i)), t::load);
        }
    }
}
