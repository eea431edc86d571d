package unclip4j.trace;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import unclip4j.diffusion.AttentionEvent;
import unclip4j.model.clip.ClipTokenizer;

/**
 * The attention of one sampling run, sample 0, averaged over heads and steps: for every attention
 * layer (by checkpoint prefix), the weight each query position gives each token ({@link AttentionEvent}).
 *
 * <p>The decoder's blocks query from every pixel of a feature map; their tokens are the image
 * embedding's (Karlo: 4), then the caption's as CLIP reads it. They are drawn as a grid of heat maps
 * over the run's final x̂0: one row per token, one column per resolution (its blocks averaged), and
 * with several resolutions a last column averaging them. Each map is scaled from its own minimum to
 * its own maximum, so it shows where a token is looked at, not how much.
 *
 * <p>The prior's layers have one query, the token its prediction is read from; its keys are the
 * caption's tokens, then the text embedding, timestep, x_t and the query itself. They are drawn as a
 * table, one row per token and one column per layer, the colour scaled to the largest weight.
 *
 * <p>The JSON summary gives the amounts: per layer, the share of attention each token gets, averaged
 * over query positions.
 */
final class AttentionMaps {
    /** Heat map opacity over the grey picture. */
    private static final double ALPHA = 0.65;

    /** One layer's running sums, {@code [height·width][tokens]}, and the layout of its first event. */
    private static final class Block {
        final AttentionEvent layout;
        final double[] sum;
        int calls;

        Block(AttentionEvent e) {
            this.layout = e;
            this.sum = new double[e.weights().length];
        }

        int height() {
            return layout.height();
        }

        int width() {
            return layout.width();
        }

        int tokens() {
            return layout.tokens();
        }

        /** The mean over calls of position p's weight on token j. */
        double mean(int p, int j) {
            return sum[p * tokens() + j] / calls;
        }
    }

    private final Map<String, Block> blocks = new LinkedHashMap<>(); // in network order

    void add(AttentionEvent e) {
        Block b = blocks.computeIfAbsent(e.module(), m -> new Block(e));
        if (b.sum.length != e.weights().length || b.tokens() != e.tokens()) {
            throw new IllegalStateException(e.module() + ": attention of " + e.height() + "×" + e.width() + "×" + e.tokens()
                    + " after " + b.height() + "×" + b.width() + "×" + b.tokens() + " in the same run");
        }
        float[] w = e.weights();
        for (int i = 0; i < w.length; i++) b.sum[i] += w[i];
        b.calls++;
    }

    boolean isEmpty() {
        return blocks.isEmpty();
    }

    /**
     * A label per token: {@code before}, then the caption's tokens as CLIP reads them (start and end
     * marks included, null for padding), then {@code after}.
     */
    static List<String> labels(List<String> before, int textTokens, List<String> after, String caption) {
        List<String> out = new ArrayList<>(before);
        ClipTokenizer tokenizer = ClipTokenizer.get();
        var batch = tokenizer.paddedTokensAndMask(List.of(caption), textTokens);
        for (int j = 0; j < textTokens; j++) {
            int id = batch.tokens()[0][j];
            out.add(j >= batch.lengths()[0] ? null
                    : id == ClipTokenizer.SOT ? "<start>" : id == ClipTokenizer.EOT ? "<end>" : tokenizer.decode(id).strip());
        }
        out.addAll(after);
        return out;
    }

    private List<String> labels(String caption) {
        AttentionEvent e = blocks.values().iterator().next().layout;
        return labels(e.before(), e.textTokens(), e.after(), caption);
    }

    /** The decoder's heat maps over {@code background} (the run's last x̂0 picture), or the prior's table. */
    BufferedImage render(String stage, String caption, BufferedImage background) {
        List<String> labels = labels(caption);
        if (blocks.values().stream().allMatch(b -> b.height() * b.width() == 1)) return table(stage, labels);
        // one column per resolution, finest first, each the mean of its blocks' maps at the picture's size
        Map<Integer, List<Block>> byHeight = new TreeMap<>((a, b) -> b - a);
        for (Block b : blocks.values()) byHeight.computeIfAbsent(b.height(), h -> new ArrayList<>()).add(b);
        int h = background.getHeight(), w = background.getWidth();
        List<String> columns = new ArrayList<>();
        for (List<Block> level : byHeight.values()) columns.add(level.getFirst().height() + "×" + level.getFirst().width());
        boolean average = byHeight.size() > 1;
        if (average) columns.add("all");
        List<String> rows = new ArrayList<>();
        List<BufferedImage[]> cells = new ArrayList<>();
        for (int j = 0; j < labels.size(); j++) {
            if (labels.get(j) == null) continue;
            rows.add(labels.get(j));
            BufferedImage[] row = new BufferedImage[columns.size()];
            double[] all = new double[h * w];
            int c = 0;
            for (List<Block> level : byHeight.values()) {
                double[] map = upsampled(level, j, h, w);
                for (int i = 0; i < all.length; i++) all[i] += map[i] / byHeight.size();
                row[c++] = overlay(background, map);
            }
            if (average) row[c] = overlay(background, all);
            cells.add(row);
        }
        return LabelledGrid.render(stage + " attention", rows, columns, cells.toArray(BufferedImage[][]::new));
    }

