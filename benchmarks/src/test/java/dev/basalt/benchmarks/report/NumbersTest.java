package dev.basalt.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NumbersTest {
    @Test
    void scoresKeepAboutFourSignificantDigits() {
        assertThat(Numbers.score(22380544.0)).isEqualTo("22,380,544");
        assertThat(Numbers.score(941.74)).isEqualTo("941.7");
        assertThat(Numbers.score(12.345)).isEqualTo("12.35");
        assertThat(Numbers.score(0.0220648)).isEqualTo("0.022");
        assertThat(Numbers.score(0.0)).isEqualTo("0");
        assertThat(Numbers.score(0.0000123)).isEqualTo("1.23e-05");
        assertThat(Numbers.score(Double.NaN)).isEqualTo("—");
    }

    @Test
    void ticksAreRoundWithoutTrailingZeros() {
        assertThat(Numbers.tick(10.0)).isEqualTo("10");
        assertThat(Numbers.tick(100000.0)).isEqualTo("100,000");
        assertThat(Numbers.tick(3 * 0.1)).isEqualTo("0.3");
        assertThat(Numbers.tick(0.001)).isEqualTo("0.001");
    }
}
