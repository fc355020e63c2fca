package dev.basalt.internal.index;

import static dev.basalt.internal.index.HashIndex.NO_LOCATION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.internal.env.CopySpace;
import dev.basalt.internal.env.TrackedCopySteps;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link HashIndex} against a {@link HashMap} model: random chains of put, remove, get,
 * replace, removeIfAt and forEach over a small key space, so keys come and go many times,
 * tombstones pile up and the table grows and rehashes. Keys 0..15 all share one hash and keys
 * 16..31 share another with the same home slot, so only the matcher can tell them apart.
 */
class HashIndexModelTest {
    private static final int KEY_SPACE = 300;
    private static final int SAME_HASH_KEYS = 16;
    private static final long SHARED_HASH = 0x7777_0000_0000_0001L;
    /** Same high 32 bits as SHARED_HASH (so the same home slot), different full hash. */
    private static final long NEIGHBOUR_HASH = SHARED_HASH + 1;

    @Property(tries = 200)
    void behavesLikeAHashMap(@ForAll("chains") ActionChain<Model> chain) {
        final Model finalState = chain.withInvariant("agrees with the model", Model::checkAgreement).run();
        finalState.close();
    }

    @Provide
    Arbitrary<ActionChain<Model>> chains() {
        return ActionChain.startWith(Model::new)
            .withAction(4, action(keyIds().map(id -> Transformer.mutate("put " + id, m -> m.put(id)))))
            .withAction(2, action(keyIds().map(id -> Transformer.mutate("remove " + id, m -> m.remove(id)))))
            .withAction(2, action(keyIds().map(id -> Transformer.mutate("get " + id, m -> m.get(id)))))
            .withAction(1, action(keyIds().flatMap(id -> picks().map(pick ->
                Transformer.mutate("replace " + id + " pick " + pick, m -> m.replace(id, pick))))))
            .withAction(1, action(keyIds().flatMap(id -> picks().map(pick ->
                Transformer.mutate("removeIfAt " + id + " pick " + pick, m -> m.removeIfAt(id, pick))))))
            .withAction(1, action(keyIds().flatMap(id -> picks().map(pick ->
                Transformer.mutate("holds/mayHold " + id + " pick " + pick, m -> m.holds(id, pick))))))
            .withAction(1, action(Arbitraries.just(Transformer.mutate("forEach", Model::forEach))))
            .withAction(1, action(Arbitraries.just(Transformer.mutate("copy", Model::copy))))
            .withAction(1, action(Arbitraries.just(Transformer.mutate("start tracked copy", Model::startTrackedCopy))))
            .withAction(1, action(Arbitraries.just(Transformer.mutate("copy tracked", Model::copyTracked))))
            .withAction(1, action(Arbitraries.just(Transformer.mutate("catch up tracked", Model::catchUpTracked))))
            .withAction(1, action(Arbitraries.just(
                Transformer.mutate("finish tracked copy", Model::finishTrackedCopy))))
            .withMaxTransformations(300);
    }

    private static Action.Independent<Model> action(Arbitrary<Transformer<Model>> transformers) {
        return () -> transformers;
    }

