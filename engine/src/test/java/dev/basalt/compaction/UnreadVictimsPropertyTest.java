package dev.basalt.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import dev.basalt.internal.compaction.CompactionPass;
import dev.basalt.internal.compaction.IoPacer;
import dev.basalt.internal.compaction.VictimPolicy;
import dev.basalt.testing.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.agrona.collections.IntArrayList;

/**
 * A pass retires a victim without reading it when the segment's figures say every record in it
 * is a put without an expiration that no index points at (SegmentUsage.holdsOnlySupersededPuts).
 * Random overwrites, puts with a TTL, deletes, namespace drops, clock moves, passes and reopens
 * on 1 MiB segments, checked against a map model after every pass and reopen. The pass also
 * checks each victim it retires unread, record by record, when assertions are on (as here): a
 * guarded or live record in one fails the try.
 */
class UnreadVictimsPropertyTest {
    /** Sixteen values of this size fill a quarter of a 1 MiB segment. */
    private static final int VALUE_BYTES = 16 * 1024;
    private static final List<String> NAMESPACES = List.of("A", "B");
    private static final int KEYS = 24;

    enum Kind { PUT, PUT_WITH_TTL, DELETE, DROP_NAMESPACE, MOVE_CLOCK, PASS, COMPACT, REOPEN }

    record Op(Kind kind, int namespace, int key, int seed) {
    }

    @Property(tries = 30)
    void passesThatSkipReadingLoseAndResurrectNothing(@ForAll("ops") List<Op> ops) throws IOException {
        long unread = run(ops);
        Statistics.label("a victim retired unread").collect(unread > 0);
        Statistics.label("operations").collect(ops.size() / 100 * 100);
        Statistics.label("a victim retired unread").coverage(c -> c.check(true).percentage(p -> p >= 15));
    }

    /**
     * Twelve rounds over every key, then a pass: the segments behind the last round hold only
     * superseded puts and are retired unread (not the first: it holds the namespace's record).
     * With one tombstone, or one put with a TTL, among the second segment's records, that segment
     * is read and the next ones still are not.
     */
    @Example
    void aGuardedRecordMakesThePassReadItsSegmentOnly() throws IOException {
        long plain = run(roundsThenPass(Kind.PUT));
        assertThat(plain).as("records dropped unread, overwrites only").isGreaterThanOrEqualTo(KEYS * 6L);
        for (Kind guarded : List.of(Kind.DELETE, Kind.PUT_WITH_TTL)) {
            long unread = run(roundsThenPass(guarded));
            assertThat(unread).as(guarded + " in the second segment: it is read").isLessThan(plain);
            assertThat(unread).as(guarded + " in the second segment: the next are not read").isPositive();
        }
    }

    /** Twelve puts of every key, the 71st (in the second segment) replaced by {@code guarded}; then a pass. */
    private static List<Op> roundsThenPass(Kind guarded) {
        Op[] ops = new Op[KEYS * 12 + 1];
        for (int i = 0; i < KEYS * 12; i++) {
            ops[i] = new Op(i == 70 ? guarded : Kind.PUT, 0, i % KEYS, i);
        }
        ops[KEYS * 12] = new Op(Kind.PASS, 0, 0, 0);
        return Arrays.asList(ops);
    }

