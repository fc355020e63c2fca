package dev.basalt.reliability.kill;

import dev.basalt.Durability;
import dev.basalt.internal.env.CrashPoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Which crash point the next armed cycle of {@link KillCampaignTest} halts at, at which hit, and
 * what state the point needs. Points come round-robin in an order shuffled by the campaign's
 * seed; a point that an armed child did not reach goes to the back of the round and is tried
 * again, and one that already halted a child elsewhere (an offline-tool cycle) is skipped until
 * every point has, so at CI scale every point halts a child at least once.
 *
 * <p>Threads: the test thread only.
 */
final class CrashPointPlan {
    /** Points passed many times a second by the workload: halt at a random hit up to this many. */
    private static final int MANY_HITS = 200;
    /** Points passed a few times a cycle. */
    private static final int FEW_HITS = 3;
    private static final Set<CrashPoint> FREQUENT = EnumSet.of(CrashPoint.WRITE_BEFORE_APPEND,
            CrashPoint.WRITE_AFTER_APPEND, CrashPoint.LOG_BEFORE_FSYNC, CrashPoint.LOG_AFTER_FSYNC,
            CrashPoint.GROUP_COMMIT_BEFORE_APPLY, CrashPoint.GROUP_COMMIT_AFTER_APPLY);
    /**
     * Passed once per batch (of two or more records, for BATCH_PARTLY_WRITTEN, between the
     * writes of its two halves), and a writer step is a batch one time in eight: the 20th batch
     * comes within a second or two even with an fsync per write on a slow disk.
     */
    private static final int BATCH_HITS = 20;
    /** Passed once per record of the active segment at open: a random record of the first 50. */
    private static final int SCAN_HITS = 50;
    private static final Set<CrashPoint> OFFLINE_TOOL = EnumSet.of(CrashPoint.OFFLINE_OPENED,
            CrashPoint.OFFLINE_COMPACTED);
    /** Points of a compaction pass, which the offline tool runs too. */
    private static final List<CrashPoint> PASS_POINTS = List.of(CrashPoint.COMPACTION_COPYING,
            CrashPoint.COMPACTION_COPIED_FORCED, CrashPoint.COMMIT_TEMP_WRITTEN, CrashPoint.COMMIT_BEFORE_MOVE,
            CrashPoint.COMMIT_MOVED, CrashPoint.COMPACTION_COMMITTED, CrashPoint.COMPACTION_BEFORE_DELETE,
            CrashPoint.COMPACTION_VICTIM_DELETED, CrashPoint.COMPACTION_COMMIT_CLEARED, CrashPoint.OFFLINE_OPENED,
            CrashPoint.OFFLINE_COMPACTED);

    private final Random random;
    private final Deque<CrashPoint> round = new ArrayDeque<>();
    private final Set<CrashPoint> hit = EnumSet.noneOf(CrashPoint.class);

    CrashPointPlan(Random random) {
        this.random = random;
    }

    /** The next point to arm: until every point has halted a child, one that has not yet. */
    CrashPoint next() {
        while (true) {
            if (round.isEmpty()) {
                List<CrashPoint> all = new ArrayList<>(List.of(CrashPoint.values()));
                Collections.shuffle(all, random);
                round.addAll(all);
            }
            CrashPoint point = round.pollFirst();
            if (!hit.contains(point) || hit.size() == CrashPoint.values().length) {
                return point;
            }
        }
    }

    /** Notes that {@code point} halted a child (in any kind of cycle). */
    void hit(CrashPoint point) {
        hit.add(point);
    }

    /** Records how an armed cycle went: a point not reached is tried again later in this round. */
    void done(CrashPoint point, boolean reached) {
        if (!reached) {
            round.addLast(point);
        }
    }

    /** At which hit of {@code point} to halt (1: the first). */
    long hitAt(CrashPoint point) {
        if (FREQUENT.contains(point)) {
            return 1 + random.nextInt(MANY_HITS);
        }
        if (point == CrashPoint.BATCH_WRITTEN || point == CrashPoint.BATCH_PARTLY_WRITTEN) {
            return 1 + random.nextInt(BATCH_HITS);
        }
        if (point == CrashPoint.RECOVERY_SCAN_RECORD) {
            return 1 + random.nextInt(SCAN_HITS);
        }
        if (point == CrashPoint.COMPACTION_COPYING || point == CrashPoint.EXPIRY_PURGED
                || point == CrashPoint.HINT_TEMP_WRITTEN || point == CrashPoint.SEGMENT_MOVED
                || point == CrashPoint.SEGMENT_MADE_AHEAD
                || point == CrashPoint.BATCH_ROLLED || point.name().startsWith("CHECKPOINT_")) {
            return 1 + random.nextInt(FEW_HITS);
        }
        return 1;
    }

    /** A point for an offline-tool cycle: any step of the pass it runs, or of the tool itself. */
    CrashPoint offlinePoint(Random from) {
        return PASS_POINTS.get(from.nextInt(PASS_POINTS.size()));
    }

    /** Points passed by a replay of the whole log, which a checkpoint spares the open. */
    static boolean needsFullReplay(CrashPoint point) {
        return point == CrashPoint.RECOVERY_SCAN_RECORD || point == CrashPoint.RECOVERY_HINT_REBUILT;
    }

    /** Points passed only while a directory is created. */
    static boolean needsFreshDirectory(CrashPoint point) {
        return point.name().startsWith("STORE_FILE_") || point.name().startsWith("CURSOR_KEY_");
    }

    /** The durability mode a cycle armed at {@code point} runs in: the rotation's, unless the point needs another. */
    static Durability modeFor(CrashPoint point, Durability rotation) {
        if (point == CrashPoint.GROUP_COMMIT_BEFORE_APPLY || point == CrashPoint.GROUP_COMMIT_AFTER_APPLY) {
            return Durability.GROUP_COMMIT; // passed only by the group-commit leader
        }
        return needsVolume(point) ? Durability.PERIODIC : rotation;
    }

    /**
     * Points that need a segment to fill (a roll, a batch's roll, a compaction with victims) or
     * the log to grow by a checkpoint interval. They run in
     * PERIODIC mode: with an fsync per put on a busy disk a 1 MiB segment can take longer to
     * fill than a cycle lasts. (Random kills cover rolls and compaction in every mode.)
     */
    static boolean needsVolume(CrashPoint point) {
        String name = point.name();
        return name.startsWith("ROLL_") || name.startsWith("HINT_") || name.startsWith("SEGMENT_")
                || name.startsWith("COMPACTION_") || name.startsWith("COMMIT_") || point == CrashPoint.BATCH_ROLLED
                || name.startsWith("CHECKPOINT_");
    }

    /** Points of the offline tool itself. */
    static boolean isOfflineToolPoint(CrashPoint point) {
        return OFFLINE_TOOL.contains(point);
    }
}
