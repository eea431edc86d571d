package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import unclip4j.backend.OpShapes;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/**
 * conv2d of a 3×3 kernel at stride 1 and padding 1 by Winograd's minimal filtering F(m×m, 3×3)
 * (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015). Each m×m output tile
 * is {@code Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A}, with d the (m+2)×(m+2) input tile under it and g the 3×3
 * kernel. Summed over input channels the elementwise product becomes (m+2)² independent GEMMs
 * {@code M_ξ[O, T] = U_ξ[O, C] · V_ξ[C, T]}, one per position ξ of the transformed tile, over the T
 * tiles: (m+2)²/(9m²) of the multiplies of im2col (F(2×2): 1/2.25, F(4×4): 1/4). The price is
 * rounding: F(2×2)'s coefficients are 0, ±1/2 and ±1, so it is about as accurate as im2col; F(4×4)'s
 * reach 8 and 1/24, and it loses about a decimal digit.
 *
 * <p>Every transform is separable: a small matrix applied down the columns of a tile, then along its
 * rows. Each is computed for a whole row of tiles at once, the tiles being the vector lanes: an input
 * row is first split into its m phases ({@code x[t·m + q]}, q < m), so that every vector load is
 * contiguous. The weight transform runs on every call, the (output, input) channel pairs as lanes:
 * caching it would hold (m+2)²/9 times the weights of every 3×3 convolution. Images too large for
 * {@link #BAND_BYTES} go in bands of tile rows.
 */
final class WinogradConv {
    /** One tiling: output tile m×m, input tile a×a with a = m + 2, and the matrices Bᵀ (a×a), G (a×3), Aᵀ (m×a). */
    record Tiling(String name, int m, float[][] bt, float[][] g, float[][] at) {
        int a() {
            return m + 2;
        }
    }

