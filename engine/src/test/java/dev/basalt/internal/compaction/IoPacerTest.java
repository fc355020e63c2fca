package dev.basalt.internal.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;

/** The pacer keeps a pass on its rate line, with a clock the test moves (no real sleeping). */
class IoPacerTest {
    private long nowNs = 1_000;
    private final NanoClock clock = () -> nowNs;
    private final List<Long> sleeps = new ArrayList<>();

    private IoPacer pacer(long bytesPerSecond) {
        return new IoPacer(bytesPerSecond, clock, nanos -> {
            sleeps.add(nanos);
            nowNs += nanos;
        });
    }

    @Test
    void aPassAheadOfItsRateSleepsBackToTheLine() {
        IoPacer pacer = pacer(1_000_000); // 1 MB/s: 1 ms per 1000 bytes
        pacer.account(500_000); // done instantly: half a second ahead
        assertThat(sleeps).containsExactly(500_000_000L);
        nowNs += 100_000_000; // the next batch itself took 0.1 s of work for 100 KB: on the line
        pacer.account(100_000);
        assertThat(sleeps).hasSize(1);
        assertThat(pacer.sleptNanos()).isEqualTo(500_000_000L);
    }

    @Test
    void aSlowPassNeverSleeps() {
        IoPacer pacer = pacer(1_000_000);
        for (int batch = 0; batch < 10; batch++) {
            nowNs += 2_000_000; // 2 ms per batch of 1000 bytes: half the allowed speed
            pacer.account(1_000);
        }
        assertThat(sleeps).isEmpty();
    }

    @Test
    void oneSleepIsCappedAtASecondSoACloseIsNoticedSoon() {
        IoPacer pacer = pacer(1_000);
        pacer.account(10_000); // ten seconds ahead
        assertThat(sleeps).containsExactly(1_000_000_000L);
    }

    @Test
    void rateZeroIsUnpaced() {
        IoPacer pacer = pacer(0);
        pacer.account(Long.MAX_VALUE / 4);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void theRateIsAskedAgainAtEveryReport() {
        long[] rate = {1_000_000};
        IoPacer pacer = new IoPacer(() -> rate[0], clock, nanos -> {
            sleeps.add(nanos);
            nowNs += nanos;
        });
        pacer.account(100_000); // 0.1 s ahead at 1 MB/s
        rate[0] = 10_000_000; // the garbage rate rose: the next 100 KB take 10 ms, not 100
        pacer.account(100_000);
        assertThat(sleeps).containsExactly(100_000_000L, 10_000_000L);
    }

    @Test
    void aPassThatFellBehindCatchesUpAtItsRateNotInOneBurst() {
        IoPacer pacer = pacer(1_000_000);
        nowNs += 10_000_000_000L; // ten seconds without a report (the pass lost its CPU)
        pacer.account(1_000_000); // a second of work at once: at most the credit is forgiven
        assertThat(sleeps).containsExactly(1_000_000_000L - IoPacer.MAX_CREDIT_NS);
    }

    @Test
    void sleepsShorterThanTheMinimumWaitForLaterReports() {
        IoPacer pacer = pacer(1_000_000_000); // 1 GB/s: 1 µs per 1000 bytes
        for (int i = 0; i < 999; i++) {
            pacer.account(1_000); // each report alone is 1 µs ahead: no sleep yet
        }
        assertThat(sleeps).isEmpty();
        pacer.account(1_000);
        assertThat(sleeps).containsExactly(IoPacer.MIN_SLEEP_NS);
    }
}
