package dev.basalt.internal.listing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.internal.env.CopySpace;
import dev.basalt.internal.env.TrackedCopySteps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link KeyListing} against a {@link TreeSet} ordered by {@link Arrays#compareUnsigned}: random
 * chains of insert, remove and reclaim, interleaved with full paging under random prefixes and
 * page sizes, scans from random positions, and scans whose visitor skips keys. Keys are drawn
 * from a small alphabet that includes 0x00, 0x7F, 0x80 and 0xFF, so they share prefixes, differ
 * in signedness and come and go many times; some are near 512 bytes and share a long prefix.
 */
class KeyListingModelTest {
    private static final byte[] ALPHABET = Scans.bytes(0x00, 0x01, 0x61, 0x62, 0x7F, 0x80, 0xC3, 0xFF);
    private static final int LONG_KEY_BASE = 500;

    @Property(tries = 200)
    void behavesLikeASortedSet(@ForAll("chains") ActionChain<Model> chain) {
        chain.withInvariant("agrees with the model", Model::checkAgreement).run().close();
    }

    @Property(tries = 300)
    void unsignedCompareAgreesWithArrays(@ForAll("keys") byte[] a, @ForAll("keys") byte[] b) {
        final int expected = Integer.signum(Arrays.compareUnsigned(a, b));
        assertThat(Integer.signum(UnsignedBytes.compare(new UnsafeBuffer(a), 0, a.length,
            new UnsafeBuffer(b), 0, b.length))).isEqualTo(expected);
    }

    @Provide
    Arbitrary<ActionChain<Model>> chains() {
        return ActionChain.startWith(Model::new)
            .withAction(6, action(keys().map(k -> Transformer.mutate("insert " + hex(k), m -> m.insert(k)))))
            .withAction(3, action(keys().map(k -> Transformer.mutate("remove " + hex(k), m -> m.remove(k)))))
            .withAction(2, action(Combinators.combine(keys(), Arbitraries.integers().between(1, 40)).as((k, n) ->
                Transformer.mutate("ascending run from " + hex(k) + " of " + n, m -> m.ascendingRun(k, n)))))
            .withAction(2, action(keys().list().ofMaxSize(60).map(batch ->
                Transformer.mutate("sorted batch of " + batch.size(), m -> m.sortedBatch(batch)))))
            .withAction(1, action(Arbitraries.just(Transformer.mutate("reclaim", Model::reclaim))))
            .withAction(1, action(Arbitraries.just(Transformer.mutate("copy", Model::copy))))
            .withAction(1, action(Arbitraries.just(Transformer.mutate("start tracked copy", Model::startTrackedCopy))))
            .withAction(1, action(Arbitraries.just(Transformer.mutate("copy tracked", Model::copyTracked))))
            .withAction(1, action(Arbitraries.just(Transformer.mutate("catch up tracked", Model::catchUpTracked))))
            .withAction(1, action(Arbitraries.just(
                Transformer.mutate("finish tracked copy", Model::finishTrackedCopy))))
            .withAction(1, action(Arbitraries.of(true, false).map(fromCopy ->
                Transformer.mutate("save and restore" + (fromCopy ? " a copy" : ""), m -> m.saveAndRestore(fromCopy)))))
            .withAction(1, action(Combinators.combine(prefixes(), pageSizes()).as((p, size) ->
                Transformer.mutate("page prefix=" + hex(p) + " size=" + size, m -> m.page(p, size)))))
            .withAction(1, action(Combinators.combine(keys(), Arbitraries.of(true, false), prefixes(), pageSizes(),
                    batchSizes())
                .as((from, inclusive, p, max, batch) -> Transformer.mutate("scan from=" + hex(from) + " inclusive="
                    + inclusive + " prefix=" + hex(p) + " max=" + max + " batch=" + batch,
                    m -> m.scanFrom(from, inclusive, p, max, batch)))))
            .withAction(1, action(Combinators.combine(prefixes(), pageSizes(), batchSizes()).as((p, max, batch) ->
                Transformer.mutate("filtered prefix=" + hex(p) + " max=" + max + " batch=" + batch,
                    m -> m.filtered(p, max, batch)))))
            .withMaxTransformations(250);
    }

    private static Action.Independent<Model> action(Arbitrary<Transformer<Model>> transformers) {
        return () -> transformers;
    }

    @Provide
    Arbitrary<byte[]> keys() {
        final Arbitrary<byte[]> shortKeys = alphabetBytes(1, 4);
        final Arbitrary<byte[]> mediumKeys = alphabetBytes(5, 20);
        final Arbitrary<byte[]> longKeys = alphabetBytes(1, 512 - LONG_KEY_BASE).map(suffix -> {
            final byte[] key = new byte[LONG_KEY_BASE + suffix.length];
            Arrays.fill(key, 0, LONG_KEY_BASE, (byte) 0x61);
            System.arraycopy(suffix, 0, key, LONG_KEY_BASE, suffix.length);
            return key;
        });
        return Arbitraries.frequencyOf(Tuple.of(6, shortKeys), Tuple.of(3, mediumKeys), Tuple.of(1, longKeys));
    }

    private static Arbitrary<byte[]> prefixes() {
        return Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.just(new byte[0])),
            Tuple.of(4, alphabetBytes(1, 2)),
            Tuple.of(1, alphabetBytes(3, 6)),
            Tuple.of(1, Arbitraries.just(Scans.bytes(0x61, 0x61, 0x61))));
    }

    private static Arbitrary<Integer> batchSizes() {
        return Arbitraries.integers().between(1, 20);
    }

    private static Arbitrary<Integer> pageSizes() {
        return Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.integers().between(1, 5)),
            Tuple.of(1, Arbitraries.integers().between(6, 1000)));
    }

    private static Arbitrary<byte[]> alphabetBytes(int minLength, int maxLength) {
        return Arbitraries.of(boxed())
            .list().ofMinSize(minLength).ofMaxSize(maxLength)
            .map(list -> {
                final byte[] bytes = new byte[list.size()];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = list.get(i);
                }
                return bytes;
            });
    }

    private static Byte[] boxed() {
        final Byte[] boxed = new Byte[ALPHABET.length];
        for (int i = 0; i < ALPHABET.length; i++) {
            boxed[i] = ALPHABET[i];
        }
        return boxed;
    }

    static String hex(byte[] bytes) {
        final StringBuilder s = new StringBuilder(bytes.length > 16 ? "[" + bytes.length + "]" : "");
        for (int i = Math.max(0, bytes.length - 16); i < bytes.length; i++) {
            s.append(String.format("%02x", bytes[i] & 0xFF));
        }
        return s.length() == 0 ? "\"\"" : s.toString();
    }

    /**
     * The listing under test and its model, and the copies taken along the way, each beside the
     * model as it stood then: every later step checks them unchanged, whatever the original
     * inserted, removed or reused since.
     */
    static final class Model {
        private static final int COPIES_KEPT = 3;
        private KeyListing listing = new KeyListing(12345);
        private final NavigableSet<byte[]> model = new TreeSet<>(Scans.UNSIGNED);
        private final List<KeyListing> copies = new ArrayList<>();
        private final List<List<byte[]>> copiedModels = new ArrayList<>();
        /** A checkpoint's copy taken beside the writer: started, copied and finished by separate actions. */
        private final TrackedCopySteps<KeyListing> tracked = new TrackedCopySteps<>(space -> {
            ListingImage.reserveCopy(listing, space);
            return ListingImage.startCopy(listing);
        }, (started, space) -> ListingImage.finishCopy(listing, started, space),
                started -> ListingImage.markCopy(listing, started));

        void insert(byte[] key) {
            assertThat(Scans.insert(listing, key)).as("insert result").isEqualTo(model.add(key));
        }

        /**
         * Inserts {@code n} keys in ascending order, each right after the one before (the
         * insert finger's case): the base, then the base followed by growing runs of alphabet
         * bytes, some already present when the base was seen before.
         */
        void ascendingRun(byte[] base, int n) {
            final List<byte[]> run = new ArrayList<>(List.of(base));
            for (int i = 0; run.size() < n && base.length + i / ALPHABET.length + 1 <= 512; i++) {
                final byte[] key = Arrays.copyOf(base, base.length + i / ALPHABET.length + 1);
                Arrays.fill(key, base.length, key.length - 1, ALPHABET[ALPHABET.length - 1]);
                key[key.length - 1] = ALPHABET[i % ALPHABET.length];
                run.add(key);
            }
            for (int i = 1; i < run.size(); i++) {
                assertThat(Arrays.compareUnsigned(run.get(i - 1), run.get(i))).as("the run ascends").isNegative();
            }
            for (byte[] key : run) {
                insert(key);
            }
        }

        /**
         * Inserts the keys in ascending order, with keys already listed between them (the open's
         * case for a replayed tail, and the insert finger's climb): each lands some keys after
         * the one before, near or far.
         */
        void sortedBatch(List<byte[]> keys) {
            final List<byte[]> sorted = new ArrayList<>(keys);
            sorted.sort(Scans.UNSIGNED);
            for (byte[] key : sorted) {
                insert(key);
            }
        }

        void remove(byte[] key) {
            assertThat(Scans.remove(listing, key)).as("remove result").isEqualTo(model.remove(key));
        }

        void reclaim() {
            final long pending = listing.removedBytesPending();
            assertThat(listing.reclaim()).isEqualTo(pending);
        }

        void copy() {
            try (CopySpace space = new CopySpace()) {
                ListingImage.reserveCopy(listing, space);
                assertThat(space.reservedBytes()).as("reserved for the copy").isEqualTo(chunkBytes(listing));
                keepCopy(ListingImage.copy(listing, space));
                assertThat(space.reservedBytes()).as("reserved bytes the copy did not take").isZero();
            }
        }

        void startTrackedCopy() {
            tracked.start();
        }

        void catchUpTracked() {
            tracked.catchUp();
        }

        void copyTracked() {
            tracked.copy();
        }

        /** The copy made exact must equal the listing's memory byte for byte. */
        void finishTrackedCopy() {
            final KeyListing copy = tracked.finish();
            if (copy != null) {
                assertThat(memory(copy)).as("tracked copy's memory").isEqualTo(memory(listing));
                keepCopy(copy);
            }
        }

        private void keepCopy(KeyListing copy) {
            if (copies.size() == COPIES_KEPT) {
                copies.remove(0).close();
                copiedModels.remove(0);
            }
            copies.add(copy);
            copiedModels.add(new ArrayList<>(model));
        }

        private static byte[] memory(KeyListing listing) {
            return TrackedCopySteps.bytesOf(each -> ListingImage.copyOut(listing, each::accept));
        }

        private static long chunkBytes(KeyListing listing) {
            final long[] total = new long[1];
            try {
                ListingImage.copyOut(listing, chunk -> total[0] += chunk.remaining());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return total[0];
        }

        /**
         * Replaces the listing by one restored from its image (of a {@link KeyListing#copy}
         * when {@code fromCopy}, as a background checkpoint saves it), as a checkpoint saves
         * and an open maps it: the chain then goes on with the restored listing, so its free
         * lists, its retired nodes (reusable after the restore) and its level generator are
         * exercised by later inserts and removes.
         */
        void saveAndRestore(boolean fromCopy) {
            final KeyListing source = fromCopy ? ListingImage.copy(listing, new CopySpace()) : listing; // nothing reserved
            final long reusable = listing.freeBytes() + listing.removedBytesPending();
            final ListingImage.Shape shape = ListingImage.shape(source);
            final List<ByteBuffer> chunks = new ArrayList<>();
            try {
                ListingImage.copyOut(source, chunk -> chunks.add(ByteBuffer.allocateDirect(chunk.remaining()).put(chunk).flip()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (fromCopy) {
                source.close();
            }
            listing.close();
            listing = ListingImage.restore(shape, chunks.toArray(new ByteBuffer[0]));
            assertThat(listing.removedBytesPending()).as("retired nodes are reusable after a restore").isZero();
            assertThat(listing.freeBytes()).as("free bytes after a restore").isEqualTo(reusable);
        }

        void page(byte[] prefix, int pageSize) {
            final List<byte[]> expected = withPrefix(model, prefix);
            final List<byte[]> actual = new ArrayList<>();
            final List<List<byte[]>> pages = Scans.pages(listing, prefix, pageSize);
            for (int i = 0; i < pages.size(); i++) {
                final List<byte[]> page = pages.get(i);
                assertThat(page.size()).as("size of page " + i).isEqualTo(Math.min(pageSize, expected.size() - actual.size()));
                actual.addAll(page);
            }
            assertThat(actual).containsExactlyElementsOf(expected);
        }

        void scanFrom(byte[] from, boolean inclusive, byte[] prefix, int maxKeys, int batchKeys) {
            final List<byte[]> expected = new ArrayList<>();
            for (byte[] key : model.tailSet(from, inclusive)) {
                if (Scans.startsWith(key, prefix)) {
                    expected.add(key);
                }
            }
            assertThat(Scans.scan(listing, from, inclusive, prefix, maxKeys, batchKeys))
                .containsExactlyElementsOf(expected.subList(0, Math.min(maxKeys, expected.size())));
        }

        /** A visitor that counts only keys of even length, as the store skips expired keys. */
        void filtered(byte[] prefix, int maxKeys, int batchKeys) {
            final List<byte[]> expected = new ArrayList<>();
            for (byte[] key : withPrefix(model, prefix)) {
                if (key.length % 2 == 0) {
                    if (expected.size() == maxKeys) {
                        break;
                    }
                    expected.add(key);
                }
            }
            final List<byte[]> counted = new ArrayList<>();
            final int n = listing.scan(null, 0, 0, true, new UnsafeBuffer(prefix), 0, prefix.length, maxKeys,
                new KeyBatch(batchKeys), Scans.eachKey((buffer, offset, length) -> {
                    if (length % 2 != 0) {
                        return false;
                    }
                    final byte[] key = new byte[length];
                    buffer.getBytes(offset, key);
                    counted.add(key);
                    return true;
                }));
            assertThat(n).isEqualTo(counted.size());
            assertThat(counted).containsExactlyElementsOf(expected);
        }

        void checkAgreement() {
            assertThat(listing.size()).isEqualTo(model.size());
            listing.verifyInvariants();
            for (int i = 0; i < copies.size(); i++) {
                assertThat(copies.get(i).size()).as("size of copy " + i).isEqualTo(copiedModels.get(i).size());
                assertThat(Scans.all(copies.get(i))).as("copy " + i).containsExactlyElementsOf(copiedModels.get(i));
            }
        }

        void close() {
            finishTrackedCopy();
            assertThat(Scans.all(listing)).containsExactlyElementsOf(model);
            for (byte[] key : model) {
                assertThat(Scans.contains(listing, key)).isTrue();
            }
            listing.close();
            for (int i = 0; i < copies.size(); i++) {
                copies.get(i).verifyInvariants();
                assertThat(Scans.all(copies.get(i))).as("copy " + i + " after the original closed")
                    .containsExactlyElementsOf(copiedModels.get(i));
                copies.get(i).close();
            }
        }

        private static List<byte[]> withPrefix(NavigableSet<byte[]> keys, byte[] prefix) {
            final List<byte[]> result = new ArrayList<>();
            for (byte[] key : keys.tailSet(prefix, true)) {
                if (!Scans.startsWith(key, prefix)) {
                    break;
                }
                result.add(key);
            }
            return result;
        }

        @Override
        public String toString() {
            return "Model{size=" + model.size() + "}";
        }
    }
}
