package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.KvNamespace;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;
import dev.basalt.testing.ManualClock;
import dev.basalt.testing.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import tools.jackson.databind.JsonNode;

/**
 * The state of one {@link ModelBasedTest} chain: an engine on its own directory, driven by a
 * {@link ManualClock}, next to a plain-map model of what every key must read as.
 *
 * <p>Not thread-safe: one jqwik try drives it from one thread.
 *
 * <p>Expiry in the model: a key is visible while {@code expirationEpochSeconds > now}. Once
 * the clock has reached a key's expiration the engine may purge it at any time, so if the clock
 * later moves back before that expiration the key may read as present or absent
 * ({@link Visibility#EITHER}); it must never read as anything else.
 *
 * <p>After an expiry sweep by hand ({@link #sweepAndCheck()}) the model knows more: every key
 * whose second has passed is gone from the index, so it is dropped from the model and must
 * read as absent even if the clock goes back. Only a reopen can bring such a record back (see
 * {@link #reopen()}).
 */
final class ModelAndEngine {
    static final List<String> NAMESPACES = List.of("ALPHA", "BETA");
    /** A small alphabet so overwrites, deletes and re-puts of one key are frequent. */
    static final List<String> KEYS = List.of(
            "a", "b", "c", "dir/file", "with space", "\u00fc", "\uD83D\uDE00", "k".repeat(512));
    static final long NO_EXPIRATION = Long.MAX_VALUE;
    /** 1 MiB segments: the smallest allowed, so values of a few hundred KiB roll segments. */
    static final long SEGMENT_BYTES = 1L << 20;
    private static final int HISTORY_LENGTH = 12;

    /** Every state not yet closed, so {@code @AfterTry} can close engines of failed tries. */
    static final Queue<ModelAndEngine> OPEN = new ConcurrentLinkedQueue<>();

    /** What the model says a key is. */
    record Entry(byte[] value, JsonNode metadata, long expirationEpochSeconds, boolean mayBePurged) {
        Entry purgeable() {
            return new Entry(value, metadata, expirationEpochSeconds, true);
        }
    }

    record ModelKey(String namespace, String key) {
        @Override
        public String toString() {
            String shown = key.length() > 20 ? key.substring(0, 8) + "...(" + key.length() + " chars)" : key;
            return namespace + "/'" + shown + "'";
        }
    }

    enum Visibility { PRESENT, ABSENT, EITHER }

    final Path dir = TestFiles.newTempDirectory("basalt-model-");
    final ManualClock clock = new ManualClock();
    final Map<ModelKey, Entry> model = new HashMap<>();
    private final Deque<String> history = new ArrayDeque<>();
    private Basalt db;
    private int reopens;
    private final Map<String, KvNamespace> handles = new HashMap<>();
    /**
     * Records a sweep removed from the index (and so from the model), kept until the key is
     * written again, because recovery can index them again at the next open.
     */
    private final Map<ModelKey, Entry> purgedRecords = new HashMap<>();
    /** {@code stats().expiredAndPurged()} at the last sweep of this open: it never decreases. */
    private long lastExpiredAndPurged;
    private int keysSeenPurged;

    ModelAndEngine() {
        OPEN.add(this);
        open();
    }

    BasaltOptions options() {
        return BasaltOptions.defaults()
                .withClock(clock)
                .withMinExpirationTtl(Duration.ZERO)
                .withSegmentSize(SEGMENT_BYTES);
    }

    void open() {
        db = Basalt.open(dir, options());
        handles.clear();
        for (String name : NAMESPACES) {
            handles.put(name, db.namespace(name));
        }
    }

    void reopen() {
        db.close();
        open();
        reopens++;
        lastExpiredAndPurged = 0;
        // The purge writes nothing to the log, so recovery indexes a purged record again: it is
        // due but unpurged once more, and if the clock stands (or later goes) before its second,
        // reads return it. docs/expiry.md says "what was purged stays purged"; this tolerance
        // (the record becomes EITHER) is the known gap that
        // dev.basalt.expiry.ExpiryReopenTest.aPurgedKeyStaysPurgedAfterTheClockGoesBackAndTheStoreReopens
        // pins down. Once the engine keeps purges across a reopen, delete these two lines.
        purgedRecords.forEach((key, entry) -> model.put(key, entry.purgeable()));
        purgedRecords.clear();
    }

    int reopens() {
        return reopens;
    }

    /** Keys that sweeps found purged from the index (for the test's statistics). */
    int keysSeenPurged() {
        return keysSeenPurged;
    }

    int segmentCount() {
        return db.stats().segmentCount();
    }

    void sync() {
        db.sync();
    }

    KvNamespace ns(String name) {
        return handles.get(name);
    }

    long now() {
        return clock.epochSecond();
    }

    /** Moves the clock and marks every key whose expiration it reached as purgeable. */
    void moveClock(long seconds) {
        clock.advanceSeconds(seconds);
        long now = now();
        model.replaceAll((k, e) -> e.expirationEpochSeconds() <= now ? e.purgeable() : e);
    }

    void recordPut(ModelKey key, byte[] value, JsonNode metadata, long expirationEpochSeconds) {
        model.put(key, new Entry(value.clone(), metadata, expirationEpochSeconds, false));
        purgedRecords.remove(key);
    }

