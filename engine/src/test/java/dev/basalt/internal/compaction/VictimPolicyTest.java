package dev.basalt.internal.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link VictimPolicy}: a threshold alone takes every segment at least that dead; the
 * background's garbage budget takes every segment at least half dead, and segments at least
 * 0.3 dead, most dead first, only until the sealed segments' dead share is back within 0.3.
 */
class VictimPolicyTest {
    @Property(tries = 500)
    void aThresholdTakesEverySegmentThatDeadMostDeadFirst(@ForAll("segments") List<VictimPolicy.Candidate> sealed,
            @ForAll("thresholds") double threshold) {
        List<VictimPolicy.Candidate> victims = new VictimPolicy(threshold).pick(sealed);
        List<VictimPolicy.Candidate> expected = new ArrayList<>();
        for (VictimPolicy.Candidate candidate : sealed) {
            if (candidate.deadBytes() > 0 && candidate.deadFraction() >= threshold) {
                expected.add(candidate);
            }
        }
        assertThat(victims).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(victims).isSortedAccordingTo(Comparator.comparingDouble(VictimPolicy.Candidate::deadFraction).reversed());
    }

    @Property(tries = 1000)
    void theBudgetTakesWhatKeepsTheStoreWithinItAndNoMore(@ForAll("segments") List<VictimPolicy.Candidate> sealed) {
        List<VictimPolicy.Candidate> victims = VictimPolicy.background().pick(sealed);
        assertThat(victims).isSortedAccordingTo(Comparator.comparingDouble(VictimPolicy.Candidate::deadFraction).reversed());
        Set<Long> chosen = new HashSet<>();
        long data = 0;
        long dead = 0;
        for (VictimPolicy.Candidate candidate : sealed) {
            data += candidate.dataBytes();
            dead += candidate.deadBytes();
        }
        for (VictimPolicy.Candidate victim : victims) {
            assertThat(victim.deadFraction()).as("never a victim under 0.3 dead").isGreaterThanOrEqualTo(0.3);
            assertThat(victim.deadBytes()).isPositive();
            chosen.add(victim.segmentId());
            data -= victim.deadBytes();
            dead -= victim.deadBytes();
        }
        for (VictimPolicy.Candidate candidate : sealed) {
            if (candidate.deadBytes() > 0 && candidate.deadFraction() >= VictimPolicy.CHEAP_DEAD_FRACTION) {
                assertThat(chosen).as("at least half dead: always a victim").contains(candidate.segmentId());
            }
        }
        boolean eligibleLeft = sealed.stream().anyMatch(c -> !chosen.contains(c.segmentId())
                && c.deadBytes() > 0 && c.deadFraction() >= 0.3);
        if (eligibleLeft) {
            assertThat((double) dead).as("within the budget once the victims are rewritten")
                    .isLessThanOrEqualTo(0.3 * data);
        }
        // No more than needed: without its least dead victim under half dead, the store would
        // have been over the budget.
        List<VictimPolicy.Candidate> optional = victims.stream()
                .filter(v -> v.deadFraction() < VictimPolicy.CHEAP_DEAD_FRACTION).toList();
        if (!optional.isEmpty()) {
            VictimPolicy.Candidate last = optional.get(optional.size() - 1);
            assertThat((double) dead + last.deadBytes()).as("the last optional victim was needed")
                    .isGreaterThan(0.3 * (data + last.deadBytes()));
        }
    }

    @Example
    void aStoreWithinItsBudgetKeepsASegmentFortyPercentDead() {
        List<VictimPolicy.Candidate> sealed = List.of(
                new VictimPolicy.Candidate(1, 1000, 600),  // 0.4 dead
                new VictimPolicy.Candidate(2, 1000, 1000),
                new VictimPolicy.Candidate(3, 1000, 1000));
        assertThat(new VictimPolicy(0.3).pick(sealed)).extracting(VictimPolicy.Candidate::segmentId).containsExactly(1L);
        assertThat(VictimPolicy.background().pick(sealed)).as("400 of 3000 bytes dead: within 0.3").isEmpty();
    }

    @Example
    void aStoreOverItsBudgetRewritesTheDeadestFirstUntilWithin() {
        List<VictimPolicy.Candidate> sealed = List.of(
                new VictimPolicy.Candidate(1, 1000, 600),  // 0.4 dead
                new VictimPolicy.Candidate(2, 1000, 550),  // 0.45
                new VictimPolicy.Candidate(3, 1000, 650),  // 0.35
                new VictimPolicy.Candidate(4, 1000, 900)); // 0.1
        // 1300 of 4000 dead; without segment 2, 850 of 3550 (0.24): one victim is enough.
        assertThat(VictimPolicy.background().pick(sealed)).extracting(VictimPolicy.Candidate::segmentId)
                .containsExactly(2L);
        // The threshold alone rewrites three of them.
        assertThat(new VictimPolicy(0.3).pick(sealed)).extracting(VictimPolicy.Candidate::segmentId)
                .containsExactly(2L, 1L, 3L);
    }

    @Example
    void aHalfDeadSegmentIsAlwaysRewritten() {
        List<VictimPolicy.Candidate> sealed = List.of(
                new VictimPolicy.Candidate(1, 1000, 500),
                new VictimPolicy.Candidate(2, 100_000, 100_000));
        assertThat(VictimPolicy.background().pick(sealed)).extracting(VictimPolicy.Candidate::segmentId)
                .containsExactly(1L);
    }

    @Example
    void refusesAThresholdOutsideZeroToOne() {
        assertThatThrownBy(() -> new VictimPolicy(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5").hasMessageContaining("0..1");
    }

    @Provide
    Arbitrary<List<VictimPolicy.Candidate>> segments() {
        Arbitrary<long[]> figures = Combinators.combine(Arbitraries.longs().between(0, 1 << 20),
                Arbitraries.doubles().between(0, 1)).as((data, live) -> new long[] {data, (long) (data * live)});
        return figures.list().ofMaxSize(40).map(list -> {
            List<VictimPolicy.Candidate> sealed = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                sealed.add(new VictimPolicy.Candidate(i, list.get(i)[0], list.get(i)[1]));
            }
            return sealed;
        });
    }

    @Provide
    Arbitrary<Double> thresholds() {
        return Arbitraries.of(0.0, 0.1, 0.3, 0.5, 1.0);
    }
}
