package dev.basalt.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Fork;

/** The JMH fork gets every flag the engine checks for at open, so a fork never fails on a missing flag. */
class JvmFlagsTest {
    /** What Chronicle Map and lmdbjava need beyond the engine's flags; the pom's peer.jvm.flags. */
    static final List<String> PEER_FLAGS = List.of(JvmFlags.PEER_OPEN_JAVA_LANG, JvmFlags.PEER_OPEN_JAVA_NIO,
            JvmFlags.PEER_EXPORT_JAVAC_FILE, JvmFlags.PEER_OPEN_JAVAC);

    static final List<Class<?>> PEER_BENCHMARKS = List.of(PeerReadBenchmark.class, PeerGetBenchmark.class,
            PeerPutBenchmark.class, PeerMixedBenchmark.class, PeerListBenchmark.class, OpenAndMemoryBenchmark.class);

    @Test
    void readBenchmarkForkHasEveryFlagTheEngineRequires() {
        Fork fork = ReadBenchmark.class.getAnnotation(Fork.class);

        assertThat(Arrays.asList(fork.jvmArgsAppend()))
                .containsAll(dev.basalt.internal.env.JvmFlags.REQUIRED)
                .contains(JvmFlags.BENCHMARK_HEAP);
    }

    /** The engine-only benchmarks that load a store of their own: the engine's flags and their heap. */
    @Test
    void theEngineOnlyWriteForksHaveEveryFlagTheEngineRequires() {
        for (Class<?> benchmark : List.of(IndexGrowthBenchmark.class, BatchOverwriteBenchmark.class)) {
            Fork fork = benchmark.getAnnotation(Fork.class);

            assertThat(Arrays.asList(fork.jvmArgsAppend()))
                    .as(benchmark.getSimpleName())
                    .containsAll(dev.basalt.internal.env.JvmFlags.REQUIRED)
                    .contains(JvmFlags.BENCHMARK_HEAP);
        }
    }

    /** Basalt alone, through the peers' adapter and data: the engine's flags and the peers' heap. */
    @Test
    void theFullReplayOpenForkHasEveryFlagTheEngineRequires() {
        Fork fork = FullReplayOpenBenchmark.class.getAnnotation(Fork.class);

        assertThat(Arrays.asList(fork.jvmArgsAppend()))
                .containsAll(dev.basalt.internal.env.JvmFlags.REQUIRED)
                .contains(JvmFlags.PEER_HEAP);
    }

    @Test
    void everyPeerBenchmarkForkHasTheEngineFlagsAndThePeerFlags() {
        for (Class<?> benchmark : PEER_BENCHMARKS) {
            Fork fork = benchmark.getAnnotation(Fork.class);

            assertThat(Arrays.asList(fork.jvmArgsAppend()))
                    .as(benchmark.getSimpleName())
                    .containsAll(dev.basalt.internal.env.JvmFlags.REQUIRED)
                    .containsAll(PEER_FLAGS)
                    .contains(JvmFlags.PEER_HEAP);
        }
    }

    /** The memory fork's own annotation replaces the class's, so it must carry every flag itself. */
    @Test
    void theMemoryForkHasEveryFlagAndAFixedPreTouchedHeap() throws NoSuchMethodException {
        Fork fork = OpenAndMemoryBenchmark.class.getMethod("memoryAfterLoad", OpenAndMemoryBenchmark.MemoryProbe.class)
                .getAnnotation(Fork.class);

        assertThat(Arrays.asList(fork.jvmArgsAppend()))
                .containsAll(dev.basalt.internal.env.JvmFlags.REQUIRED)
                .containsAll(PEER_FLAGS)
                .contains(JvmFlags.MEMORY_HEAP_MIN, JvmFlags.MEMORY_HEAP_MAX, JvmFlags.MEMORY_HEAP_PRE_TOUCH)
                .doesNotContain(JvmFlags.PEER_HEAP);
    }

    /** Surefire runs this module's tests with the pom's peer.jvm.flags: they must be these constants. */
    @Test
    void thePomsPeerFlagsAreTheConstants() {
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments()).containsAll(PEER_FLAGS);
    }
}
