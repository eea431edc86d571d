package unclip4j.backend.cuda;

/**
 * What the probe learned about GPU 0: identity, size, and the figures the kernel workshop needs for
 * "% of peak" (0 where the driver did not report them).
 */
public record DeviceInfo(String name, int ccMajor, int ccMinor, long totalMemory, int multiprocessors,
                         int l2Bytes, int clockKHz, int memoryClockKHz, int memoryBusBits, int driverVersion) {

    /** {@code "9.0"}. */
    public String computeCapability() {
        return ccMajor + "." + ccMinor;
    }

    /** Driver API version as {@code "13.0"} (cuDriverGetVersion gives 13000). */
    public String driverApi() {
        return driverVersion / 1000 + "." + (driverVersion % 1000) / 10;
    }

    /** DRAM bandwidth in GB/s: double data rate × bus width; 0 if unknown. */
    public double peakGBs() {
        return 2.0 * memoryClockKHz * 1e3 * (memoryBusBits / 8.0) / 1e9;
    }

    /** FP32 FMA throughput in GFLOP/s (2 FLOPs per FMA lane); 0 if the clock is unknown. */
    public double peakFp32Gflops() {
        // FP32 lanes per SM: 64 on GA100 (8.0), 128 on GA10x, AD10x and GH100 (8.6, 8.9, 9.0)
        int lanes = ccMajor == 8 && ccMinor == 0 ? 64 : 128;
        return 2.0 * lanes * multiprocessors * clockKHz * 1e3 / 1e9;
    }

    @Override
    public String toString() {
        return String.format("%s (compute %s, %.1f GiB, %d SMs, driver API %s)", name, computeCapability(),
                totalMemory / (double) (1L << 30), multiprocessors, driverApi());
    }
}
