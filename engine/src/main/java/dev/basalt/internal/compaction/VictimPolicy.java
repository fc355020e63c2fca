package dev.basalt.internal.compaction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which sealed segments a compaction pass rewrites: those whose dead fraction is at least the
 * threshold, most dead first.
 *
 * <p>Why this threshold (default 0.3): rewriting a segment that is a fraction {@code d} dead
 * copies {@code 1 - d} bytes to reclaim {@code d}. At d = 0.3 that is 2.3 bytes written per byte
 * reclaimed, and every sealed segment stays at least 70 % live, so space amplification is at
 * most 1 / 0.7 = 1.43 (the architecture's budget is 1.5). At d = 0.5 the write cost halves
 * (1 byte per byte) but amplification may reach 2; at d = 0.1 it stays under 1.11 but costs 9
 * bytes per byte. Most-dead-first ("greedy", as LFS and Bitcask's merge triggers) reclaims the
 * most per byte copied; the cost-benefit age term of LFS matters for hot/cold mixes on disks
 * near full and is left for when a workload shows it.
 */
public final class VictimPolicy {
    /** The default dead fraction at which a sealed segment is rewritten. */
    public static final double DEFAULT_DEAD_FRACTION = 0.3;

    /** One sealed segment's figures. */
    public record Candidate(long segmentId, long dataBytes, long liveBytes) {
        double deadFraction() {
            return dataBytes <= 0 ? 0 : 1.0 - (double) liveBytes / dataBytes;
        }
    }

    private final double deadFractionThreshold;

    public VictimPolicy(double deadFractionThreshold) {
        if (!(deadFractionThreshold >= 0 && deadFractionThreshold <= 1)) {
            throw new IllegalArgumentException("dead fraction threshold is " + deadFractionThreshold
                    + "; it must be 0..1");
        }
        this.deadFractionThreshold = deadFractionThreshold;
    }

    /** The victims among {@code sealed}, most dead first; none with no dead bytes at all. */
    public List<Candidate> pick(List<Candidate> sealed) {
        List<Candidate> victims = new ArrayList<>();
        for (Candidate candidate : sealed) {
            double dead = candidate.deadFraction();
            if (dead > 0 && dead >= deadFractionThreshold) {
                victims.add(candidate);
            }
        }
        victims.sort(Comparator.comparingDouble(Candidate::deadFraction).reversed());
        return victims;
    }
}
