package unclip4j.trace;

import static org.apache.commons.text.StringEscapeUtils.escapeHtml4;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import unclip4j.io.AtomicFile;

/**
 * {@code index.html} of a trace folder: every stage's figures with a line on what each shows, and
 * its steps' numbers from {@code trace.json} as a table, so a trace reads in a browser from top to
 * bottom (the order the run made it). Only files the trace wrote are shown; the page loads nothing
 * from elsewhere.
 */
final class TraceIndex {
    /** One stage directory: its name ({@code decoder-1}), its stage, the caption sample 0 saw, its files (names), its steps. */
    record Section(String name, String stage, String caption, List<String> files, List<TraceRecorder.Step> steps) {}

    private static final Map<String, String> STAGES = Map.of(
            "prior", "The diffusion prior turns the caption's CLIP text embedding into a CLIP image embedding. "
                    + "Its state is a vector, drawn as a strip of tiles (blue negative, red positive, scaled by the largest magnitude).",
            "decoder", "The decoder U-Net draws a 64 px picture (the tiny model: 16 px, shown ×4) from the image embedding, "
                    + "attending to the caption's tokens.",
            "sr", "The super-resolution U-Nets upscale the decoder's picture to 256 px (the tiny model: 64 px); "
                    + "they see no caption and are not guided.");

    /** The figures, in the order the page shows them. */
    private static final List<String> FIGURES = List.of("grid.png", "trajectory.gif", "guidance.png", "cosine.png", "attention.png");

    /** What a figure of a stage shows (docs/HOW-IT-WORKS.md says more). */
    private static String caption(String stage, String figure) {
        return switch (figure) {
            case "grid.png" -> "Top row x_t, the noisy state entering each step; bottom row x̂0, the model's guess of the "
                    + "clean result at that step. Noisiest step (t = 999) first.";
            case "trajectory.gif" -> "The same steps as an animation, x_t beside x̂0.";
            case "guidance.png" -> "Conditional minus unconditional output at each step (x̂0 for the prior, ε̂ for the decoder): "
                    + "the direction classifier-free guidance amplifies by its scale.";
            case "cosine.png" -> "Cosine between x̂0 (mapped to CLIP space) and the caption's text embedding at each step.";
            default -> stage.equals("prior")
                    ? "What the prediction reads: one row per token (the caption's tokens, the text embedding, the timestep, x_t, "
                      + "the learned query), one column per layer; the colour is the weight the query gives the token, averaged "
                      + "over heads and steps (numbers in attention.json)."
                    : "Where the decoder looks: for each encoder token (the image embedding's tokens, then the caption's), the "
                      + "weight every position gives it over the final x̂0, averaged over heads, steps and the blocks of one "
                      + "resolution; each cell is scaled on its own (amounts in attention.json).";
        };
    }

    private TraceIndex() {}

    static Path write(Path dir, List<Section> sections) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>unclip4j trace</title>\n")
                .append("<style>body{font-family:sans-serif;max-width:72em;margin:2em auto;padding:0 1em}")
                .append("img{image-rendering:pixelated;max-width:100%}figure{margin:1.5em 0}")
                .append("table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}</style>\n")
                .append("</head>\n<body>\n<h1>Trace of one unclip4j run</h1>\n")
                .append("<p>What the run computed at every reverse diffusion step, for the first picture of its batch. ")
                .append("The numbers are in <a href=\"trace.json\">trace.json</a>; each step's x_t and x̂0 are also single files ")
                .append("(x_t_NNN.png, x0_NNN.png) in the stage's folder.</p>\n");
        for (Section s : sections) {
            h.append("<h2 id=\"").append(escapeHtml4(s.name())).append("\">").append(escapeHtml4(s.name())).append("</h2>\n");
            h.append("<p>").append(escapeHtml4(STAGES.getOrDefault(s.stage(), ""))).append("</p>\n");
            if (!s.caption().isEmpty()) h.append("<p>Caption: <q>").append(escapeHtml4(s.caption())).append("</q></p>\n");
            for (String figure : FIGURES) {
                if (!s.files().contains(figure)) continue;
                String src = escapeHtml4(s.name() + "/" + figure);
                h.append("<figure><img src=\"").append(src).append("\" alt=\"").append(src).append("\"><figcaption>")
                        .append(escapeHtml4(caption(s.stage(), figure))).append("</figcaption></figure>\n");
            }
            steps(h, s.steps());
        }
        h.append("</body>\n</html>\n");
        Path file = dir.resolve("index.html");
        try {
            AtomicFile.write(file, h.toString().getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The stage's steps: timestep, noise level and the norms of trace.json; empty columns left out. */
    private static void steps(StringBuilder h, List<TraceRecorder.Step> steps) {
        boolean sigma = steps.stream().anyMatch(s -> s.sigma() != null), delta = steps.stream().anyMatch(s -> s.guidanceDeltaNorm() != null),
                cosine = steps.stream().anyMatch(s -> s.cosineToText() != null);
        h.append("<table>\n<tr><th>step</th><th>t</th>").append(sigma ? "<th>σ</th>" : "")
                .append("<th>‖x_t‖</th><th>‖x̂0‖</th><th>‖ε‖</th>").append(delta ? "<th>‖cond − uncond‖</th>" : "")
                .append(cosine ? "<th>cos(x̂0, text)</th>" : "").append("</tr>\n");
        for (TraceRecorder.Step s : steps) {
            h.append("<tr><td>").append(s.step()).append("</td><td>").append(s.t()).append("</td>");
            if (sigma) h.append(cell(s.sigma()));
            h.append(cell(s.xTNorm())).append(cell(s.x0Norm())).append(cell(s.epsNorm()));
            if (delta) h.append(cell(s.guidanceDeltaNorm()));
            if (cosine) h.append(cell(s.cosineToText()));
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static String cell(Double v) {
        return "<td>" + (v == null ? "" : String.format(Locale.ROOT, "%.4g", v)) + "</td>";
    }
}
