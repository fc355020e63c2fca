package dev.basalt.reliability.concurrency;

import static dev.basalt.reliability.concurrency.Operation.ABSENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checker must accept what a register can do and reject what it cannot: without the
 * rejections, a clean campaign would prove nothing. Times are small integers standing for
 * nanoseconds; {@code [a, b]} is an operation's invocation and response.
 */
class RegisterLinearizabilityTest {

    private static boolean linearizable(Operation... history) {
        return RegisterLinearizability.check(List.of(history)).linearizable();
    }

    @Test
    void sequentialPutThenReadIsAccepted() {
        assertThat(linearizable(Operation.put(1, 0, 1), Operation.read(1, 2, 3))).isTrue();
        assertThat(linearizable(Operation.read(ABSENT, 0, 1), Operation.put(1, 2, 3), Operation.delete(4, 5),
                Operation.read(ABSENT, 6, 7))).isTrue();
    }

    @Test
    void aStaleReadAfterTwoCompletedPutsIsRejected() {
        // put(w1) and put(w2) both completed before the read started: w1 is no longer there.
        assertThat(linearizable(Operation.put(1, 0, 1), Operation.put(2, 2, 3), Operation.read(1, 4, 5))).isFalse();
    }

    @Test
    void aReadOverlappingAPutMaySeeEitherValue() {
        assertThat(linearizable(Operation.put(1, 0, 1), Operation.put(2, 2, 10), Operation.read(1, 3, 4))).isTrue();
        assertThat(linearizable(Operation.put(1, 0, 1), Operation.put(2, 2, 10), Operation.read(2, 3, 4))).isTrue();
    }

    @Test
    void newThenOldAcrossTwoSequentialReadsIsRejected() {
        // Both reads overlap put(w2), but the first saw w2 and the second, started later, saw w1.
        assertThat(linearizable(Operation.put(1, 0, 1), Operation.put(2, 2, 20), Operation.read(2, 3, 4),
                Operation.read(1, 5, 6))).isFalse();
        assertThat(linearizable(Operation.put(1, 0, 1), Operation.put(2, 2, 20), Operation.read(1, 3, 4),
                Operation.read(2, 5, 6))).isTrue();
    }

    @Test
    void lostWritesAndResurrectedDeletesAreRejected() {
        assertThat(linearizable(Operation.put(1, 0, 1), Operation.read(ABSENT, 2, 3))).isFalse();
        assertThat(linearizable(Operation.put(1, 0, 1), Operation.delete(2, 3), Operation.read(1, 4, 5))).isFalse();
        assertThat(linearizable(Operation.read(7, 0, 1))).as("a value nobody wrote").isFalse();
    }

    @Test
    void expiryIsJudgedByTheClockAtTheRead() {
        Operation put = Operation.put(1, 0, 1).expiringBetween(10, 10).atClock(9, 9);
        assertThat(linearizable(put, Operation.read(1, 2, 3).atClock(9, 9))).isTrue();
        assertThat(linearizable(put, Operation.read(ABSENT, 2, 3).atClock(10, 10))).isTrue();
        assertThat(linearizable(put, Operation.read(ABSENT, 2, 3).atClock(9, 10))).as("clock moved during the read")
                .isTrue();
        assertThat(linearizable(put, Operation.read(ABSENT, 2, 3).atClock(9, 9))).as("gone too early").isFalse();
        assertThat(linearizable(put, Operation.read(1, 2, 3).atClock(10, 10))).as("seen after its second").isFalse();
    }

    @Test
    void anExpiredKeyThatComesBackIsRejected() {
        Operation put = Operation.put(1, 0, 1).expiringBetween(10, 10).atClock(9, 9);
        assertThat(linearizable(put, Operation.read(ABSENT, 2, 3).atClock(10, 10),
                Operation.read(1, 4, 5).atClock(10, 10))).isFalse();
    }

    @Test
    void aTtlPutsUncertainExpirationIsNarrowedByEachRead() {
        // The TTL was added to second 9 or 10: expiration 10 or 11.
        Operation put = Operation.put(1, 0, 1).expiringBetween(10, 11).atClock(9, 10);
        assertThat(linearizable(put, Operation.read(1, 2, 3).atClock(10, 10))).as("e = 11").isTrue();
        assertThat(linearizable(put, Operation.read(ABSENT, 2, 3).atClock(10, 10))).as("e = 10").isTrue();
        assertThat(linearizable(put, Operation.read(ABSENT, 2, 3).atClock(10, 10), Operation.read(1, 4, 5)
                .atClock(10, 10))).as("e = 10 and e = 11 at once").isFalse();
    }

    @Test
    void randomSequentialRegisterHistoriesAreAcceptedAndAForeignReadIsRejected() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            List<Operation> history = new ArrayList<>();
            long value = ABSENT;
            long time = 0;
            for (int i = 0; i < 40; i++) {
                int pick = random.nextInt(3);
                if (pick == 0) {
                    value = i;
                    history.add(Operation.put(i, time, time + 1));
                } else if (pick == 1) {
                    value = ABSENT;
                    history.add(Operation.delete(time, time + 1));
                } else {
                    history.add(Operation.read(value, time, time + 1));
                }
                time += 2;
            }
            assertThat(RegisterLinearizability.check(history).linearizable()).isTrue();
            history.add(Operation.read(1_000, time, time + 1));
            assertThat(RegisterLinearizability.check(history).linearizable()).isFalse();
        }
    }

    @Test
    void sixtyFourHeavilyOverlappingOperationsAreCheckedQuickly() {
        // Four threads; every operation overlaps the next three. Thread 0 puts, the others read
        // the newest put invoked before them, which is always a legal answer.
        List<Operation> history = new ArrayList<>();
        for (int i = 0; i < 63; i++) {
            long start = i * 10L;
            history.add(i % 4 == 0 ? Operation.put(i, start, start + 35).byThread(0)
                    : Operation.read(i / 4 * 4, start, start + 35).byThread(i % 4));
        }
        RegisterLinearizability.Verdict accepted = RegisterLinearizability.check(history);
        assertThat(accepted.linearizable()).as(accepted.explanation()).isTrue();
        // A last read, after everything, that sees the first value: every order must be tried and refused.
        history.add(Operation.read(0, 10_000, 10_001).byThread(1));
        RegisterLinearizability.Verdict rejected = RegisterLinearizability.check(history);
        assertThat(rejected.linearizable()).isFalse();
        assertThat(rejected.statesExplored()).isLessThan(100_000);
        assertThat(rejected.explanation()).contains("no linearization of these 64 operations", "t1 read -> w0");
    }

    @Test
    void historiesLongerThanTheMaskAreRefused() {
        List<Operation> history = new ArrayList<>();
        for (int i = 0; i <= RegisterLinearizability.MAX_OPERATIONS; i++) {
            history.add(Operation.read(ABSENT, i, i));
        }
        assertThatThrownBy(() -> RegisterLinearizability.check(history)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65 operations");
    }
}