    void recordDelete(ModelKey key) {
        model.remove(key);
        purgedRecords.remove(key);
    }

    /**
     * Runs expiry sweeps by hand at the clock's second until nothing due is left, then checks
     * every key: one the model says has expired must be absent (and, being purged, leaves the
     * model for good); one that never reached its second must be present with its value; one
     * that did and the clock went back ({@link Visibility#EITHER}) is present, or absent because
     * it was purged, and then it too leaves the model. Then {@code liveKeys} must count exactly
     * the keys left, give or take those EITHER keys, and {@code expiredAndPurged} must not
     * have gone down.
     */
    void sweepAndCheck() {
        long now = now();
        BasaltInternals.sweepAllDue(db, now);
        for (String name : NAMESPACES) {
            for (String key : KEYS) {
                checkAfterSweep(new ModelKey(name, key), now);
            }
        }
        long present = model.values().stream().filter(e -> !e.mayBePurged()).count();
        assertThat(db.stats().liveKeys()).as(context("liveKeys after a sweep")).isBetween(present, (long) model.size());
        long purged = db.stats().expiredAndPurged();
        assertThat(purged).as(context("expiredAndPurged after a sweep")).isGreaterThanOrEqualTo(lastExpiredAndPurged);
        lastExpiredAndPurged = purged;
    }

    private void checkAfterSweep(ModelKey key, long now) {
        Entry entry = model.get(key);
        byte[] got = ns(key.namespace()).get(key.key(), ValueType.BYTES);
        String description = context("get BYTES of " + key + " after a sweep");
        if (entry == null) {
            assertThat(got).as(description + " (model: absent)").isNull();
        } else if (entry.expirationEpochSeconds() <= now) {
            assertThat(got).as(description + " (model: expired)").isNull();
            forgetPurged(key, entry);
        } else if (got == null) {
            assertThat(entry.mayBePurged()).as(description + " (model: present, never due)").isTrue();
            forgetPurged(key, entry);
        } else if (!Arrays.equals(got, entry.value())) {
            assertThat(got).as(description + " value bytes").isEqualTo(entry.value());
        }
    }

    private void forgetPurged(ModelKey key, Entry entry) {
        model.remove(key);
        purgedRecords.put(key, entry);
        keysSeenPurged++;
    }

    Visibility visibility(ModelKey key) {
        Entry entry = model.get(key);
        if (entry == null || entry.expirationEpochSeconds() <= now()) {
            return Visibility.ABSENT;
        }
        return entry.mayBePurged() ? Visibility.EITHER : Visibility.PRESENT;
    }

    void note(String action) {
        if (history.size() == HISTORY_LENGTH) {
            history.removeFirst();
        }
        history.addLast(action);
    }

    /** Context for assertion messages: the clock and the last actions, newest last. */
    String context(String what) {
        return what + " at epoch second " + now() + " after actions " + history;
    }

    /**
     * Checks one observation of {@code key}: {@code value} null means the engine said absent.
     * {@code metadata} is checked only when {@code checkMetadata}.
     */
    void assertAgrees(ModelKey key, byte[] value, JsonNode metadata, boolean checkMetadata, String how) {
        Visibility visibility = visibility(key);
        String description = context(how + " of " + key + " (model: " + visibility + ")");
        if (visibility == Visibility.ABSENT || (visibility == Visibility.EITHER && value == null)) {
            assertThat(value).as(description).isNull();
            if (checkMetadata) {
                assertThat(metadata).as(description + " metadata").isNull();
            }
            return;
        }
        Entry entry = model.get(key);
        assertThat(value).as(description).isNotNull();
        if (!Arrays.equals(value, entry.value())) {
            assertThat(value).as(description + " value bytes").isEqualTo(entry.value());
        }
        if (checkMetadata) {
            assertThat(metadata).as(description + " metadata").isEqualTo(entry.metadata());
        }
    }

    /**
     * Checks a TEXT read: API.md's TEXT decodes UTF-8 with malformed sequences as U+FFFD, which
     * is what {@code new String(bytes, UTF_8)} does, so binary values are compared decoded.
     */
    void assertTextAgrees(ModelKey key, String text, String how) {
        Entry entry = model.get(key);
        byte[] observed = text == null ? null : text.getBytes(StandardCharsets.UTF_8);
        if (text != null && entry != null && text.equals(new String(entry.value(), StandardCharsets.UTF_8))) {
            observed = entry.value(); // same text; the stored bytes may be malformed UTF-8
        }
        assertAgrees(key, observed, null, false, how);
    }

    /** The invariant after every action: every key of both namespaces reads as the model says. */
    void assertAllKeysAgree() {
        for (String name : NAMESPACES) {
            Map<String, ValueWithMetadata<byte[]>> got = ns(name).getWithMetadata(KEYS, ValueType.BYTES);
            assertThat(got.keySet()).as(context("bulk key order in " + name)).containsExactlyElementsOf(KEYS);
            for (String key : KEYS) {
                ValueWithMetadata<byte[]> one = got.get(key);
                byte[] value = one == null ? null : one.value();
                JsonNode metadata = one == null ? null : one.metadata();
                assertAgrees(new ModelKey(name, key), value, metadata, true, "bulk getWithMetadata");
            }
        }
    }

    void closeAndDelete() {
        OPEN.remove(this);
        try {
            if (db != null) {
                db.close();
            }
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }
}
