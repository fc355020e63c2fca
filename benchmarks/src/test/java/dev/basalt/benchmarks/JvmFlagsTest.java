package dev.basalt.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Fork;

/** The JMH fork gets every flag the engine checks for at open, so a fork never fails on a missing flag. */
class JvmFlagsTest {
    @Test
    void readBenchmarkForkHasEveryFlagTheEngineRequires() {
        Fork fork = ReadBenchmark.class.getAnnotation(Fork.class);

        assertThat(Arrays.asList(fork.jvmArgsAppend()))
                .containsAll(dev.basalt.internal.env.JvmFlags.REQUIRED)
                .contains(JvmFlags.BENCHMARK_HEAP);
    }
}
