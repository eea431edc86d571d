package unclip4j.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import unclip4j.diffusion.AttentionEvent;

/** Labels, averages, shares and the drawings of the decoder's and the prior's attention, on made-up events. */
class AttentionMapsTest {
    /** One image token, then a text context of 5: "a cat" is [start, a, cat, end] and one padding token. */
    private static final int TEXT = 5, TOKENS = 6;
    private static final List<String> IMAGE = List.of("image 0"), PRIOR_EXTRAS = List.of("text embedding", "timestep", "x_t", "query");

    /** Weights of a height × width block where token j gets value(p, j) at position p. */
    private static AttentionEvent event(String module, int height, int width, Value value) {
        float[] w = new float[height * width * TOKENS];
        for (int p = 0; p < height * width; p++) for (int j = 0; j < TOKENS; j++) w[p * TOKENS + j] = value.at(p, j);
        return new AttentionEvent("decoder", 500, module, height, width, IMAGE, TEXT, List.of(), w);
    }

    interface Value {
        float at(int p, int j);
    }

    @Test
    void labelsAreTheImageTokensThenTheCaptionAsClipReadsIt() {
        assertEquals(Arrays.asList("image 0", "<start>", "a", "cat", "<end>", null), AttentionMaps.labels(IMAGE, TEXT, List.of(), "a cat"));
        // too long for the context: cut, the last token becomes the end mark (Karlo's padded_tokens_and_mask)
        assertEquals(Arrays.asList("image 0", "<start>", "a", "b", "c", "<end>"), AttentionMaps.labels(IMAGE, TEXT, List.of(), "a b c d e f"));
        assertEquals(Arrays.asList("image 0", "<start>", "<end>", null, null, null), AttentionMaps.labels(IMAGE, TEXT, List.of(), ""));
        // the prior: the caption, then its four extra tokens
        assertEquals(Arrays.asList("<start>", "a", "<end>", "text embedding", "timestep", "x_t", "query"),
                AttentionMaps.labels(List.of(), 3, PRIOR_EXTRAS, "a"));
    }

    @Test
    void summaryAveragesOverPredictionsAndPositions() {
        AttentionMaps maps = new AttentionMaps();
        // two predictions of one block: token j gets 0.01·j, then 0.03·j at every position, padding 0
        maps.add(event("model.middle_block.1", 2, 2, (p, j) -> j == 5 ? 0 : 0.01f * j));
        maps.add(event("model.middle_block.1", 2, 2, (p, j) -> j == 5 ? 0 : 0.03f * j));
        // a second block whose token 1 is looked at by position 0 only
        maps.add(event("model.output_blocks.2.1", 4, 4, (p, j) -> j == 1 && p == 0 ? 0.8f : 0));
        Map<String, Object> doc = maps.summary("a cat");
        assertEquals(List.of("image 0", "<start>", "a", "cat", "<end>"), doc.get("tokens"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> blocks = (List<Map<String, Object>>) doc.get("blocks");
        assertEquals("model.middle_block.1", blocks.get(0).get("module"));
        assertEquals(2, blocks.get(0).get("predictions"));
        @SuppressWarnings("unchecked")
        List<Double> share = (List<Double>) blocks.get(0).get("token_share");
        for (int j = 0; j < 5; j++) assertEquals(0.02 * j, share.get(j), 1e-7);
        assertEquals(0.2, (double) blocks.get(0).get("token_share_sum"), 1e-6);
        assertEquals(4, blocks.get(1).get("height"));
        assertEquals(0.8 / 16, (double) blocks.get(1).get("token_share_sum"), 1e-7);
    }

    @Test
    void gridHasARowPerTokenAColumnPerResolutionAndTheHeatWhereTheWeightIs() {
        AttentionMaps maps = new AttentionMaps();
        // 4×4 block: token 2 ("a") is looked at from the top-left quarter; 2×2 block: from the bottom-right position
        maps.add(event("model.input_blocks.1.1", 4, 4, (p, j) -> j == 2 && p % 4 < 2 && p / 4 < 2 ? 0.5f : 0.01f));
        maps.add(event("model.input_blocks.4.1", 2, 2, (p, j) -> j == 2 && p == 3 ? 0.5f : 0.01f));
        BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) grey.setRGB(x, y, 0x808080);
        BufferedImage grid = maps.render("decoder", "a cat", grey);
        // rows: image 0, <start>, a, cat, <end>; columns: 4×4, 2×2, all
        assertEquals(LabelledGrid.LEFT + 3 * 8, grid.getWidth());
        assertEquals(LabelledGrid.TOP + 5 * 8, grid.getHeight());
        int rowA = LabelledGrid.TOP + 2 * 8;
        assertTrue(red(grid, LabelledGrid.LEFT + 1, rowA + 1) > red(grid, LabelledGrid.LEFT + 6, rowA + 6), "4×4: top-left hot");
        assertTrue(red(grid, LabelledGrid.LEFT + 8 + 6, rowA + 6) > red(grid, LabelledGrid.LEFT + 8 + 1, rowA + 1), "2×2: bottom-right hot");
        // the average of both: top-left and bottom-right hotter than the other corners
        int all = LabelledGrid.LEFT + 16;
        assertTrue(red(grid, all + 1, rowA + 1) > red(grid, all + 6, rowA + 1), "all: top-left over top-right");
        assertTrue(red(grid, all + 6, rowA + 6) > red(grid, all + 1, rowA + 6), "all: bottom-right over bottom-left");
    }

    @Test
    void thePriorsSingleQueryIsATableOfTokensByLayer() {
        AttentionMaps maps = new AttentionMaps();
        // caption "a" in a context of 3 (start, a, end), then the extras: 7 tokens; layer 0 reads "a", layer 1 the query
        float[] layer0 = {0.1f, 0.6f, 0.1f, 0.05f, 0.05f, 0.05f, 0.05f}, layer1 = {0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.4f};
        maps.add(new AttentionEvent("prior", 900, "model.transformer.resblocks.0.attn", 1, 1, List.of(), 3, PRIOR_EXTRAS, layer0));
        maps.add(new AttentionEvent("prior", 900, "model.transformer.resblocks.1.attn", 1, 1, List.of(), 3, PRIOR_EXTRAS, layer1));
        BufferedImage table = maps.render("prior", "a", new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB));
        int side = (table.getWidth() - LabelledGrid.LEFT) / 2;
        assertEquals(LabelledGrid.TOP + 7 * side, table.getHeight(), "one row per token, one column per layer");
        // the largest weight of the table is white, a weight of 0.1 is dark red
        assertEquals(0xffffff, table.getRGB(LabelledGrid.LEFT + 2, LabelledGrid.TOP + side + 2) & 0xffffff, "layer 0 on 'a'");
        assertTrue(red(table, LabelledGrid.LEFT + side + 2, LabelledGrid.TOP + 6 * side + 2) > red(table, LabelledGrid.LEFT + side + 2, LabelledGrid.TOP + 2),
                "layer 1: the query over <start>");
        assertEquals(1.0, (double) ((List<?>) maps.summary("a").get("blocks")).stream()
                .mapToDouble(b -> (double) ((Map<?, ?>) b).get("token_share_sum")).max().orElseThrow(), 1e-6);
    }

    @Test
    void aBlockChangingShapeWithinARunIsAnError() {
        AttentionMaps maps = new AttentionMaps();
        maps.add(event("model.middle_block.1", 2, 2, (p, j) -> 0));
        assertThrows(IllegalStateException.class, () -> maps.add(event("model.middle_block.1", 4, 4, (p, j) -> 0)));
    }

    private static int red(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) >> 16 & 0xff;
    }
}
