package unclip4j.checkpoint;

import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import unclip4j.checkpoint.TorchZip.TorchTensor;

/**
 * The state dict of a TorchScript archive (OpenAI CLIP's {@code ViT-L-14.pt}) without running any
 * TorchScript. {@code data.pkl} holds the module tree: {@code __torch__.*} objects made by NEWOBJ
 * whose BUILD state is a dict of attributes (tensors, submodules, plain values). A tensor's key is
 * the dotted attribute path from the root ({@code visual.transformer.resblocks.3.attn.in_proj_weight}).
 *
 * <p>Which tensor attributes are parameters or buffers (the state dict) is read from each class's
 * {@code code/__torch__/...py} declarations {@code __parameters__ = [...]} / {@code __buffers__ = [...]},
 * the way {@code torch.jit.load} knows it; other tensors (e.g. a scripted block's {@code attn_mask})
 * are not weights. Order is PyTorch's: a module's parameters, its buffers, then its submodules.
 * {@code constants.pkl} tensors are never weights and are not read.
 */
public final class TorchScriptArchive {
    private static final Pattern CLASS = Pattern.compile("^class (\\w+)\\(Module\\):", Pattern.MULTILINE);
    private static final Pattern DECLARED = Pattern.compile("^  __(parameters|buffers)__ = \\[([^\\]]*)\\]", Pattern.MULTILINE);
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    private TorchScriptArchive() {}

    static StateDict stateDict(TorchZip torch) {
        if (!(torch.data() instanceof Unpickler.Obj root)) {
            throw new CheckpointException(torch.where() + ": TorchScript data.pkl does not hold a module object");
        }
        Map<String, List<String>> declared = declarations(torch);
        StateDict dict = new StateDict(torch.where());
        walk(torch.where(), root, "", declared, dict, 0, new int[1]);
        if (dict.size() == 0) throw new CheckpointException(torch.where() + ": TorchScript archive holds no parameters");
        return dict;
    }

    /**
     * Far above CLIP ViT-L/14's few hundred modules. The pickle can make one module the child of many
     * (memo references), so a small file can describe a tree with 2^60 paths: the walk counts visits.
     */
    private static final int MAX_MODULES = 100_000;

    private static void walk(String where, Unpickler.Obj module, String prefix, Map<String, List<String>> declared, StateDict dict, int depth,
                             int[] visited) {
        if (depth > 64) throw new CheckpointException(where + ": TorchScript module tree is deeper than 64 levels");
        if (++visited[0] > MAX_MODULES) {
            throw new CheckpointException(where + ": TorchScript module tree has more than " + MAX_MODULES + " modules (shared submodules?)");
        }
        Map<Object, Object> attrs = module.attributes();
        List<String> names = declared.get(module.type.toString());
        if (names == null) {
            // no code record for this class: every tensor attribute counts
            names = new ArrayList<>();
            for (Map.Entry<Object, Object> e : attrs.entrySet()) {
                if (e.getKey() instanceof String n && e.getValue() instanceof TorchTensor) names.add(n);
            }
        }
        for (String name : names) {
            if (attrs.get(name) instanceof TorchTensor t) dict.put(t.info(prefix + name), t::load);
        }
        for (Map.Entry<Object, Object> e : attrs.entrySet()) {
            if (e.getKey() instanceof String n && e.getValue() instanceof Unpickler.Obj child && child.type.module().startsWith("__torch__")) {
                if (child == module) throw new CheckpointException(where + ": TorchScript module contains itself");
                walk(where, child, prefix + n + ".", declared, dict, depth + 1, visited);
            }
        }
    }

    /** "module.Class" → parameter names then buffer names, from the archive's code records. */
    private static Map<String, List<String>> declarations(TorchZip torch) {
        Map<String, List<String>> out = new HashMap<>();
        String code = torch.root() + "code/";
        for (ZipArchive.Entry e : torch.zip().entries().values()) {
            if (!e.name().startsWith(code) || !e.name().endsWith(".py")) continue;
            String module = e.name().substring(code.length(), e.name().length() - 3).replace('/', '.');
            String text = new String(torch.zip().data(e).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            Matcher c = CLASS.matcher(text);
            List<Integer> starts = new ArrayList<>();
            List<String> classNames = new ArrayList<>();
            while (c.find()) {
                starts.add(c.start());
                classNames.add(c.group(1));
            }
            for (int i = 0; i < starts.size(); i++) {
                int end = i + 1 < starts.size() ? starts.get(i + 1) : text.length();
                String body = text.substring(starts.get(i), end);
                List<String> params = new ArrayList<>(), buffers = new ArrayList<>();
                Matcher d = DECLARED.matcher(body);
                while (d.find()) {
                    Matcher q = QUOTED.matcher(d.group(2));
                    List<String> into = d.group(1).equals("parameters") ? params : buffers;
                    while (q.find()) into.add(q.group(1));
                }
                params.addAll(buffers);
                out.put(module + "." + classNames.get(i), params);
            }
        }
        return out;
    }
}
