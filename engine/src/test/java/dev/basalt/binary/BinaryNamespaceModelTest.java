package dev.basalt.binary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.BinaryNamespace;
import dev.basalt.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link BinaryNamespace} against a {@link TreeMap} with an unsigned byte comparator: random puts
 * and deletes of keys over 0x00, 0x2E ('.'), 0x7F, 0x80, 0xC3 and 0xFF (so non-UTF-8 keys, "." and
 * "..", signedness and shared prefixes all occur, and more than one iterator page of keys), then
 * every kind of range (bounds present or not, inclusive or not, open, both directions) and prefix
 * walk, before and after a reopen of the directory.
 */
class BinaryNamespaceModelTest {
    private static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;
    private static final Byte[] ALPHABET = {0x00, 0x2E, 0x7F, (byte) 0x80, (byte) 0xC3, (byte) 0xFF};

    record Op(byte[] key, byte[] value) { // value null: delete
    }

    record Query(byte[] from, boolean fromInclusive, byte[] to, boolean toInclusive, boolean descending) {
    }

    @Property(tries = 25)
    void agreesWithASortedMap(@ForAll("ops") List<Op> ops, @ForAll("queries") List<Query> queries,
                              @ForAll("keys") byte[] prefix) throws IOException {
        Path dir = Files.createTempDirectory("basalt-binary");
        try {
            NavigableMap<byte[], byte[]> model = new TreeMap<>(UNSIGNED);
            try (Basalt db = open(dir)) {
                BinaryNamespace ns = db.binaryNamespace("BIN");
                for (Op op : ops) {
                    if (op.value() == null) {
                        ns.delete(op.key());
                        model.remove(op.key());
                    } else {
                        ns.put(op.key(), op.value());
                        model.put(op.key(), op.value());
                    }
                }
                check(ns, model, queries, prefix);
            }
            try (Basalt db = open(dir)) {
                check(db.binaryNamespace("BIN"), model, queries, prefix);
            }
        } finally {
            delete(dir);
        }
    }

    private static void check(BinaryNamespace ns, NavigableMap<byte[], byte[]> model, List<Query> queries,
                              byte[] prefix) {
        for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
            assertThat(ns.get(e.getKey())).isEqualTo(e.getValue());
        }
        for (Query q : queries) {
            assertThat(keysAndValues(ns.range(q.from(), q.fromInclusive(), q.to(), q.toInclusive(), q.descending())))
                    .as("range %s", q)
                    .containsExactlyElementsOf(keysAndValues(expected(model, q)));
        }
        NavigableMap<byte[], byte[]> withPrefix = new TreeMap<>(UNSIGNED);
        model.forEach((k, v) -> {
            if (k.length >= prefix.length && Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
                withPrefix.put(k, v);
            }
        });
        assertThat(keysAndValues(ns.prefix(prefix))).containsExactlyElementsOf(keysAndValues(withPrefix));
    }

    /** The model's answer by filtering every entry: no reliance on the map's own range views. */
    private static NavigableMap<byte[], byte[]> expected(NavigableMap<byte[], byte[]> model, Query q) {
        Comparator<byte[]> walkOrder = q.descending() ? UNSIGNED.reversed() : UNSIGNED;
        NavigableMap<byte[], byte[]> out = new TreeMap<>(walkOrder);
        model.forEach((k, v) -> {
            boolean afterFrom = q.from() == null || walkOrder.compare(k, q.from()) > 0
                    || (q.fromInclusive() && walkOrder.compare(k, q.from()) == 0);
            boolean beforeTo = q.to() == null || walkOrder.compare(k, q.to()) < 0
                    || (q.toInclusive() && walkOrder.compare(k, q.to()) == 0);
            if (afterFrom && beforeTo) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static List<String> keysAndValues(Iterator<BinaryNamespace.Entry> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(e -> out.add(Arrays.toString(e.key()) + "=" + Arrays.toString(e.value())));
        return out;
    }

    private static List<String> keysAndValues(NavigableMap<byte[], byte[]> map) {
        List<String> out = new ArrayList<>();
        map.forEach((k, v) -> out.add(Arrays.toString(k) + "=" + Arrays.toString(v)));
        return out;
    }

    private static Basalt open(Path dir) {
        return Basalt.open(dir, BasaltOptions.defaults().withDurability(Durability.PERIODIC));
    }

    @Provide
    Arbitrary<byte[]> keys() {
        return Arbitraries.of(ALPHABET).list().ofMinSize(1).ofMaxSize(3).map(BinaryNamespaceModelTest::bytes);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<byte[]> values = Arbitraries.of(ALPHABET).list().ofMaxSize(4).map(BinaryNamespaceModelTest::bytes);
        Arbitrary<Op> put = Combinators.combine(keys(), values).as(Op::new);
        Arbitrary<Op> delete = keys().map(k -> new Op(k, null));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, put), net.jqwik.api.Tuple.of(1, delete))
                .list().ofMaxSize(400);
    }

    @Provide
    Arbitrary<List<Query>> queries() {
        Arbitrary<byte[]> bound = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just((byte[]) null)), net.jqwik.api.Tuple.of(4, keys()));
        return Combinators.combine(bound, Arbitraries.of(true, false), bound, Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as(Query::new).list().ofMinSize(1).ofMaxSize(8);
    }

    private static byte[] bytes(List<Byte> list) {
        byte[] b = new byte[list.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = list.get(i);
        }
        return b;
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