    /** F(2×2, 3×3), interpolation points 0, ±1 and ∞. */
    static final Tiling F2 = new Tiling("winograd_f2", 2,
            new float[][] {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}},
            new float[][] {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}},
            new float[][] {{1, 1, 1, 0}, {0, 1, -1, -1}});

    /** F(4×4, 3×3), interpolation points 0, ±1, ±2 and ∞. */
    static final Tiling F4 = new Tiling("winograd_f4", 4,
            new float[][] {
                {4, 0, -5, 0, 1, 0}, {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
                {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}},
            new float[][] {
                {1 / 4f, 0, 0}, {-1 / 6f, -1 / 6f, -1 / 6f}, {-1 / 6f, 1 / 6f, -1 / 6f},
                {1 / 24f, 1 / 12f, 1 / 6f}, {1 / 24f, -1 / 12f, 1 / 6f}, {0, 0, 1}},
            new float[][] {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}});

    /** Budget of the transformed-input buffer and of the product buffer each. */
    static final long BAND_BYTES = 64L << 20;
    /** Channel pairs per weight-transform chunk: the lanes of one pass. */
    private static final int PAIRS = 512;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** The calling thread's transformed weights, transformed inputs (V) and GEMM products (M). */
    private static final ScratchBuffer WEIGHTS = new ScratchBuffer(), INPUTS = new ScratchBuffer(), PRODUCTS = new ScratchBuffer();
    /**
     * Each parallel worker's small work area for one tile row. A separate instance from the three above:
     * {@link Parallel#forRange} may run its body on the calling thread, which also holds those.
     */
    private static final ScratchBuffer TILES = new ScratchBuffer();

    private WinogradConv() {}

    /** Whether this algorithm computes conv2d with these arguments. */
    static boolean applies(Tensor weight, int stride, int padding) {
        return weight.rank() == 4 && weight.dim(2) == 3 && weight.dim(3) == 3 && stride == 1 && padding == 1;
    }

    static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Tiling f, boolean vector) {
        return conv2d(input, weight, bias, f, vector, BAND_BYTES);
    }

    /** With an explicit band budget, so tests can force several bands. */
    static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Tiling f, boolean vector, long bandBytes) {
        long[] os = OpShapes.conv2d(input, weight, bias, 1, 1);
        if (!applies(weight, 1, 1)) throw new IllegalArgumentException("Winograd conv2d needs a 3×3 kernel, got " + weight.shape());
        Tensor x = StridedCopy.f32(input), w = StridedCopy.f32(weight);
        int nb = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), o = w.dim(0);
        int m = f.m(), aa = f.a() * f.a(), th = Math.ceilDiv(h, m), tw = Math.ceilDiv(wd, m);
        Tensor out = Tensor.zeros(DType.F32, os);
        float[] b = bias == null ? new float[o] : bias.toFloatArray();
        Rows mix = new Rows(vector);

        MemorySegment u = WEIGHTS.get((long) aa * o * c * Float.BYTES);
        transformWeights(mix, f, w.segment(), u, (long) o * c);
        // the tile rows of all samples, one after the other, are the columns of the GEMMs, in bands
        int tileRows = nb * th;
        int band = (int) Math.clamp(bandBytes / Float.BYTES / ((long) aa * Math.max(c, o) * tw), 1, tileRows);
        MemorySegment v = INPUTS.get((long) aa * c * band * tw * Float.BYTES);
        MemorySegment p = PRODUCTS.get((long) aa * o * band * tw * Float.BYTES);
        for (int r0 = 0; r0 < tileRows; r0 += band) {
            Band bd = new Band(r0, Math.min(band, tileRows - r0), th, tw);
            transformInput(mix, f, x.segment(), c, h, wd, bd, v);
            for (int xi = 0; xi < aa; xi++) {
                Sgemm.sgemm(false, false, o, bd.tiles(), c, 1f, u, (long) xi * o * c, c,
                        v, (long) xi * c * bd.tiles(), bd.tiles(), 0f, p, (long) xi * o * bd.tiles(), bd.tiles());
            }
            transformOutput(mix, f, p, o, bd, out.segment(), h, wd, b);
        }
        return out;
    }

    /**
     * Tile rows {@code r0 .. r0+rows−1} of the batch, counted across samples ({@code th} per sample),
     * {@code tw} tiles each; tile t of the band's row r is column {@code r·tw + t} of the GEMMs.
     */
    private record Band(int r0, int rows, int th, int tw) {
        int tiles() {
            return rows * tw;
        }

        int sample(int r) {
            return (r0 + r) / th;
        }

        int tileRow(int r) {
            return (r0 + r) % th;
        }
    }

    /**
     * {@code U_ξ[oc, ic] = (G g Gᵀ)[i, j]}, ξ = i·a + j, for every kernel g = w[oc, ic]: the pairs are
     * first gathered into nine rows (one per kernel tap), then transformed 512 at a time.
     */
    private static void transformWeights(Rows mix, Tiling f, MemorySegment ws, MemorySegment u, long pairs) {
        int a = f.a(), aa = a * a;
        // work area, rows of PAIRS floats: g (9 rows, tap u·3+v), t = G·g (a·3 rows), U = t·Gᵀ (a² rows)
        long g0 = 0, t0 = 9L * PAIRS, u0 = t0 + 3L * a * PAIRS;
        Parallel.forRange((int) Math.ceilDiv(pairs, PAIRS), 1, (lo, hi) -> {
            MemorySegment s = TILES.get((u0 + (long) aa * PAIRS) * Float.BYTES);
            for (int chunk = lo; chunk < hi; chunk++) {
                long first = (long) chunk * PAIRS;
                int len = (int) Math.min(PAIRS, pairs - first);
                for (int k = 0; k < len; k++) {
                    for (int tap = 0; tap < 9; tap++) s.setAtIndex(F, g0 + tap * PAIRS + k, ws.getAtIndex(F, (first + k) * 9 + tap));
                }
                // t[i, v] = Σ_u G[i, u] g[u, v]: down the columns
                for (int col = 0; col < 3; col++) mix.apply(f.g(), s, g0 + col * PAIRS, 3L * PAIRS, s, t0 + col * PAIRS, 3L * PAIRS, len);
                // U[i, j] = Σ_v G[j, v] t[i, v]: along the rows
                for (int i = 0; i < a; i++) mix.apply(f.g(), s, t0 + 3L * i * PAIRS, PAIRS, s, u0 + (long) i * a * PAIRS, PAIRS, len);
                for (int xi = 0; xi < aa; xi++) {
                    MemorySegment.copy(s, (u0 + (long) xi * PAIRS) * Float.BYTES, u, (xi * pairs + first) * Float.BYTES, (long) len * Float.BYTES);
                }
            }
        });
    }

    /**
     * {@code V_ξ[ic, tile] = (Bᵀ d B)[i, j]} for the input tiles d of this band: per (channel, tile row),
     * the a input rows under it (image row ty·m − 1 + r, zero outside the image) split into phases,
     * then Bᵀ down the columns and along the rows, the tiles of the row as lanes.
     */
    private static void transformInput(Rows mix, Tiling f, MemorySegment xs, int c, int h, int wd, Band bd, MemorySegment v) {
        int m = f.m(), a = f.a(), tw = bd.tw(), ph = tw + 1;
        // work area: one padded input row ((tw+1)·m floats), its phases (a rows × m phases × tw+1), e = Bᵀ·d (a·a rows of tw)
        long padded = (long) ph * m, phases0 = padded, e0 = phases0 + (long) a * m * ph, tiles = bd.tiles();
        Parallel.forRange(c * bd.rows(), 4, (lo, hi) -> {
            MemorySegment s = TILES.get((e0 + (long) a * a * tw) * Float.BYTES);
            for (int item = lo; item < hi; item++) {
                int ic = item / bd.rows(), r = item % bd.rows(), ty = bd.tileRow(r);
                long xBase = (long) bd.sample(r) * c * h * wd;
                for (int row = 0; row < a; row++) {
                    // padded[j] = x[y, j − 1] (0 outside the image), then phase q of it: padded[t·m + q]
                    int y = ty * m - 1 + row;
                    s.asSlice(0, padded * Float.BYTES).fill((byte) 0);
                    if (y >= 0 && y < h) MemorySegment.copy(xs, (xBase + ((long) ic * h + y) * wd) * Float.BYTES, s, Float.BYTES, (long) wd * Float.BYTES);
                    for (int q = 0; q < m; q++) {
                        long dst = phases0 + (long) (row * m + q) * ph;
                        for (int t = 0; t < ph; t++) s.setAtIndex(F, dst + t, s.getAtIndex(F, (long) t * m + q));
                    }
                }
                // e[i, col] = Σ_row Bᵀ[i, row] d[row, col]; column col of every tile is phase col % m, col / m tiles on
                for (int col = 0; col < a; col++) {
                    mix.apply(f.bt(), s, phases0 + (long) (col % m) * ph + col / m, (long) m * ph, s, e0 + (long) col * tw, (long) a * tw, tw);
                }
                // V[i, j] = Σ_col Bᵀ[j, col] e[i, col], written to V_(i·a+j)[ic, r·tw ..]
                for (int i = 0; i < a; i++) {
                    mix.apply(f.bt(), s, e0 + (long) i * a * tw, tw, v, ((long) i * a * c + ic) * tiles + (long) r * tw, c * tiles, tw);
                }
            }
        });
    }

    /**
     * {@code y = Aᵀ M A + bias} for every output tile of this band, per (channel, tile row) with the
     * tiles as lanes; then the m phases of each output row are interleaved and cropped to the image.
     */
    private static void transformOutput(Rows mix, Tiling f, MemorySegment products, int o, Band bd,
                                        MemorySegment ys, int h, int wd, float[] bias) {
        int m = f.m(), a = f.a(), tw = bd.tw();
        // work area: one output row being interleaved (tw·m floats), mid = Aᵀ·M (m·a rows of tw), y = mid·A (m·m rows of tw)
        long tiles = bd.tiles(), mid0 = (long) tw * m, y0 = mid0 + (long) m * a * tw;
        Parallel.forRange(o * bd.rows(), 4, (lo, hi) -> {
            MemorySegment s = TILES.get((y0 + (long) m * m * tw) * Float.BYTES);
            for (int item = lo; item < hi; item++) {
                int oc = item / bd.rows(), r = item % bd.rows(), ty = bd.tileRow(r);
                long yBase = (long) bd.sample(r) * o * h * wd;
                // mid[row, j] = Σ_i Aᵀ[row, i] M_(i·a+j)[oc, tile]: down the columns
                for (int j = 0; j < a; j++) {
                    mix.apply(f.at(), products, ((long) j * o + oc) * tiles + (long) r * tw, a * o * tiles, s, mid0 + (long) j * tw, (long) a * tw, tw);
                }
                // y[row, q] = Σ_j Aᵀ[q, j] mid[row, j]: along the rows
                for (int row = 0; row < m; row++) mix.apply(f.at(), s, mid0 + (long) row * a * tw, tw, s, y0 + (long) row * m * tw, tw, tw);
                for (int row = 0; row < m && ty * m + row < h; row++) {
                    for (int q = 0; q < m; q++) {
                        long src = y0 + (long) (row * m + q) * tw;
                        for (int t = 0; t < tw; t++) s.setAtIndex(F, (long) t * m + q, s.getAtIndex(F, src + t) + bias[oc]);
                    }
                    MemorySegment.copy(s, 0, ys, (yBase + ((long) oc * h + ty * m + row) * wd) * Float.BYTES, (long) wd * Float.BYTES);
                }
            }
        });
    }

    /** The one arithmetic loop of every transform: a small matrix applied to a stack of rows. */
    private record Rows(boolean vector) {
        /**
         * Row p of dst = Σ_q k[p, q] · row q of src, rows of {@code len} floats; offsets and the steps
         * between rows are in floats. Zero coefficients are skipped; vector body and scalar tail both fma.
         */
        void apply(float[][] k, MemorySegment src, long srcOff, long srcStep, MemorySegment dst, long dstOff, long dstStep, int len) {
            for (int p = 0; p < k.length; p++) {
                float[] kp = k[p];
                long d = dstOff + p * dstStep;
                int i = 0;
                if (vector) {
                    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
                        FloatVector acc = FloatVector.zero(S);
                        for (int q = 0; q < kp.length; q++) {
                            if (kp[q] == 0f) continue;
                            FloatVector xq = FloatVector.fromMemorySegment(S, src, (srcOff + q * srcStep + i) * Float.BYTES, ORDER);
                            acc = xq.fma(FloatVector.broadcast(S, kp[q]), acc);
                        }
                        acc.intoMemorySegment(dst, (d + i) * Float.BYTES, ORDER);
                    }
                }
                for (; i < len; i++) {
                    float acc = 0f;
                    for (int q = 0; q < kp.length; q++) {
                        if (kp[q] != 0f) acc = Math.fma(src.getAtIndex(F, srcOff + q * srcStep + i), kp[q], acc);
                    }
                    dst.setAtIndex(F, d + i, acc);
                }
            }
        }
    }
}
