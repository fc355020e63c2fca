package dev.basalt.listing;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.testing.ManualClock;
import dev.basalt.testing.TestFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import tools.jackson.databind.JsonNode;

/**
 * The state of one {@link ListingModelTest} chain: an engine on its own directory, driven by a
 * {@link ManualClock} that only moves forward, next to a model of every namespace's keys as a
 * {@link TreeMap} in unsigned UTF-8 byte order.
 *
 * <p>Expiry in the model: a key is listed while {@code expiration > now} (or it has none).
 * The clock never moves back, so whether the engine has purged an expired key yet (a sweep, or
 * the background sweep at open) cannot change what a list shows, and the model need not know.
 *
 * <p>Not thread-safe: one jqwik try drives it from one thread.
 */
final class ListingModel {
    static final List<String> NAMESPACES = List.of("ONE", "TWO");
    /** 1 MiB segments, the smallest allowed: with values of up to 300 KB, chains span a few files to compact. */
    static final long SEGMENT_BYTES = 1L << 20;
    private static final int HISTORY_LENGTH = 12;

    /** Every state not yet closed, so {@code @AfterTry} can close engines of failed tries. */
    static final Queue<ListingModel> OPEN = new ConcurrentLinkedQueue<>();

    /** What the model says a key lists as; {@code expiration} null when it has none. */
    record Entry(Long expiration, JsonNode metadata) {
    }

    final Path dir = TestFiles.newTempDirectory("basalt-listing-model-");
    final ManualClock clock = new ManualClock();
    private final Map<String, TreeMap<String, Entry>> model = new HashMap<>();
    private final Map<String, KvNamespace> handles = new HashMap<>();
    private final Deque<String> history = new ArrayDeque<>();
    private Basalt db;
    private int reopens;
    private int sweeps;
    private long compactions;
    private long relayouts;
    private long pagesChecked;

    ListingModel() {
        OPEN.add(this);
        for (String name : NAMESPACES) {
            model.put(name, Utf8Order.newModel());
        }
        open();
    }

    /**
     * PERIODIC: a chain is hundreds of writes and close syncs anyway. The background expiry
     * sweeps at open and then hourly, so purges come from the chain's own sweep actions.
     */
    BasaltOptions options() {
        return BasaltOptions.defaults()
                .withClock(clock)
                .withMinExpirationTtl(Duration.ZERO)
                .withDurability(Durability.PERIODIC)
                .withSegmentSize(SEGMENT_BYTES)
                .withExpiryPace(Duration.ofHours(1));
    }

    private void open() {
        db = Basalt.open(dir, options());
        handles.clear();
        for (String name : NAMESPACES) {
            handles.put(name, db.namespace(name));
        }
    }

    void reopen() {
        compactions += db.stats().compactionsRun();
        db.close();
        open();
        reopens++;
    }

    void compact() {
        db.compact();
    }

    /** Lays every listing out in key order again, as the background thread does once it is due. */
    void relayout() {
        dev.basalt.BasaltInternals.store(db).relayoutListingsNow();
        relayouts++;
    }

    long relayouts() {
        return relayouts;
    }

    /** Compactions that did something, over every open of this chain. */
    long compactionsRun() {
        return compactions + db.stats().compactionsRun();
    }

    void sweep() {
        BasaltInternals.sweepAllDue(db, now());
        sweeps++;
    }

    KvNamespace ns(String name) {
        return handles.get(name);
    }

    long now() {
        return clock.epochSecond();
    }

    void recordPut(String namespace, String key, Long expiration, JsonNode metadata) {
        model.get(namespace).put(key, new Entry(expiration, metadata));
    }

    void recordDelete(String namespace, String key) {
        model.get(namespace).remove(key);
    }

    /** What a listing of {@code prefix} must show now, from the first key after {@code afterKey} (null: all). */
    List<KeyInfo> expected(String namespace, String prefix, String afterKey) {
        long now = now();
        TreeMap<String, Entry> keys = model.get(namespace);
        Map<String, Entry> range = afterKey == null ? keys : keys.tailMap(afterKey, false);
        return range.entrySet().stream()
                .filter(e -> Utf8Order.startsWith(e.getKey(), prefix))
                .filter(e -> e.getValue().expiration() == null || e.getValue().expiration() > now)
                .map(e -> new KeyInfo(e.getKey(), e.getValue().expiration(), e.getValue().metadata()))
                .toList();
    }

    void countPages(int pages) {
        pagesChecked += pages;
    }

    int reopens() {
        return reopens;
    }

    int sweeps() {
        return sweeps;
    }

    long pagesChecked() {
        return pagesChecked;
    }

    int modelKeys() {
        return model.values().stream().mapToInt(Map::size).sum();
    }

    void note(String action) {
        if (history.size() == HISTORY_LENGTH) {
            history.removeFirst();
        }
        history.addLast(action);
    }

    /** Context for assertion messages: the clock and the last actions, newest last. */
    String context(String what) {
        return what + " at " + clock.instant() + " after actions " + history;
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
