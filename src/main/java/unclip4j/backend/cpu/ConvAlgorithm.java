package unclip4j.backend.cpu;

import java.util.Arrays;
import java.util.Locale;
import unclip4j.tensor.Tensor;

/**
 * How {@link CpuBackend} computes a 3×3 convolution at stride 1 and padding 1, the bulk of the
 * U-Nets' work ({@code -Dunclip4j.cpu.conv=auto|im2col|winograd_f2|winograd_f4}). Every other
 * convolution (1×1, strided) is im2col whatever the choice.
 */
public enum ConvAlgorithm {
    /**
     * Winograd where it measured faster on the 2-core EPYC (docs/BENCHMARKS.md): F(4×4) from 256
     * output tiles of 4×4 per sample, else F(2×2) from 256 tiles of 2×2, else im2col. Below that the
     * GEMMs are too narrow and the weight transform, paid on every call, does not amortise. The
     * choice looks at one sample, not the batch, so a picture gets the same arithmetic in any batch.
     */
    AUTO,
    /** {@link Im2colConv}: one GEMM with K = 9·C, the most accurate. */
    IM2COL,
    /** {@link WinogradConv} F(2×2, 3×3): 16 GEMMs, 1/2.25 of the multiplies, rounding as im2col. */
    WINOGRAD_F2,
    /** {@link WinogradConv} F(4×4, 3×3): 36 GEMMs, 1/4 of the multiplies, about ten times im2col's rounding. */
    WINOGRAD_F4;

    public static final String PROPERTY = "unclip4j.cpu.conv";
    /** Output tiles per sample from which a Winograd tiling pays for its transforms. */
    static final long MIN_TILES = 256;

    /** The choice of {@code -Dunclip4j.cpu.conv}, AUTO when unset. */
    public static ConvAlgorithm fromProperty() {
        return parse(System.getProperty(PROPERTY, "auto"));
    }

    public static ConvAlgorithm parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown CPU conv algorithm '" + name + "' (expected one of "
                    + Arrays.stream(values()).map(ConvAlgorithm::label).toList() + ")");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The Winograd tiling to run for this convolution, or null for im2col. */
    WinogradConv.Tiling tiling(Tensor input, Tensor weight, int stride, int padding) {
        if (this == IM2COL || !WinogradConv.applies(weight, stride, padding)) return null;
        return switch (this) {
            case WINOGRAD_F2 -> WinogradConv.F2;
            case WINOGRAD_F4 -> WinogradConv.F4;
            default -> tilesPerSample(input, WinogradConv.F4) >= MIN_TILES ? WinogradConv.F4
                    : tilesPerSample(input, WinogradConv.F2) >= MIN_TILES ? WinogradConv.F2 : null;
        };
    }

    private static long tilesPerSample(Tensor input, WinogradConv.Tiling f) {
        return (long) Math.ceilDiv(input.dim(2), f.m()) * Math.ceilDiv(input.dim(3), f.m());
    }
}
