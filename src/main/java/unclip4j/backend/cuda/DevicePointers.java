package unclip4j.backend.cuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/**
 * Raw addresses to and from JCuda's handle objects. The backend keeps device memory as plain
 * {@code long} addresses (so that the allocator is pure Java and cuBLAS/cuDNN calls through FFM can
 * take them); JCuda's driver calls want {@link CUdeviceptr}s, which carry a native pointer and a
 * byte offset that JCuda adds before calling the driver.
 */
final class DevicePointers {
    private DevicePointers() {}

    /** A CUdeviceptr whose native value the subclass can read back. */
    static final class Readable extends CUdeviceptr {
        long address() {
            return getNativePointer() + getByteOffset();
        }
    }

    /** A CUstream whose handle (a {@code cudaStream_t}) can be passed to cuBLAS and cuDNN. */
    static final class Stream extends CUstream {
        long handle() {
            return getNativePointer();
        }
    }

    /** A CUfunction whose handle can be passed to cuLaunchKernel through FFM. */
    static final class Function extends CUfunction {
        long handle() {
            return getNativePointer();
        }
    }

    private static final CUdeviceptr NULL = new CUdeviceptr();

    /** A JCuda pointer to an address (null pointer plus the address as byte offset). */
    static CUdeviceptr of(long address) {
        return NULL.withByteOffset(address);
    }
}