    /**
     * Blocks of operations: runs of plain puts long enough to fill a segment, between short runs
     * of every kind. Guarded records spread evenly would leave no segment without one.
     */
    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(10, Kind.PUT),
                Tuple.of(3, Kind.PUT_WITH_TTL),
                Tuple.of(3, Kind.DELETE),
                Tuple.of(1, Kind.DROP_NAMESPACE),
                Tuple.of(2, Kind.MOVE_CLOCK),
                Tuple.of(3, Kind.PASS),
                Tuple.of(1, Kind.COMPACT),
                Tuple.of(1, Kind.REOPEN));
        Arbitrary<List<Op>> mixed = ops(kinds, NAMESPACES.size()).list().ofMinSize(1).ofMaxSize(12)
                .withSizeDistribution(RandomDistribution.uniform());
        Arbitrary<List<Op>> overwrites = ops(Arbitraries.just(Kind.PUT), 1).list().ofMinSize(80).ofMaxSize(240)
                .withSizeDistribution(RandomDistribution.uniform());
        Op lastPass = new Op(Kind.PASS, 0, 0, 0);
        return Arbitraries.frequencyOf(Tuple.of(1, mixed), Tuple.of(1, overwrites)).list().ofMinSize(3).ofMaxSize(8)
                .withSizeDistribution(RandomDistribution.uniform())
                .map(blocks -> Stream.concat(blocks.stream().flatMap(List::stream), Stream.of(lastPass))
                        .collect(Collectors.toList()));
    }

    /** Operations of the given kinds on the first {@code namespaces} namespaces. */
    private static Arbitrary<Op> ops(Arbitrary<Kind> kinds, int namespaces) {
        return Combinators.combine(kinds, Arbitraries.integers().between(0, namespaces - 1),
                Arbitraries.integers().between(0, KEYS - 1), Arbitraries.integers()).as(Op::new);
    }

    /** Runs the operations on a fresh store against a model; returns the records dropped unread. */
    private static long run(List<Op> ops) throws IOException {
        Path dir = Files.createTempDirectory("basalt-unread-");
        ManualClock clock = new ManualClock();
        Map<String, Map<String, Entry>> model = new HashMap<>();
        long unread = 0;
        Basalt db = Basalt.open(dir, options(clock));
        try {
            for (Op op : ops) {
                switch (op.kind()) {
                    case PASS: {
                        CompactionPass pass = newPass(db);
                        pass.run(new VictimPolicy(0));
                        unread += pass.recordsDroppedUnread();
                        assertAgrees(db, model, clock, "after a pass");
                        break;
                    }
                    case COMPACT:
                        db.compact();
                        assertAgrees(db, model, clock, "after compact()");
                        break;
                    case REOPEN:
                        db.close();
                        db = Basalt.open(dir, options(clock));
                        assertAgrees(db, model, clock, "after a reopen");
                        break;
                    default:
                        apply(db, model, op, clock);
                }
            }
            db.close();
            db = Basalt.open(dir, options(clock));
            assertAgrees(db, model, clock, "after the last reopen");
            return unread;
        } finally {
            db.close();
            deleteRecursively(dir);
        }
    }

    /** A key's model value and its expiration (0: none). */
    record Entry(String value, long expiration) {
    }

    private static void apply(Basalt db, Map<String, Map<String, Entry>> model, Op op, ManualClock clock) {
        String name = NAMESPACES.get(op.namespace());
        String key = "key:" + op.key();
        Map<String, Entry> keys = model.computeIfAbsent(name, n -> new HashMap<>());
        switch (op.kind()) {
            case PUT: {
                String value = value(op.seed());
                db.namespace(name).put(key, value);
                keys.put(key, new Entry(value, 0));
                break;
            }
            case PUT_WITH_TTL: {
                String value = value(op.seed());
                db.namespace(name).put(key, value, PutOptions.expirationTtl(120));
                keys.put(key, new Entry(value, clock.epochSecond() + 120));
                break;
            }
            case DELETE:
                db.namespace(name).delete(key);
                keys.remove(key);
                break;
            case DROP_NAMESPACE:
                db.dropNamespace(name);
                model.remove(name);
                break;
            case MOVE_CLOCK:
                clock.advanceSeconds(100);
                break;
            default:
                throw new AssertionError(op);
        }
    }

    private static void assertAgrees(Basalt db, Map<String, Map<String, Entry>> model, ManualClock clock,
            String when) {
        for (String name : NAMESPACES) {
            Map<String, Entry> keys = model.getOrDefault(name, Map.of());
            KvNamespace ns = db.namespace(name);
            for (int k = 0; k < KEYS; k++) {
                String key = "key:" + k;
                Entry entry = keys.get(key);
                boolean expected = entry != null
                        && (entry.expiration() == 0 || entry.expiration() > clock.epochSecond());
                String actual = ns.get(key);
                if (expected) {
                    assertThat(actual).as(when + ": " + name + "/" + key).isEqualTo(entry.value());
                } else if (entry == null || entry.expiration() == 0) {
                    assertThat(actual).as(when + ": " + name + "/" + key + " (absent)").isNull();
                }
            }
        }
    }

    private static String value(int seed) {
        char[] chars = new char[VALUE_BYTES];
        Arrays.fill(chars, (char) ('a' + Math.floorMod(seed, 26)));
        return seed + ":" + new String(chars);
    }

    private static BasaltOptions options(ManualClock clock) {
        return BasaltOptions.defaults().withSegmentSize(1 << 20).withBackgroundCompaction(false)
                .withDurability(Durability.PERIODIC).withClock(clock);
    }

    private static CompactionPass newPass(Basalt db) {
        return new CompactionPass(BasaltInternals.store(db).compactionHost(), (done, total) -> { },
                new IoPacer(0, System::nanoTime, n -> { }), new IntArrayList());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.compareTo(a)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
