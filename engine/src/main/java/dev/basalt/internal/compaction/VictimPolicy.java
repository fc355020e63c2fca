package dev.basalt.internal.compaction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which sealed segments a compaction pass rewrites, most dead first.
 *
 * <p>With a threshold alone ({@link #VictimPolicy(double)}: {@code db.compact()} and the offline
 * tool), every segment whose dead fraction reaches it. Rewriting a segment a fraction {@code d}
 * dead copies {@code 1 - d} bytes to reclaim {@code d}: 2.3 bytes per byte at 0.3, 1 at 0.5.
 *
 * <p>In the background ({@link #background()}), a garbage budget instead: a segment at least
 * {@value #CHEAP_DEAD_FRACTION} dead is always a victim, and one at least
 * {@value #DEFAULT_DEAD_FRACTION} dead is one only while the sealed segments together hold more
 * than {@value #DEFAULT_DEAD_FRACTION} of their bytes dead, until they no longer would. Space
 * amplification stays under 1 / 0.7 = 1.43 either way (the architecture's budget is 1.5), but
 * the victims differ. A fixed threshold of 0.3 rewrites each segment as soon as it reaches
 * 0.3, so every victim is 70 % live, 2.3 bytes copied per byte reclaimed, while the store as a
 * whole sits at about 1.19x. With the budget, under uniform overwrite a segment that was
 * sealed earlier has lost more of its records, and the oldest ones decay until the whole is
 * 30 % dead: the victim is then about half dead (a segment of age {@code t} keeps
 * {@code e^-t} of its records; segments of ages 0 to {@code T} average {@code (1 - e^-T) / T}
 * live, which is 0.7 at {@code T = 0.76}, where the oldest keeps {@code e^-0.76 = 0.47}): 0.9
 * bytes copied per byte reclaimed. (Ages count overwrites in units of the number of keys; the
 * threshold alone stops the ladder at {@code e^-T = 0.7}, {@code T = 0.36}.) With segments large
 * beside the data the ladder has few rungs and the figures are rougher. Less copying is what the writers feel: on two cores the
 * pass and the writer share the CPU and the append lock.
 *
 * <p>Most-dead-first ("greedy", as LFS and Bitcask's merge triggers) reclaims the most per byte
 * copied; the cost-benefit age term of LFS matters for hot/cold mixes on disks near full and is
 * left for when a workload shows it.
 */
public final class VictimPolicy {
    /** The default dead fraction at which {@code db.compact()} rewrites a segment, and the background's garbage budget. */
    public static final double DEFAULT_DEAD_FRACTION = 0.3;
    /** In the background, a segment this dead is rewritten whatever the budget: at most 1 byte copied per byte reclaimed. */
    public static final double CHEAP_DEAD_FRACTION = 0.5;

    /** One sealed segment's figures. */
    public record Candidate(long segmentId, long dataBytes, long liveBytes) {
        double deadFraction() {
            return dataBytes <= 0 ? 0 : (double) deadBytes() / dataBytes;
        }

        long deadBytes() {
            return Math.max(0, dataBytes - liveBytes);
        }
    }

    private final double deadFractionThreshold;
    /** The sealed segments' dead share the background keeps under; NaN for a threshold alone. */
    private final double garbageBudget;

    /** Every segment at least {@code deadFractionThreshold} dead (0: any dead bytes). */
    public VictimPolicy(double deadFractionThreshold) {
        this(deadFractionThreshold, Double.NaN);
    }

    private VictimPolicy(double deadFractionThreshold, double garbageBudget) {
        if (!(deadFractionThreshold >= 0 && deadFractionThreshold <= 1)) {
            throw new IllegalArgumentException("dead fraction threshold is " + deadFractionThreshold
                    + "; it must be 0..1");
        }
        this.deadFractionThreshold = deadFractionThreshold;
        this.garbageBudget = garbageBudget;
    }

    /** Background compaction's policy: the garbage budget of the class comment. */
    public static VictimPolicy background() {
        return new VictimPolicy(DEFAULT_DEAD_FRACTION, DEFAULT_DEAD_FRACTION);
    }

    /** The victims among {@code sealed}, most dead first; none with no dead bytes at all. */
    public List<Candidate> pick(List<Candidate> sealed) {
        List<Candidate> eligible = new ArrayList<>();
        for (Candidate candidate : sealed) {
            double dead = candidate.deadFraction();
            if (dead > 0 && dead >= deadFractionThreshold) {
                eligible.add(candidate);
            }
        }
        eligible.sort(Comparator.comparingDouble(Candidate::deadFraction).reversed());
        if (Double.isNaN(garbageBudget)) {
            return eligible;
        }
        long dataBytes = 0;
        long deadBytes = 0;
        for (Candidate candidate : sealed) {
            dataBytes += candidate.dataBytes();
            deadBytes += candidate.deadBytes();
        }
        List<Candidate> victims = new ArrayList<>();
        for (Candidate candidate : eligible) {
            if (candidate.deadFraction() < CHEAP_DEAD_FRACTION && deadBytes <= garbageBudget * dataBytes) {
                break; // the rest are no deader, and the store is within its budget
            }
            victims.add(candidate);
            // Its live records move to the log's end: the store loses exactly its dead bytes.
            dataBytes -= candidate.deadBytes();
            deadBytes -= candidate.deadBytes();
        }
        return victims;
    }
}
