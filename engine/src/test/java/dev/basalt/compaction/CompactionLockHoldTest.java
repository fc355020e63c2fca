package dev.basalt.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.CompactionResult;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import dev.basalt.internal.compaction.CompactionHost;
import dev.basalt.internal.compaction.CompactionPass;
import dev.basalt.internal.compaction.IoPacer;
import dev.basalt.internal.compaction.LiveKeys;
import dev.basalt.internal.compaction.SegmentUsage;
import dev.basalt.internal.compaction.VictimPolicy;
import dev.basalt.internal.log.SegmentLog;
import java.nio.file.Path;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer queued behind compaction waits for at most one record's worth of its work (issue 14):
 * a pass decides and copies exactly one record per hold of the append lock, and takes no hold
 * while a writer waits for the lock, counted through a host that wraps the engine's and sees
 * every lock hold and every record decision in it (and pretends a writer queues after each hold).
 */
class CompactionLockHoldTest {
    private static final int KEYS = 10_000;
    private static final BasaltOptions OPTIONS = BasaltOptions.defaults().withDurability(Durability.PERIODIC)
            .withSegmentSize(1 << 20).withBackgroundCompaction(false);

    @TempDir
    Path dir;

    /** One pass over every sealed segment, unpaced. */
    private static CompactionResult runWholePass(CompactionHost host) {
        return newPass(host).run(new VictimPolicy(0));
    }

    private static CompactionPass newPass(CompactionHost host) {
        return new CompactionPass(host, (done, total) -> { }, new IoPacer(0, System::nanoTime, n -> { }),
                new IntArrayList());
    }

    @Test
    void aPassDecidesOneRecordPerLockHoldAndLosesNothing() {
        CountingHost counting;
        CompactionResult result;
        try (Basalt db = Basalt.open(dir, OPTIONS)) {
            overwriteThreeTimesAndDeleteEveryTenth(db.namespace("NS"), false);
            counting = new CountingHost(BasaltInternals.store(db).compactionHost());
            CompactionPass pass = newPass(counting);
            result = pass.run(new VictimPolicy(0));
            // The old design copied up to 256 records per hold: the pass here has far more than that.
            assertThat(result.recordsCopied()).isGreaterThan(256);
            // The first segments hold only superseded puts and are retired unread; with assertions
            // on (here) the pass still checks each of their records, one per hold, and counts it.
            assertThat(pass.recordsDroppedUnread()).as("records of victims retired unread").isPositive();
            assertThat(counting.maxDecisionsPerHold).isEqualTo(1);
            assertThat(counting.decisionsAheadOfAWriter).as("records copied ahead of a waiting writer").isZero();
            assertThat(counting.decisions).isEqualTo(result.recordsCopied() + result.tombstonesKept()
                    + result.recordsDropped());
        }
        checkLastRoundAfterReopen();
    }

    /**
     * The records an overwrite or delete left behind are dropped without the lock at all: the
     * pass asks the index lock-free first (CompactionHost.markSuperseded), and takes the lock
     * only for the rest. The contents after a reopen are the same as when every record is
     * decided under the lock.
     */
    @Test
    void supersededRecordsAreDroppedWithoutTheLock() {
        CountingHost counting;
        CompactionResult result;
        try (Basalt db = Basalt.open(dir, OPTIONS)) {
            overwriteThreeTimesAndDeleteEveryTenth(db.namespace("NS"), true);
            counting = new CountingHost(BasaltInternals.store(db).compactionHost());
            counting.delegateMarking = true;
            result = runWholePass(counting);
            assertThat(counting.markedSuperseded).as("records dropped without the lock")
                    .isGreaterThanOrEqualTo(2L * KEYS - KEYS / 10);
            assertThat(counting.decisions + counting.markedSuperseded).as("every record decided once")
                    .isEqualTo(result.recordsCopied() + result.tombstonesKept() + result.recordsDropped());
            assertThat(result.recordsCopied()).as("live records copied under the lock").isPositive();
        }
        checkLastRoundAfterReopen();
    }

