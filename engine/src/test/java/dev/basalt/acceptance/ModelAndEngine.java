package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
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
    }

    int reopens() {
        return reopens;
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
    }

    void recordDelete(ModelKey key) {
        model.remove(key);
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
