package dev.basalt.compaction;

import static dev.basalt.compaction.CompactionSafetyTest.putUntilRoll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.CompactionResult;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.internal.checkpoint.CheckpointFile;
import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pass deletes each victim before it copies the next, so the disk never holds every victim
 * beside its copies; and a pass stopped between two victims leaves a log that, read alone,
 * resurrects nothing and loses nothing.
 */
class CompactionOneVictimAtATimeTest {
    private static final String FILLER = CompactionSafetyTest.FILLER;
    /** About 1,100 records of {@link CompactionSafetyTest#FILLER} fill a 1 MiB segment. */
    private static final int RECORDS_PER_SEGMENT = 1100;

    @TempDir
    Path dir;

    private static BasaltOptions options() {
        return BasaltOptions.defaults().withSegmentSize(1 << 20).withBackgroundCompaction(false)
                .withDurability(Durability.PERIODIC);
    }

    @Test
    void eachVictimIsDeletedBeforeTheNextIsCopied() {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < RECORDS_PER_SEGMENT; i++) {
                    ns.put("key:" + i, FILLER + round);
                }
            }
            // Seals the log behind a segment of keys that stay live (no victim).
            putUntilRoll(db, ns, "seal:", Integer.MAX_VALUE);
            Set<String> before = segmentFiles();
            List<Integer> goneAtEachVictim = new ArrayList<>();
            CompactionResult result = BasaltInternals.store(db).compact(0.5, (done, total) -> {
                Set<String> gone = new TreeSet<>(before);
                gone.removeAll(segmentFiles());
                goneAtEachVictim.add(gone.size());
            });
            assertThat(result.segmentsCompacted()).as("the first rounds' segments").isGreaterThan(1);
            List<Integer> oneMoreEachTime = new ArrayList<>();
            for (int victim = 1; victim <= result.segmentsCompacted(); victim++) {
                oneMoreEachTime.add(victim);
            }
            assertThat(goneAtEachVictim).as("segment files of the pass's start gone as each victim finishes")
                    .isEqualTo(oneMoreEachTime);
            for (int i = 0; i < RECORDS_PER_SEGMENT; i++) {
                assertThat(ns.get("key:" + i)).isEqualTo(FILLER + 3);
            }
        }
    }

    @Test
    @SuppressWarnings("try") // the observer works by being installed, not by being referenced
    void aPassStoppedBetweenVictimsLeavesALogThatResurrectsNothing() throws Exception {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            // Segment A: k's first put among keys of which 60 % are overwritten later.
            ns.put("k", "v1");
            putUntilRoll(db, ns, "a:", Integer.MAX_VALUE);
            // Segment B: k's delete among overwrites of 20 keys, so nearly all of B is dead.
            ns.delete("k");
            putUntilRoll(db, ns, "b:", 20);
            for (int i = 0; i < RECORDS_PER_SEGMENT * 6 / 10; i++) {
                ns.put("a:" + i, FILLER + "again");
            }
            // Seals the log behind a segment of keys that stay live (no victim).
            putUntilRoll(db, ns, "seal:", Integer.MAX_VALUE);
            AtomicInteger victimsDone = new AtomicInteger();
            try (AutoCloseable crash = CrashPoints.observe(point -> {
                if (point == CrashPoint.COMPACTION_COMMIT_CLEARED && victimsDone.incrementAndGet() == 1) {
                    throw new IllegalStateException("injected fault after the first victim");
                }
            })) {
                assertThatThrownBy(() -> BasaltInternals.store(db).compact(0.5, (done, total) -> { }))
                        .hasMessageContaining("injected fault after the first victim");
            }
            assertThat(victimsDone).as("the pass stopped after its first victim").hasValue(1);
            assertThat(db.stats().segmentCount()).as("one victim deleted, the other still there")
                    .isEqualTo(segmentFiles().size());
            assertThat(ns.get("k")).isNull();
        }
        // The log alone must hold the truth: without the checkpoint the open rebuilds from it.
        for (int reopen = 0; reopen < 2; reopen++) {
            Files.delete(CheckpointFile.path(dir));
            try (Basalt db = Basalt.open(dir, options())) {
                KvNamespace ns = db.namespace("NS");
                assertThat(ns.get("k")).as("deleted before the pass").isNull();
                assertThat(ns.get("a:1")).isEqualTo(FILLER + "again");
                assertThat(ns.get("a:700")).as("not overwritten").isEqualTo(FILLER);
                assertThat(ns.get("b:7")).isEqualTo(FILLER);
                assertThat(ns.get("seal:3")).isEqualTo(FILLER);
                if (reopen == 0) {
                    assertThat(db.compact().segmentsCompacted()).as("the pass finishes what it left").isPositive();
                }
            }
        }
    }

    private Set<String> segmentFiles() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".seg"))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
