package unclip4j.cli;

import java.util.Map;
import picocli.CommandLine.Option;
import unclip4j.diffusion.GaussianDiffusion;

/**
 * {@code --ddim-eta}: DDIM's η for the stages that take DDIM steps (a "ddimN" or "fast27" respacing).
 * 0, Karlo's, is deterministic; 1 adds the ancestral posterior's noise each step; in between, what
 * Song et al. 2021 interpolate. A knob for researchers; Karlo's samplers never turn it.
 */
public final class DdimEtaOption {
    @Option(names = "--ddim-eta", paramLabel = "ETA", defaultValue = "0",
            description = "DDIM's eta, 0..1, for stages with DDIM steps (ddimN): 0 deterministic (Karlo's), 1 as much noise as ancestral steps. "
                    + "Default: ${DEFAULT-VALUE}.")
    double ddimEta;

    /**
     * η, checked against the respacings of the stages that would take it (option name → respacing): a
     * non-zero η where no stage takes DDIM steps is refused, as it would change nothing.
     */
    public double checked(Map<String, String> respacings) {
        try {
            GaussianDiffusion.requireDdimEta(ddimEta);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ddim-eta must be between 0 and 1, got " + ddimEta, e);
        }
        if (ddimEta != 0 && respacings.values().stream().noneMatch(GaussianDiffusion::isDdimRespacing)) {
            throw new IllegalArgumentException("--ddim-eta " + ddimEta + " applies to DDIM steps, which no stage takes here: give "
                    + String.join(" or ", respacings.keySet()) + " a DDIM respacing (ddimN or fast27)");
        }
        return ddimEta;
    }
}
