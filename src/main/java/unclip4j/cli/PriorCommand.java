package unclip4j.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
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
import unclip4j.diffusion.GaussianDiffusion;
import unclip4j.diffusion.NoiseSource;
import unclip4j.model.prior.PriorDiffusionModel;
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.SamplingSettings;
import unclip4j.pipeline.StageLoader;
import unclip4j.profile.Profiler;
import unclip4j.tensor.Tensor;

/** {@code unclip4j prior --prompt TEXT --out FILE}: the guided prior alone, text → CLIP image embeddings. */
@Command(name = "prior", mixinStandardHelpOptions = true,
        description = "Sample CLIP image embeddings for a prompt with the diffusion prior (classifier-free guidance); write image_embedding [B, D].")
public final class PriorCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Mixin
    BackendOptions backend;

    @Mixin
    TraceOptions trace;

    @Mixin
    ProfileOptions profile;

    @Mixin
    NoiseOptions noise;

    @Mixin
    SafetensorsOutput output;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The prompt.")
    String prompt;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "1",
            description = "Embeddings to sample for the prompt (text rows: the prompt B times, then \"\" B times). Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--steps", paramLabel = "N", description = "Sampling steps, 1.." + PriorDiffusionModel.TIMESTEPS + " (respacing \"N\"). Default: 25.")
    Integer steps;

    @Option(names = "--respacing", paramLabel = "STR",
            description = "Respacing instead of --steps: \"N\", \"n1,n2,...\", \"ddimN\" (DDIM; its eta: --ddim-eta), \"fast27\", or \"\" for all steps.")
    String respacing;

    @Option(names = "--guidance", paramLabel = "S", defaultValue = "4.0", description = "Classifier-free guidance scale, >= 0. Default: ${DEFAULT-VALUE}.")
    float guidance;

    @Mixin
    DdimEtaOption ddimEta;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // every argument is checked before the models load
        String spacing = respacing();
        double eta = ddimEta.checked(Map.of("--respacing", spacing));
        int draws = PriorDiffusionModel.noiseDraws(spacing);
        if (!Float.isFinite(guidance) || guidance < 0) throw new IllegalArgumentException("--guidance must be a finite number >= 0, got " + guidance);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        output.check();
        output.checkAlso(noise.saveNoisePath(), "--save-noise");
        trace.check(output.force);
        Backend b = profile.wrap(backend.open());
        NoiseSource source = noise.open(b, batch);
        ModelDirectory dir = model.openOrEmbedded(spec.commandLine().getOut());
        noise.requireDraws("prior", draws, 2L * batch, dir.prior().config().clipDim());

        StageLoader stages = new StageLoader(dir, b);
        PromptEncoder prompts = new PromptEncoder(b, stages.clipText(), dir.clip().config().contextLength());
        PromptEncoder.Encoded text = prompts.encodeGuided(Collections.nCopies(batch, prompt));
        PromptTruncation.warn(spec.commandLine().getErr(), List.of(prompt), text.tokens());
        PriorDiffusionModel prior = stages.prior();
        Tensor embedding;
        try (var stage = Profiler.stage("prior")) {
            embedding = trace.keepingTraceOnDivergence(() -> prior.sample(text.text(), guidance, spacing, eta, source, trace.listener(b)),
                    spec.commandLine().getOut());
        }
        trace.priorReference(text.text().txtFeat(), prior::denormalize);
        trace.caption("prior", prompt);

        StateDict tensors = new StateDict("prior");
        tensors.put("image_embedding", b.download(embedding));
        output.checkAlso(noise.saveNoisePath(), "--save-noise"); // again: the file may have appeared during the run
        // the files appear together: should one not be written (a full disk), those written already go again
        try (PendingOutputs made = new PendingOutputs()) {
            noise.saveIfRequested();
            if (noise.saveNoisePath() != null) made.add(List.of(noise.saveNoisePath()));
            Map<String, String> metadata = new LinkedHashMap<>(Map.of("prompt", prompt, "batch", String.valueOf(batch), "respacing", spacing,
                    "guidance", String.valueOf(guidance), "noise", noise.describe(batch)));
            if (GaussianDiffusion.isDdimRespacing(spacing)) metadata.put("ddim_eta", String.valueOf(eta));
            output.write(tensors, metadata);
            made.add(List.of(output.path()));
            trace.write(made);
            made.commit();
        }
        spec.commandLine().getOut().println("wrote " + output.path());
        trace.report(spec.commandLine().getOut());
        profile.report(spec.commandLine().getOut());
        return 0;
    }

    /** The respacing string: --respacing as given, else --steps N as "N", else Karlo's 25 steps. */
    private String respacing() {
        if (steps != null && respacing != null) throw new IllegalArgumentException("--steps and --respacing exclude each other");
        if (respacing != null) return respacing;
        if (steps == null) return SamplingSettings.fast().priorRespacing();
        if (steps < 1 || steps > PriorDiffusionModel.TIMESTEPS) {
            throw new IllegalArgumentException("--steps must be between 1 and " + PriorDiffusionModel.TIMESTEPS + ", got " + steps);
        }
        return String.valueOf(steps);
    }
}
