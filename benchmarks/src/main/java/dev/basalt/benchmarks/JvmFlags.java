package dev.basalt.benchmarks;

/**
 * The JVM flags every fork that runs engine code needs, as compile-time constants so that
 * {@code @Fork(jvmArgsAppend = ...)} can use them. They must match the engine's own list
 * ({@code dev.basalt.internal.env.JvmFlags.REQUIRED}, which {@code Basalt.open} checks), the
 * parent pom's {@code basalt.jvm.flags} and the README; {@code JvmFlagsTest} fails when they
 * drift apart.
 */
final class JvmFlags {
    static final String EXPORT_JDK_INTERNAL_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    static final String EXPORT_JDK_INTERNAL_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    static final String OPEN_JAVA_LANG_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    static final String OPEN_SUN_NIO_CH = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String OPEN_JAVA_UTIL_ZIP = "--add-opens=java.base/java.util.zip=ALL-UNNAMED";

    /** Chronicle Map (peer benchmarks only) defines the classes it generates at run time. */
    static final String PEER_OPEN_JAVA_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    /** lmdbjava (peer benchmarks only) reads the address field of direct buffers. */
    static final String PEER_OPEN_JAVA_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    /** Chronicle Map (peer benchmarks only) compiles those classes with javac's file manager. */
    static final String PEER_EXPORT_JAVAC_FILE = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
    /** The same, for javac's internals it reaches by reflection. */
    static final String PEER_OPEN_JAVAC = "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED";

    /**
     * Heap for a peer-benchmark fork: the on-heap ceilings ({@code chm}, {@code skiplist}) hold
     * 1,000,000 values of 4 KiB, about 4.3 GB, in the 4 KiB variant. Unused heap costs nothing.
     */
    static final String PEER_HEAP = "-Xmx8g";

    /**
     * Heap for a read-benchmark fork: the on-heap baseline holds 1,000,000 entries of about
     * 230 bytes each (100-byte array, key buffer, map node), ~230 MB, and 4 GiB keeps GC out of
     * the picture for larger {@code keyCount} runs too.
     */
    static final String BENCHMARK_HEAP = "-Xmx4g";

    /**
     * Heap for a memory-measuring fork: fixed and touched in full before the benchmark starts
     * (huge pages make that take about two seconds, not seven), so that the growth of the
     * process's anonymous memory over a load is the store's native memory, not the JVM
     * enlarging its heap. 4 GiB holds the on-heap ceilings at 1,000,000 keys of 100 bytes.
     */
    static final String MEMORY_HEAP_MIN = "-Xms4g";
    static final String MEMORY_HEAP_MAX = "-Xmx4g";
    static final String MEMORY_HEAP_PRE_TOUCH = "-XX:+AlwaysPreTouch";
    static final String MEMORY_HEAP_HUGE_PAGES = "-XX:+UseTransparentHugePages";

    private JvmFlags() {
    }
}
