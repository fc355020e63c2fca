package dev.basalt.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BinaryNamespace;
import dev.basalt.KvNamespace;
import dev.basalt.internal.store.OwedNewKeysTest.KilledTail;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Range scans served while an open's backlog is still owed to the listing, the owed keys merged
 * into the walk in either direction ({@link RangeScan#walkOwing}) instead of waited for: with the
 * catch-up paused, ranges between drawn bounds (present keys, absent ones, short prefixes, no
 * bound), inclusive or not, ascending or descending, in pages of every size, show the model's
 * keys with the values a read gives, before and after more writes to the same keys, and the
 * backlog is still owed after them. Then the catch-up runs and the ranges say the same.
 */
class OwedRangesTest {
    private static final String[] SHORT_BOUNDS = {"a", "k/", "k/1", "k/12", "k/5", "k/59", "k/9999", "z"};
    private static final int RANGES = 40;

    @Property(tries = 12)
    void rangesShowTheModelWhileTheOpensBacklogWaits(@ForAll @LongRange(min = 1) long seed,
            @ForAll boolean manyKeys, @ForAll boolean pausedLoad) throws Exception {
        OwedBacklog.checkWhileOwedAndAfter(seed, manyKeys, pausedLoad, (db, model, random, killed) -> {
            Store store = BasaltInternals.store(db);
            assertRangesShowTheModel(db, store, store.namespace("alpha"), model, random, killed);
        });
    }

    /**
     * Draws ranges and checks each twice: through the binary view's iterator (pages of 128), and
     * page by page through the store at a page size drawn for the range.
     */
    private static void assertRangesShowTheModel(Basalt db, Store store, NamespaceState state,
            NavigableMap<String, String> model, Random random, KilledTail killed) {
        BinaryNamespace binary = db.binaryNamespace("alpha");
        KvNamespace ns = db.namespace("alpha");
        for (int r = 0; r < RANGES; r++) {
            String from = bound(random, killed.keySpace());
            String to = bound(random, killed.keySpace());
            boolean fromInclusive = random.nextBoolean();
            boolean toInclusive = random.nextBoolean();
            boolean descending = random.nextBoolean();
            List<String> expected = expected(model, from, fromInclusive, to, toInclusive, descending);
            String range = String.format("%s %s%s .. %s%s", descending ? "descending" : "ascending", from,
                    fromInclusive ? " incl" : "", to, toInclusive ? " incl" : "");

            List<String> iterated = new ArrayList<>();
            Iterator<BinaryNamespace.Entry> entries = binary.range(bytes(from), fromInclusive, bytes(to), toInclusive,
                    descending);
            while (entries.hasNext()) {
                BinaryNamespace.Entry entry = entries.next();
                String key = new String(entry.key(), StandardCharsets.UTF_8);
                assertThat(new String(entry.value(), StandardCharsets.UTF_8)).as("the value of %s", key)
                        .isEqualTo(ns.get(key));
                iterated.add(key);
            }
            assertThat(iterated).as("iterated, " + range).isEqualTo(expected);

            int pageSize = random.nextBoolean() ? 1 + random.nextInt(7) : 1 + random.nextInt(1000);
            assertThat(paged(store, state, from, fromInclusive, to, toInclusive, descending, pageSize))
                    .as("pages of %d, %s", pageSize, range).isEqualTo(expected);
        }
    }

    /** The range through {@link Store#scanRange}, {@code pageSize} keys a call, each call after the last key. */
    private static List<String> paged(Store store, NamespaceState state, String from, boolean fromInclusive,
            String to, boolean toInclusive, boolean descending, int pageSize) {
        List<String> keys = new ArrayList<>();
        byte[] start = bytes(from);
        boolean startInclusive = fromInclusive;
        while (true) {
            List<String> page = new ArrayList<>();
            int visited = store.scanRange(state, start, startInclusive, bytes(to), toInclusive, descending, pageSize,
                    record -> {
                        byte[] key = new byte[record.keyLength()];
                        record.buffer().getBytes(record.keyOffset(), key);
                        page.add(new String(key, StandardCharsets.UTF_8));
                    });
            assertThat(visited).as("visited count").isEqualTo(page.size()).isLessThanOrEqualTo(pageSize);
            keys.addAll(page);
            if (visited < pageSize) {
                return keys;
            }
            start = bytes(page.get(page.size() - 1));
            startInclusive = false;
        }
    }

    /** The model's keys between the bounds, in the walk's order (none when the start lies beyond the end). */
    private static List<String> expected(NavigableMap<String, String> model, String from, boolean fromInclusive,
            String to, boolean toInclusive, boolean descending) {
        int direction = descending ? -1 : 1;
        List<String> keys = new ArrayList<>();
        for (String key : descending ? model.descendingKeySet() : model.keySet()) {
            int fromStart = from == null ? 1 : direction * key.compareTo(from); // > 0: inside
            int toEnd = to == null ? -1 : direction * key.compareTo(to); // < 0: inside
            if ((fromStart > 0 || fromStart == 0 && fromInclusive) && (toEnd < 0 || toEnd == 0 && toInclusive)) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** A bound: none, a key of the key space (present or not), or a short prefix of many keys. */
    private static String bound(Random random, int keySpace) {
        int roll = random.nextInt(10);
        if (roll < 2) {
            return null;
        }
        return roll < 7 ? "k/" + random.nextInt(keySpace) : SHORT_BOUNDS[random.nextInt(SHORT_BOUNDS.length)];
    }

    private static byte[] bytes(String key) {
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }
}