    /** Three rounds of puts over every key (every seventh with a TTL when asked), then every tenth key deleted. */
    private static void overwriteThreeTimesAndDeleteEveryTenth(KvNamespace ns, boolean someWithTtl) {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < KEYS; i++) {
                ns.put("key-" + i, "v" + round + "-" + i + "-".repeat(100), someWithTtl && i % 7 == 0
                        ? PutOptions.expirationTtl(3600) : PutOptions.none());
            }
        }
        for (int i = 0; i < KEYS; i += 10) {
            ns.delete("key-" + i);
        }
    }

    private void checkLastRoundAfterReopen() {
        try (Basalt db = Basalt.open(dir, OPTIONS)) {
            KvNamespace ns = db.namespace("NS");
            for (int i = 0; i < KEYS; i++) {
                assertThat(ns.get("key-" + i)).isEqualTo(i % 10 == 0 ? null : "v2-" + i + "-".repeat(100));
            }
        }
    }

    /** The engine's host, counting the namespace lookups (one per keyed record decided) per lock hold. */
    private static final class CountingHost implements CompactionHost {
        private final CompactionHost engine;
        private boolean held;
        private int decisionsThisHold;
        int maxDecisionsPerHold;
        long decisions;

        CountingHost(CompactionHost engine) {
            this.engine = engine;
        }

        /** A writer the test pretends is queued after every hold: "waiting" for this many more asks. */
        private int writerAsksLeft;
        private boolean takenWhileWriterWaited;
        /** Records decided in a hold the pass took while a writer still waited. */
        long decisionsAheadOfAWriter;

        @Override
        public boolean writerWaiting() {
            if (writerAsksLeft > 0) {
                writerAsksLeft--;
                return true;
            }
            return false;
        }

        @Override
        public void lockStep() {
            takenWhileWriterWaited = writerAsksLeft > 0;
            engine.lockStep();
            held = true;
            decisionsThisHold = 0;
        }

        @Override
        public void unlockStep() {
            held = false;
            engine.unlockStep();
            writerAsksLeft = 3;
        }

        @Override
        public LiveKeys liveKeys(DirectBuffer name, int offset, int length) {
            assertThat(held).as("a record is decided under the append lock").isTrue();
            decisions++;
            if (takenWhileWriterWaited) {
                decisionsAheadOfAWriter++;
            }
            maxDecisionsPerHold = Math.max(maxDecisionsPerHold, ++decisionsThisHold);
            return engine.liveKeys(name, offset, length);
        }

        /** Whether the lock-free superseded check is passed on to the engine (else nothing is marked). */
        boolean delegateMarking;
        long markedSuperseded;

        @Override
        public void markSuperseded(DirectBuffer segment, long segmentId, IntArrayList offsets, int from, int to,
                long nowEpochSeconds, boolean[] superseded) {
            assertThat(held).as("checked without the append lock").isFalse();
            if (!delegateMarking) {
                CompactionHost.super.markSuperseded(segment, segmentId, offsets, from, to, nowEpochSeconds, superseded);
                return;
            }
            engine.markSuperseded(segment, segmentId, offsets, from, to, nowEpochSeconds, superseded);
            for (int i = 0; i < to - from; i++) {
                markedSuperseded += superseded[i] ? 1 : 0;
            }
        }

        @Override
        public SegmentLog log() {
            return engine.log();
        }

        @Override
        public SegmentUsage usage() {
            return engine.usage();
        }

        @Override
        public long firstSegmentWithPendingUpdate() {
            return engine.firstSegmentWithPendingUpdate();
        }

        @Override
        public void awaitReaders() {
            engine.awaitReaders();
        }

        @Override
        public void changeFiles(Runnable change) {
            engine.changeFiles(change);
        }

        @Override
        public long nowEpochSeconds() {
            return engine.nowEpochSeconds();
        }

        @Override
        public long segmentSizeBytes() {
            return engine.segmentSizeBytes();
        }
    }
}