    /** Mostly a few hot keys (including the colliding ones), sometimes the wider space. */
    private static Arbitrary<Integer> keyIds() {
        return Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.integers().between(0, 47)),
            Tuple.of(1, Arbitraries.integers().between(0, KEY_SPACE - 1)));
    }

    /** Chooses among a key's past locations; a negative pick means "its current one". */
    private static Arbitrary<Integer> picks() {
        return Arbitraries.integers().between(-1, 20);
    }

    /**
     * The index under test, its model, and a stand-in log (the KeyBook); and the copies taken
     * along the way ({@link IndexImage#copy}), each beside the model as it stood then, checked
     * unchanged at every later step whatever the original did since (growth included).
     */
    static final class Model {
        private static final int COPIES_KEPT = 3;
        private final HashIndex index = new HashIndex(0);
        private final KeyBook book = new KeyBook();
        private final Map<Integer, Long> locationOfKey = new HashMap<>();
        private final Map<Integer, List<Long>> pastLocations = new HashMap<>();
        private final List<HashIndex> copies = new java.util.ArrayList<>();
        private final List<Map<Integer, Long>> copiedModels = new java.util.ArrayList<>();
        /** A checkpoint's copy taken beside the writer: started, copied and finished by separate actions. */
        private final TrackedCopySteps<HashIndex> tracked = new TrackedCopySteps<>(space -> {
            IndexImage.reserveCopy(index, space);
            return IndexImage.startCopy(index);
        }, (started, space) -> IndexImage.finishCopy(index, started, space),
                started -> IndexImage.markCopy(index, started));

        void copy() {
            try (CopySpace space = new CopySpace()) {
                IndexImage.reserveCopy(index, space);
                assertThat(space.reservedBytes()).as("reserved for the copy").isEqualTo(index.offHeapBytes());
                keepCopy(IndexImage.copy(index, space));
                assertThat(space.reservedBytes()).as("reserved bytes the copy did not take").isZero();
            }
        }

        void startTrackedCopy() {
            tracked.start();
        }

        void copyTracked() {
            tracked.copy();
        }

        void catchUpTracked() {
            tracked.catchUp();
        }

        /** The copy made exact must equal the index's slots byte for byte (growth included). */
        void finishTrackedCopy() {
            final HashIndex copy = tracked.finish();
            if (copy != null) {
                assertThat(slots(copy)).as("tracked copy's slots").isEqualTo(slots(index));
                keepCopy(copy);
            }
        }

        private void keepCopy(HashIndex copy) {
            if (copies.size() == COPIES_KEPT) {
                copies.remove(0).close();
                copiedModels.remove(0);
            }
            copies.add(copy);
            copiedModels.add(new HashMap<>(locationOfKey));
        }

        private static byte[] slots(HashIndex index) {
            return TrackedCopySteps.bytesOf(each -> IndexImage.copyOut(index, each::accept));
        }

        void put(int id) {
            final UnsafeBuffer key = key(id);
            final long location = write(id, key);
            final long expected = orNone(locationOfKey.put(id, location));
            assertThat(index.put(hash(id), key, 0, key.capacity(), location, book)).isEqualTo(expected);
        }

        void remove(int id) {
            final UnsafeBuffer key = key(id);
            final long expected = orNone(locationOfKey.remove(id));
            assertThat(index.remove(hash(id), key, 0, key.capacity(), book)).isEqualTo(expected);
        }

        void get(int id) {
            final UnsafeBuffer key = key(id);
            assertThat(index.get(hash(id), key, 0, key.capacity(), book)).isEqualTo(orNone(locationOfKey.get(id)));
        }

        /** Compare-and-set against the current location (succeeds) or a past one (fails). */
        void replace(int id, int pick) {
            final long expected = chooseLocation(id, pick);
            final boolean current = expected != NO_LOCATION && expected == orNone(locationOfKey.get(id));
            final long target = current ? write(id, key(id)) : Long.MAX_VALUE;
            if (expected == NO_LOCATION) {
                return; // the key never had a location
            }
            assertThat(index.replace(hash(id), expected, target)).isEqualTo(current);
            if (current) {
                locationOfKey.put(id, target);
            }
        }

        void removeIfAt(int id, int pick) {
            final long expected = chooseLocation(id, pick);
            if (expected == NO_LOCATION) {
                return;
            }
            final boolean current = expected == orNone(locationOfKey.get(id));
            assertThat(index.removeIfAt(hash(id), expected)).isEqualTo(current);
            if (current) {
                locationOfKey.remove(id);
            }
        }

        /** Alone with the writer, the lock-free {@code mayHold} is exact: it agrees with {@code holds}. */
        void holds(int id, int pick) {
            final long location = chooseLocation(id, pick);
            if (location == NO_LOCATION) {
                return;
            }
            final boolean current = location == orNone(locationOfKey.get(id));
            assertThat(index.holds(hash(id), location)).as("holds").isEqualTo(current);
            assertThat(index.mayHold(hash(id), location)).as("mayHold").isEqualTo(current);
        }

        void forEach() {
            final Map<Long, Long> seen = new HashMap<>();
            index.forEach((keyHash, location) -> assertThat(seen.put(location, keyHash)).isNull());
            final Map<Long, Long> expected = new HashMap<>();
            locationOfKey.forEach((id, location) -> expected.put(location, hash(id)));
            assertThat(seen).isEqualTo(expected);
        }

        void checkAgreement() {
            assertThat(index.size()).isEqualTo(locationOfKey.size());
            index.verifyInvariants();
            for (int i = 0; i < copies.size(); i++) {
                final HashIndex copy = copies.get(i);
                copy.verifyInvariants();
                assertThat(copy.size()).as("size of copy " + i).isEqualTo(copiedModels.get(i).size());
                for (Map.Entry<Integer, Long> e : copiedModels.get(i).entrySet()) {
                    final UnsafeBuffer key = key(e.getKey());
                    assertThat(copy.get(hash(e.getKey()), key, 0, key.capacity(), book))
                        .as("copy " + i + ", key " + e.getKey()).isEqualTo(e.getValue());
                }
            }
        }

        void close() {
            finishTrackedCopy();
            index.close();
            copies.forEach(HashIndex::close);
        }

        private long chooseLocation(int id, int pick) {
            final List<Long> past = pastLocations.get(id);
            if (past == null) {
                return NO_LOCATION;
            }
            if (pick < 0 && locationOfKey.containsKey(id)) {
                return locationOfKey.get(id);
            }
            return past.get(Math.floorMod(pick, past.size()));
        }

        private long write(int id, UnsafeBuffer key) {
            final long location = book.write(key);
            pastLocations.computeIfAbsent(id, ignored -> new ArrayList<>()).add(location);
            return location;
        }

        private static long orNone(Long location) {
            return location == null ? NO_LOCATION : location;
        }

        /** Key bytes of 1..40 bytes, so every read path of KeyHash is exercised. */
        private static UnsafeBuffer key(int id) {
            final StringBuilder text = new StringBuilder("k").append(id);
            while (text.length() < 1 + id % 40) {
                text.append('.').append(id);
            }
            return new UnsafeBuffer(text.toString().getBytes(StandardCharsets.UTF_8));
        }

        private static long hash(int id) {
            if (id < SAME_HASH_KEYS) {
                return SHARED_HASH;
            }
            if (id < 2 * SAME_HASH_KEYS) {
                return NEIGHBOUR_HASH;
            }
            return KeyBook.hash(key(id));
        }
    }
}