    /** One row per token, one column per layer, each cell coloured by its weight over the largest of the table. */
    private BufferedImage table(String stage, List<String> labels) {
        int side = 16;
        List<Block> layers = List.copyOf(blocks.values());
        double max = 0;
        for (Block b : layers) for (int j = 0; j < b.tokens(); j++) max = Math.max(max, b.mean(0, j));
        List<String> rows = new ArrayList<>(), columns = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) columns.add(String.valueOf(i));
        List<BufferedImage[]> cells = new ArrayList<>();
        for (int j = 0; j < labels.size(); j++) {
            if (labels.get(j) == null) continue;
            rows.add(labels.get(j));
            BufferedImage[] row = new BufferedImage[layers.size()];
            for (int i = 0; i < layers.size(); i++) {
                BufferedImage cell = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
                int rgb = heat(max > 0 ? layers.get(i).mean(0, j) / max : 0);
                for (int y = 0; y < side; y++) for (int x = 0; x < side; x++) cell.setRGB(x, y, y == side - 1 || x == side - 1 ? 0xffffff : rgb);
                row[i] = cell;
            }
            cells.add(row);
        }
        return LabelledGrid.render(stage + " layer", rows, columns, cells.toArray(BufferedImage[][]::new));
    }

    /** "hot": black, red, yellow, white for v from 0 to 1. */
    private static int heat(double v) {
        double r = Math.min(1, 3 * v), g = Math.clamp(3 * v - 1, 0, 1), b = Math.clamp(3 * v - 2, 0, 1);
        return (int) Math.round(255 * r) << 16 | (int) Math.round(255 * g) << 8 | (int) Math.round(255 * b);
    }

    /** The blocks' mean weight on token j, nearest-upsampled to h × w and averaged over the blocks. */
    private static double[] upsampled(List<Block> level, int j, int h, int w) {
        double[] out = new double[h * w];
        for (Block b : level) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = (y * b.height() / h) * b.width() + x * b.width() / w;
                    out[y * w + x] += b.mean(p, j) / level.size();
                }
            }
        }
        return out;
    }

    /** A heat map scaled from its minimum to its maximum ("hot": black, red, yellow, white) over the picture in grey. */
    private static BufferedImage overlay(BufferedImage background, double[] map) {
        int h = background.getHeight(), w = background.getWidth();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : map) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = background.getRGB(x, y);
                double grey = (0.299 * (rgb >> 16 & 0xff) + 0.587 * (rgb >> 8 & 0xff) + 0.114 * (rgb & 0xff)) / 255;
                int hot = heat(max > min ? (map[y * w + x] - min) / (max - min) : 0);
                out.setRGB(x, y, channel(grey, hot >> 16 & 0xff) << 16 | channel(grey, hot >> 8 & 0xff) << 8 | channel(grey, hot & 0xff));
            }
        }
        return out;
    }

    /** Grey (0..1) and a heat channel (0..255) blended. */
    private static int channel(double grey, int heat) {
        return (int) Math.round(255 * (1 - ALPHA) * grey + ALPHA * heat);
    }

    /**
     * Per layer: its query positions, how many predictions it saw, each token's share of the attention
     * averaged over positions, and their sum (the decoder's pixels give the rest to each other).
     */
    Map<String, Object> summary(String caption) {
        List<String> labels = labels(caption);
        List<Integer> shown = new ArrayList<>();
        for (int j = 0; j < labels.size(); j++) if (labels.get(j) != null) shown.add(j);
        List<Map<String, Object>> perBlock = new ArrayList<>();
        for (Map.Entry<String, Block> e : blocks.entrySet()) {
            Block b = e.getValue();
            int positions = b.height() * b.width();
            double[] share = new double[b.tokens()];
            for (int p = 0; p < positions; p++) {
                for (int j = 0; j < b.tokens(); j++) share[j] += b.mean(p, j) / positions;
            }
            double listed = 0;
            for (double s : share) listed += s;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("module", e.getKey());
            m.put("height", b.height());
            m.put("width", b.width());
            m.put("predictions", b.calls);
            m.put("token_share_sum", listed);
            m.put("token_share", shown.stream().map(j -> share[j]).toList());
            perBlock.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("traced_row", 0);
        doc.put("caption", caption);
        doc.put("tokens", shown.stream().map(labels::get).toList());
        doc.put("note", "attention weights of sample 0 on the tokens, averaged over heads, query positions and the run's "
                + "predictions; token_share follows tokens (padding left out); in the decoder 1 - token_share_sum went to the pixels' own keys");
        doc.put("blocks", perBlock);
        return doc;
    }
}
