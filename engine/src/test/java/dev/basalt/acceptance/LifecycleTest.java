package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Basalt;
import dev.basalt.BasaltException;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** API.md "Opening an engine": open, one owner per directory, close, reopen. */
class LifecycleTest extends AcceptanceTestBase {
    @TempDir
    Path spareDir;

    @Test
    void openCreatesAMissingDirectory() {
        Path nested = spareDir.resolve("a").resolve("b").resolve("data");
        try (Basalt fresh = Basalt.open(nested)) {
            fresh.namespace("N").put("k", "v");
            assertThat(fresh.namespace("N").get("k")).isEqualTo("v");
        }
        assertThat(nested).isDirectory();
    }

    @Test
    void openWithDefaultOptionsWorks() {
        try (Basalt fresh = Basalt.open(spareDir, BasaltOptions.defaults())) {
            fresh.namespace("N").put("k", "v");
            assertThat(fresh.namespace("N").get("k")).isEqualTo("v");
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void everyDurabilityModeWritesAndReopens(Durability durability) {
        BasaltOptions options = BasaltOptions.defaults().withClock(clock).withDurability(durability);
        try (Basalt first = Basalt.open(spareDir, options)) {
            first.namespace("N").put("k", "v-" + durability);
            first.namespace("N").put("gone", "x");
            first.namespace("N").delete("gone");
        }
        try (Basalt second = Basalt.open(spareDir, options)) {
            assertThat(second.namespace("N").get("k")).isEqualTo("v-" + durability);
            assertThat(second.namespace("N").get("gone")).isNull();
        }
    }

    @Test
    void closeIsIdempotent() {
        ns.put("k", "v");

        assertThatCode(() -> {
            db.close();
            db.close();
            db.close();
        }).as("a second and third close are no-ops").doesNotThrowAnyException();

        assertThatThrownBy(() -> db.stats()).as("still closed").isInstanceOf(IllegalStateException.class);
        try (Basalt again = Basalt.open(dir, options())) {
            // The first close released the directory lock and kept the data; the later ones
            // did not reopen, lock or truncate anything.
            assertThat(again.namespace(NAMESPACE).get("k")).isEqualTo("v");
        }
    }

    @Test
    void everyCallAfterCloseThrowsIllegalStateException() {
        KvNamespace handle = ns;
        db.close();
        List<ThrowingCallable> calls = List.of(
                () -> db.namespace(NAMESPACE),
                () -> db.namespace("NEVER_SEEN"),
                () -> db.namespaces(),
                () -> db.dropNamespace(NAMESPACE),
                () -> db.stats(),
                () -> db.sync(),
                () -> handle.get("k"),
                () -> handle.get("k", ValueType.BYTES),
                () -> handle.get(List.of("k")),
                () -> handle.get(List.of("k"), ValueType.JSON),
                () -> handle.getWithMetadata("k"),
                () -> handle.getWithMetadata("k", ValueType.BYTES),
                () -> handle.getWithMetadata(List.of("k"), ValueType.TEXT),
                () -> handle.put("k", "v"),
                () -> handle.put("k", utf8("v")),
                () -> handle.put("k", ByteBuffer.wrap(utf8("v"))),
                () -> handle.put("k", new ByteArrayInputStream(utf8("v"))),
                () -> handle.put("k", "v", PutOptions.expirationTtl(100)),
                () -> handle.delete("k"),
                () -> handle.read(ByteBuffer.wrap(utf8("k")), ByteBuffer.allocate(8)));
        for (int i = 0; i < calls.size(); i++) {
            assertThatThrownBy(calls.get(i)).as("call #%d after close", i)
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void secondOpenOfTheSameDirectoryFails() {
        assertThatThrownBy(() -> Basalt.open(dir, options()).close())
                .isInstanceOf(BasaltException.class);
        // The first owner is undisturbed.
        ns.put("k", "still mine");
        assertThat(ns.get("k")).isEqualTo("still mine");
    }

    @Test
    void secondOpenThroughADifferentPathSpellingFails() {
        Path dotDot = dir.resolve("..").resolve(dir.getFileName().toString());
        Path dot = dir.resolve(".");
        assertThatThrownBy(() -> Basalt.open(dotDot, options()).close())
                .as("open %s", dotDot).isInstanceOf(BasaltException.class);
        assertThatThrownBy(() -> Basalt.open(dot, options()).close())
                .as("open %s", dot).isInstanceOf(BasaltException.class);
        ns.put("k", "still mine");
        assertThat(ns.get("k")).isEqualTo("still mine");
    }

    @Test
    void secondOpenThroughASymbolicLinkFails() throws Exception {
        Path link = spareDir.resolve("link");
        try {
            Files.createSymbolicLink(link, dir);
        } catch (UnsupportedOperationException e) {
            return; // a file system without links has no such spelling to test
        }
        try {
            assertThatThrownBy(() -> Basalt.open(link, options()).close()).isInstanceOf(BasaltException.class);
        } finally {
            Files.delete(link); // JUnit would warn about a link leading out of its temp dir
        }
    }

    @Test
    void failedSecondOpenDoesNotReleaseTheFirstOwnersLock() {
        assertThatThrownBy(() -> Basalt.open(dir, options()).close()).isInstanceOf(BasaltException.class);
        // Had the failed open closed a channel on the lock file, the POSIX lock would be gone.
        assertThatThrownBy(() -> Basalt.open(dir, options()).close()).isInstanceOf(BasaltException.class);
    }

    @Test
    void directoryCanBeOpenedAgainAfterClose() {
        ns.put("k", "v");
        db.close();
        try (Basalt again = Basalt.open(dir, options())) {
            assertThat(again.namespace(NAMESPACE).get("k")).isEqualTo("v");
        }
    }

    @Test
    void reopenKeepsValuesMetadataEmptyValuesAndDeletes() {
        ns.put("text", "hello", PutOptions.none().withMetadata("m"));
        ns.put("bytes", patternBytes(5000));
        ns.put("empty", "");
        ns.put("deleted", "x");
        ns.delete("deleted");
        ns.put("overwritten", "first");
        ns.put("overwritten", "second");
        reopen();
        assertThat(ns.getWithMetadata("text").value()).isEqualTo("hello");
        assertThat(ns.getWithMetadata("text").metadata().asString()).isEqualTo("m");
        assertThat(ns.get("bytes", ValueType.BYTES)).isEqualTo(patternBytes(5000));
        assertThat(ns.get("empty")).isEqualTo("");
        assertThat(ns.get("deleted")).isNull();
        assertThat(ns.get("overwritten")).isEqualTo("second");
    }

    @Test
    void reopenManyTimesKeepsEverything() {
        for (int round = 0; round < 5; round++) {
            ns.put("round-" + round, "r" + round);
            reopen();
        }
        for (int round = 0; round < 5; round++) {
            assertThat(ns.get("round-" + round)).isEqualTo("r" + round);
        }
    }

    @Test
    void reopenAcrossSmallSegmentsKeepsEverything() throws Exception {
        db.close();
        BasaltOptions small = options().withSegmentSize(1L << 20).withMaxValueSize(256L << 10);
        try (Basalt rolling = Basalt.open(dir, small)) {
            KvNamespace n = rolling.namespace(NAMESPACE);
            for (int i = 0; i < 40; i++) {
                n.put("k" + i, patternBytes(100_000 + i)); // about 4 MB: several 1 MiB segments
            }
        }
        try (Basalt reopened = Basalt.open(dir, small)) {
            KvNamespace n = reopened.namespace(NAMESPACE);
            for (int i = 0; i < 40; i++) {
                assertThat(n.get("k" + i, ValueType.BYTES)).as("k%d", i).isEqualTo(patternBytes(100_000 + i));
            }
        }
        db = Basalt.open(dir, options());
    }

    @Test
    void syncReturnsAndKeepsData() {
        ns.put("k", "v");
        db.sync();
        db.sync();
        assertThat(ns.get("k")).isEqualTo("v");
    }

    @Test
    void logSyncsCountOneFsyncPerWriteInSyncEachWriteAndNonePerWriteInPeriodic() {
        BasaltOptions sync = BasaltOptions.defaults().withClock(clock).withDurability(Durability.SYNC_EACH_WRITE);
        try (Basalt each = Basalt.open(spareDir, sync)) {
            each.namespace("N").put("first", "v"); // a namespace's first write also records its name
            long before = each.stats().logSyncs();
            for (int i = 0; i < 20; i++) {
                each.namespace("N").put("k" + i, "v");
            }
            assertThat(each.stats().logSyncs() - before).isEqualTo(20);
            each.sync();
            assertThat(each.stats().logSyncs() - before).isEqualTo(21);
        }
        try (Basalt periodic = Basalt.open(spareDir, sync.withDurability(Durability.PERIODIC))) {
            long before = periodic.stats().logSyncs();
            for (int i = 0; i < 20; i++) {
                periodic.namespace("N").put("k" + i, "v");
            }
            // The background fsync runs about once a second; twenty puts take far less.
            assertThat(periodic.stats().logSyncs() - before).isLessThan(20);
        }
    }

    @Test
    void statsIsARecordThatChangesWithWrites() {
        Object before = db.stats();
        assertThat(before.getClass().isRecord()).isTrue();
        assertThat(before.getClass().getSimpleName()).isEqualTo("BasaltStats");
        ns.put("k", patternBytes(10_000));
        assertThat(db.stats()).isNotEqualTo(before);
    }

    @Test
    void statsOfAnIdleEngineIsStable() {
        ns.put("k", "v");
        assertThat(db.stats()).isEqualTo(db.stats());
    }

    @Test
    void largestRecordFitsTheSmallestSegment() {
        // 1 MiB segments: the default maximum value shrinks so the largest key, the largest
        // metadata and the largest value still fit one record (BasaltOptions' Javadoc).
        BasaltOptions smallest = BasaltOptions.defaults().withClock(clock).withSegmentSize(1L << 20);
        int largestValue = (int) smallest.maxValueSizeBytes();
        String largestKey = "K".repeat(512);
        String largestMetadata = asciiOfLength(1022); // a JSON string of 1024 bytes
        try (Basalt small = Basalt.open(spareDir, smallest)) {
            KvNamespace n = small.namespace("N");
            n.put("warm-up", patternBytes(300_000)); // the big record must roll to a new segment
            n.put(largestKey, patternBytes(largestValue), PutOptions.none().withMetadata(largestMetadata));
            n.put("after", "small");
        }
        try (Basalt small = Basalt.open(spareDir, smallest)) {
            KvNamespace n = small.namespace("N");
            assertThat(n.get(largestKey, ValueType.BYTES)).isEqualTo(patternBytes(largestValue));
            assertThat(n.getWithMetadata(largestKey).metadata().asString()).isEqualTo(largestMetadata);
            assertThat(n.get("after")).isEqualTo("small");
            assertThat(n.get("warm-up", ValueType.BYTES)).isEqualTo(patternBytes(300_000));
        }
    }
}
