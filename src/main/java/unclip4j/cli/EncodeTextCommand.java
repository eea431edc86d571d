package unclip4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.checkpoint.StateDict;
import unclip4j.model.clip.ClipTokenizer;
import unclip4j.model.clip.TokenizedBatch;
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.StageLoader;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/** {@code unclip4j encode-text --prompt TEXT... --out FILE}: Karlo's tokens and mask, and the CLIP text features. */
@Command(name = "encode-text", mixinStandardHelpOptions = true,
        description = "Tokenize prompts as Karlo does and encode them with CLIP's text encoder; write tokens, mask, txt_feat, txt_feat_seq.")
public final class EncodeTextCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Mixin
    BackendOptions backend;

    @Mixin
    SafetensorsOutput output;

    /** Prompts encoded at once: the rows of a batch of pictures, far below what memory would bound. */
    static final int CHUNK = 32;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "A prompt; repeat for a batch (one row each, in order).")
    List<String> prompts;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        output.check();
        ModelDirectory dir = model.openOrEmbedded(spec.commandLine().getOut());
        Backend b = backend.open();
        int contextLength = dir.clip().config().contextLength();
        PromptEncoder encoder = new PromptEncoder(b, new StageLoader(dir, b).clipText(), contextLength);
        TokenizedBatch tokens = ClipTokenizer.get().paddedTokensAndMask(prompts, contextLength);
        PromptTruncation.warn(spec.commandLine().getErr(), prompts, tokens);
        // the encoder's activations grow with the rows it runs at once: a caption set goes through in chunks
        List<Tensor> feat = new ArrayList<>(), featSeq = new ArrayList<>();
        for (int first = 0; first < prompts.size(); first += CHUNK) {
            PromptEncoder.Encoded e = encoder.encode(tokens.rows(first, Math.min(prompts.size(), first + CHUNK)));
            feat.add(b.download(e.text().txtFeat()));
            featSeq.add(b.download(e.text().txtFeatSeq()));
        }

        StateDict tensors = new StateDict("encode-text");
        tensors.put("tokens", tokens.tokensTensor().to(DType.I64));
        tensors.put("mask", tokens.maskTensor().to(DType.U8));
        tensors.put("txt_feat", PictureCommand.concatRows(feat));
        tensors.put("txt_feat_seq", PictureCommand.concatRows(featSeq));
        output.write(tensors, Map.of("prompts", json(prompts)));
        spec.commandLine().getOut().println("wrote " + output.path());
        return 0;
    }

    private static String json(Object value) {
        try {
            return new ObjectMapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value + " as JSON", e);
        }
    }
}
