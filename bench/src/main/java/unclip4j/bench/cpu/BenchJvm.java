package unclip4j.bench.cpu;

/** JVM flags every forked benchmark JVM needs, shared by the @Fork of each CPU benchmark class. */
final class BenchJvm {
    /** The Vector API is an incubator module; ParallelGC as in the launcher; fixed heap so GC stays out of the timings. */
    static final String ADD_VECTOR = "--add-modules=jdk.incubator.vector";
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    static final String GC = "-XX:+UseParallelGC";
    static final String HEAP = "-Xmx4g";

    private BenchJvm() {}
}
