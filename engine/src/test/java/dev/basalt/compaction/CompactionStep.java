package dev.basalt.compaction;

import dev.basalt.internal.env.CrashPoint;

/**
 * The steps of a compaction pass that the crash tests interrupt, each the crash point the pass
 * passes when it has done that step (docs/compaction.md): the copies forced, the commit file
 * written, the victims deleted and the commit cleared.
 */
enum CompactionStep {
    COPIED(CrashPoint.COMPACTION_COPIED_FORCED),
    COMMITTED(CrashPoint.COMPACTION_COMMITTED),
    RETIRED(CrashPoint.COMPACTION_COMMIT_CLEARED);

    private final CrashPoint point;

    CompactionStep(CrashPoint point) {
        this.point = point;
    }

    /** The step a crash point ends, or null for every other point. */
    static CompactionStep after(CrashPoint point) {
        for (CompactionStep step : values()) {
            if (step.point == point) {
                return step;
            }
        }
        return null;
    }
}
