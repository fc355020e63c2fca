/**
 * The Basalt engine. Only {@code dev.basalt} is exported to everyone; everything under
 * {@code dev.basalt.internal} is the engine's own business. The command line
 * ({@code dev.basalt.tools}) also calls the engine's checks and offline compaction, so those two
 * packages are exported to it alone (the tools module is not built with the engine, hence the
 * suppressed "module not found" warning).
 */
@SuppressWarnings("module")
module dev.basalt.engine {
    requires transitive tools.jackson.databind;
    requires org.agrona;
    requires chronicle.bytes;
    requires chronicle.core;
    requires com.sun.jna;       // malloc_trim (FreedMemory); mmap and madvise (DirectMemory)
    // Chronicle and Agrona use sun.misc (Unsafe, SignalHandler); as automatic modules they read
    // it only if some module resolves it (found by ModulePathTest: NoClassDefFoundError).
    requires jdk.unsupported;
    requires jdk.jfr;           // engine events, off by default (docs/observability.md)
    requires java.management;   // the BasaltMXBean of each open store

    exports dev.basalt;
    exports dev.basalt.internal.tooling to dev.basalt.tools;
    exports dev.basalt.internal.compaction to dev.basalt.tools;
}
