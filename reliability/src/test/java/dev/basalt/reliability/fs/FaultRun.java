package dev.basalt.reliability.fs;

import dev.basalt.Basalt;
import dev.basalt.BasaltException;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.tooling.Verifier;
import dev.basalt.internal.tooling.VerifyReport;
import dev.basalt.testing.ManualClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of a {@link Workload} on a {@link FaultyFileIo}, then the checks every fault campaign
 * shares: only {@link BasaltException} escapes; no write, sync or compaction returns normally
 * after an fsync of the log failed; optionally, once the fault is healed, writes resume in the
 * same instance; after a reopen on the real file system every acknowledged write is there
 * (a failed one may or may not be) and the verifier finds no damage.
 */
final class FaultRun {
    /** What one run found; {@link #problems} empty means every invariant held. */
    static final class Result {
        final List<String> problems = new ArrayList<>();
        final List<String> errorMessages = new ArrayList<>();
        boolean openFailed;
        int stepsFailed;
        int acknowledged;
        boolean resumedInPlace;
        boolean resumedAfterReopen;
        /** Failed forces before the open instance was opened: an fsync failure binds only its own instance. */
        int forcesFailedBefore;
    }

    private FaultRun() {
    }

    static Result run(Path dir, Workload workload, FaultyFileIo io, BasaltOptions options, ManualClock clock,
            boolean healThenWrite) {
        Result result = new Result();
        Basalt db = null;
        try {
            db = BasaltInternals.open(dir, options, io);
        } catch (BasaltException e) {
            result.openFailed = true;
            result.errorMessages.add(String.valueOf(e.getMessage()));
        } catch (RuntimeException | Error e) {
            result.problems.add("open threw an undocumented " + e);
        }
        for (Workload.Step step : workload.steps) {
            if (db == null) {
                break;
            }
            if (step.kind() == Workload.Kind.REOPEN) {
                db = reopen(db, dir, options, io, result);
                result.forcesFailedBefore = io.failedForces().size();
            } else {
                runStep(db, clock, workload, step, io, result);
            }
        }
        if (db != null) {
            if (healThenWrite) {
                io.heal();
                result.resumedInPlace = runStep(db, clock, workload, resumeStep(workload), io, result);
            }
            try {
                db.close();
            } catch (BasaltException e) {
                result.errorMessages.add(String.valueOf(e.getMessage()));
            } catch (RuntimeException | Error e) {
                result.problems.add("close threw an undocumented " + e);
            }
        }
        io.heal();
        checkAfterReopen(dir, workload, options, clock, healThenWrite && !result.resumedInPlace, result);
        return result;
    }

    /** Closes and opens again through the faulty file system; null when the open failed. */
    private static Basalt reopen(Basalt db, Path dir, BasaltOptions options, FaultyFileIo io, Result result) {
        try {
            db.close();
        } catch (BasaltException e) {
            result.errorMessages.add(String.valueOf(e.getMessage()));
        } catch (RuntimeException | Error e) {
            result.problems.add("close threw an undocumented " + e);
        }
        try {
            return BasaltInternals.open(dir, options, io);
        } catch (BasaltException e) {
            result.openFailed = true;
            result.errorMessages.add(String.valueOf(e.getMessage()));
        } catch (RuntimeException | Error e) {
            result.problems.add("reopen threw an undocumented " + e);
        }
        return null;
    }

    private static Workload.Step resumeStep(Workload workload) {
        return new Workload.Step(Workload.Kind.PUT, workload.keys.get(0), "written once the fault healed", -1, 0);
    }

    /** Runs one step; true when it returned normally. */
    private static boolean runStep(Basalt db, ManualClock clock, Workload workload, Workload.Step step,
            FaultyFileIo io, Result result) {
        int forcesFailedBeforeStep = io.failedForces().size();
        try {
            workload.runStep(db, clock, step);
        } catch (BasaltException e) {
            result.stepsFailed++;
            result.errorMessages.add(String.valueOf(e.getMessage()));
            return false;
        } catch (RuntimeException | Error e) {
            result.stepsFailed++;
            result.problems.add(step.kind() + " threw an undocumented " + e);
            return false;
        }
        if (step.kind() != Workload.Kind.ADVANCE_CLOCK
                && logFsyncFailedBefore(io, result.forcesFailedBefore, forcesFailedBeforeStep)) {
            result.problems.add(step.kind() + " " + step.key() + " returned normally after a failed fsync of the log "
                    + io.failedForces());
        }
        return true;
    }

    /**
     * Whether a step that returned normally must have refused: an fsync of a segment failed
     * before the step began (on any thread), or during it on the step's own thread. An fsync the
     * background thread failed while the step ran (a checkpoint forces the log) binds the step
     * only if it failed first; then the step's own fsync, which waits for the same lock, finds
     * the log failed and refuses. If the step's fsync came first, its write was on disk before
     * the failure and acknowledging it is right, and from outside the two orders look alike.
     */
    private static boolean logFsyncFailedBefore(FaultyFileIo io, int sinceOpen, int beforeStep) {
        List<FaultyFileIo.Failure> failed = io.failedForces();
        for (int i = sinceOpen; i < failed.size(); i++) {
            FaultyFileIo.Failure force = failed.get(i);
            boolean binding = i < beforeStep || force.thread() == Thread.currentThread();
            if (binding && force.path().getFileName().toString().endsWith(LogFormat.SEGMENT_SUFFIX)) {
                return true;
            }
        }
        return false;
    }

    private static void checkAfterReopen(Path dir, Workload workload, BasaltOptions options, ManualClock clock,
            boolean mustWrite, Result result) {
        List<Workload.Op> history = workload.history();
        boolean[] acked = workload.acknowledged();
        for (boolean a : acked) {
            result.acknowledged += a ? 1 : 0;
        }
        try (Basalt db = Basalt.open(dir, options)) {
            Map<String, Workload.Entry> actual = Workload.read(db, workload.keys);
            String wrong = Workload.checkWithFailures(history, acked, clock.epochSecond(), workload.keys, actual);
            if (wrong != null) {
                result.problems.add("after reopening: " + wrong);
            }
            if (mustWrite) {
                db.namespace(Workload.NAMESPACE).put(workload.keys.get(0), "written after the reopen");
                result.resumedAfterReopen = true;
            }
        } catch (RuntimeException e) {
            result.problems.add("reopening on the real file system failed: " + e);
            return;
        }
        try {
            VerifyReport report = Verifier.verify(dir);
            if (!report.clean()) {
                result.problems.add("verify found damage: " + report.damage());
            }
        } catch (RuntimeException e) {
            result.problems.add("verify failed: " + e);
        }
    }
}
