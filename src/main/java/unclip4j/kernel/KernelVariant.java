package unclip4j.kernel;

/**
 * One implementation of one op family: a kernel in {@code kernels/<module>.cu} named
 * {@code <family>_<id>} (for example {@code gemm_v3_regblock}), or a library call ({@code id()} is
 * {@code "library"}, no symbol). Implemented by the launcher enums in
 * {@code unclip4j.backend.cuda.kernels}, one constant per variant.
 */
public interface KernelVariant {

    /** The op family, e.g. {@code "gemm"}. */
    String family();

    /** The variant within its family, e.g. {@code "v3_regblock"} or {@code "library"}. */
    String id();

    /** The {@code extern "C"} kernel name in the PTX, or null for a library call. */
    String symbol();

    /** The {@code kernels/*.cu} file (without extension) that defines the symbol; null for a library call. */
    String module();

    /** One line: the idea of this variant. */
    String idea();

    /** Whether {@link KernelChoice} picks this variant when nothing is asked for. */
    boolean isDefault();

    default boolean isLibrary() {
        return symbol() == null;
    }

    /** {@code id()} of a kernel symbol: the part after {@code family + "_"}. */
    static String idOf(String family, String symbol) {
        if (!symbol.startsWith(family + "_")) throw new IllegalArgumentException(symbol + " is not in family " + family);
        return symbol.substring(family.length() + 1);
    }
}
