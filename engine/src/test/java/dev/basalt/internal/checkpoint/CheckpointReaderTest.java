package dev.basalt.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.IndexImage;
import dev.basalt.internal.index.KeyHash;
import dev.basalt.internal.listing.KeyBatch;
import dev.basalt.internal.listing.KeyListing;
import dev.basalt.internal.log.CoveredLog;
import dev.basalt.internal.log.HintFile;
import dev.basalt.testing.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint reader against its writer: whatever the structures, on one thread or with the
 * listings built on a second, what is read back is exactly what was written (index slots byte
 * for byte, listed keys in order, keys owed to the listings, active hint entries, expiry
 * entries); and a checkpoint with any one bit flipped is rejected, never half-loaded.
 */
class CheckpointReaderTest {
    private static final long STORE_ID = 0x5EED_5EEDL;
    private static final long SEED = 42;

    @Property(tries = 60)
    void whatIsReadBackIsWhatWasWritten(
            @ForAll @Size(min = 0, max = 3) List<@Size(max = 200) List<@StringLength(min = 1, max = 30) String>> keys,
            @ForAll @IntRange(min = 0, max = 50) int hintEntries, @ForAll boolean parallel) throws Exception {
        assertReadBackWhole(Written.of(keys, hintEntries), dir -> CheckpointReader.read(FileIo.real(),
                CheckpointFile.path(dir), STORE_ID, parallel ? 0 : Long.MAX_VALUE));
    }

    @Property(tries = 40)
    void anyOneBitFlippedIsRejected(
            @ForAll @Size(min = 1, max = 2) List<@Size(min = 1, max = 100) List<@StringLength(min = 1, max = 20) String>> keys,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE - 1) int where, @ForAll @IntRange(min = 0, max = 7) int bit,
            @ForAll boolean parallel) throws Exception {
        Path dir = TestFiles.newTempDirectory("checkpoint-reader-");
        Written written = Written.of(keys, 5);
        try {
            CheckpointFile.write(FileIo.real(), dir, written.content);
            Path file = CheckpointFile.path(dir);
            byte[] bytes = Files.readAllBytes(file);
            int at = where % bytes.length;
            bytes[at] ^= (byte) (1 << bit);
            Files.write(file, bytes);
            assertThatThrownBy(() -> CheckpointReader.read(FileIo.real(), file, STORE_ID, parallel ? 0 : Long.MAX_VALUE))
                    .as("bit %d of byte %d of %d", bit, at, bytes.length).isInstanceOf(CheckpointRejected.class);
        } finally {
            written.close();
            TestFiles.deleteRecursively(dir);
        }
    }

    /** Large enough for several slot and key blocks per namespace, and for the default second thread. */
    @Test
    void aLargeCheckpointRoundTripsOnTwoThreads() throws Exception {
        List<List<String>> keys = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            List<String> namespace = new ArrayList<>();
            for (int i = 0; i < 150_000; i++) {
                namespace.add("user:" + n + ":" + String.format("%011d", i * 7L));
            }
            keys.add(namespace);
        }
        assertReadBackWhole(Written.of(keys, 1000), dir -> CheckpointFile.read(FileIo.real(), dir, STORE_ID));
    }

    /**
     * A namespace whose listing holds fewer keys than its index, without as many owed to it, is
     * rejected: an open from it would leave keys out of every list for good.
     */
    @Test
    void aListingShortOfItsIndexWithoutTheKeysOwedIsRejected() throws Exception {
        Path dir = TestFiles.newTempDirectory("checkpoint-reader-");
        Written written = Written.of(List.of(List.of("a", "b", "c", "d")), 0, false);
        try {
            CheckpointFile.write(FileIo.real(), dir, written.content);
            assertThatThrownBy(() -> CheckpointFile.read(FileIo.real(), dir, STORE_ID))
                    .isInstanceOf(CheckpointRejected.class)
                    .hasMessage("namespace NS0 lists 3 keys and owes its listing 0, but indexes 4");
        } finally {
            written.close();
            TestFiles.deleteRecursively(dir);
        }
    }

    /** How a test reads the checkpoint it wrote into {@code dir}. */
    @FunctionalInterface
    private interface Reader {
        CheckpointContent read(Path dir) throws Exception;
    }

    /** Writes {@code written} to a fresh directory, reads it back with {@code reader}, compares, frees both. */
    private static void assertReadBackWhole(Written written, Reader reader) throws Exception {
        Path dir = TestFiles.newTempDirectory("checkpoint-reader-");
        try {
            CheckpointFile.write(FileIo.real(), dir, written.content);
            CheckpointContent read = reader.read(dir);
            try {
                written.assertSameAs(read);
            } finally {
                close(read);
            }
        } finally {
            written.close();
            TestFiles.deleteRecursively(dir);
        }
    }

    private static void close(CheckpointContent content) {
        content.free();
    }

    /** Structures written to a checkpoint, and what the reader must give back. */
    private static final class Written {
        /** Per namespace, the keys its listing holds, in order; the rest of its keys are owed. */
        final List<List<String>> sortedKeys = new ArrayList<>();
        /** Per namespace, the keys owed to its listing, in the order written (one owed twice). */
        final List<List<String>> unlistedKeys = new ArrayList<>();
        final List<long[]> expiry = new ArrayList<>();
        CheckpointContent content;
        HintFile.Builder hints;

        static Written of(List<List<String>> keys, int hintEntries) {
            return of(keys, hintEntries, true);
        }

        /** Every third key left out of its listing; owed to it when {@code owed}, else missing. */
        static Written of(List<List<String>> keys, int hintEntries, boolean owed) {
            Written w = new Written();
            List<CheckpointContent.Namespace> namespaces = new ArrayList<>();
            for (int n = 0; n < keys.size(); n++) {
                TreeSet<String> sorted = new TreeSet<>(CheckpointReaderTest::compareUtf8);
                for (String key : keys.get(n)) {
                    sorted.add(new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
                }
                List<String> list = new ArrayList<>(sorted);
                List<String> listed = new ArrayList<>();
                List<String> unlisted = new ArrayList<>();
                HashIndex index = new HashIndex(16);
                KeyListing listing = new KeyListing();
                for (int i = 0; i < list.size(); i++) {
                    UnsafeBuffer key = new UnsafeBuffer(list.get(i).getBytes(StandardCharsets.UTF_8));
                    index.put(KeyHash.hash(SEED, key, 0, key.capacity()), key, 0, key.capacity(), i,
                            (location, k, offset, length) -> new UnsafeBuffer(list.get((int) location)
                                    .getBytes(StandardCharsets.UTF_8)).compareTo(new UnsafeBuffer(k, offset, length)) == 0);
                    if (i % 3 != 2) {
                        listing.insert(key, 0, key.capacity());
                        listed.add(list.get(i));
                    } else if (owed) {
                        for (int times = unlisted.isEmpty() ? 2 : 1; times > 0; times--) {
                            unlisted.add(list.get(i));
                        }
                    }
                    if (i % 3 == 0) {
                        w.expiry.add(new long[] {n, 1_900_000_000L + i, KeyHash.hash(SEED, key, 0, key.capacity()), i});
                    }
                }
                w.sortedKeys.add(listed);
                w.unlistedKeys.add(unlisted);
                namespaces.add(new CheckpointContent.Namespace("NS" + n, index, listing, unlistedKeys(unlisted)));
            }
            w.hints = new HintFile.Builder();
            UnsafeBuffer names = new UnsafeBuffer(new byte[64]);
            for (int i = 0; i < hintEntries; i++) {
                int length = names.putStringWithoutLengthUtf8(0, "NSkey" + i);
                w.hints.add((byte) 1, i + 1, 0, 64 + i * 64, 64, names, 0, 2, length - 2);
            }
            CoveredLog log = new CoveredLog(new long[] {1, 2}, new long[] {1 << 20, 64 + hintEntries * 64},
                    new long[] {123_000_000L, 456_000_000L}, new CoveredLog.ActiveHints(w.hints.count(), w.hints.entries()));
            w.content = new CheckpointContent(STORE_ID, SEED, 99, w.expiry.size(), 0, log, new long[] {7, 8},
                    new long[] {1, Long.MAX_VALUE}, namespaces, sink -> {
                        for (long[] e : w.expiry) {
                            sink.accept((int) e[0], e[1], e[2], e[3]);
                        }
                    });
            return w;
        }

        private static UnlistedKeys unlistedKeys(List<String> keys) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int[] starts = new int[keys.size() + 1];
            for (int i = 0; i < keys.size(); i++) {
                bytes.writeBytes(keys.get(i).getBytes(StandardCharsets.UTF_8));
                starts[i + 1] = bytes.size();
            }
            long[] locations = new long[keys.size()];
            byte[] plainness = new byte[keys.size()];
            for (int i = 0; i < keys.size(); i++) {
                locations[i] = 1L << 32 | 64 + 8L * i;
                plainness[i] = (byte) (i % 3);
            }
            return UnlistedKeys.of(bytes.toByteArray(), starts, locations, plainness, keys.size());
        }

        void assertSameAs(CheckpointContent read) throws IOException {
            assertThat(read.storeId()).isEqualTo(STORE_ID);
            assertThat(read.hashSeed()).isEqualTo(SEED);
            assertThat(read.maxSequence()).isEqualTo(99);
            assertThat(read.log().segmentIds()).containsExactly(content.log().segmentIds());
            assertThat(read.log().dataEnds()).containsExactly(content.log().dataEnds());
            assertThat(read.liveBytes()).containsExactly(7, 8);
            assertThat(read.log().activeHints().count()).isEqualTo(hints.count());
            assertThat(bytes(read.log().activeHints().entries())).isEqualTo(bytes(hints.entries()));
            assertThat(read.namespaces()).hasSize(sortedKeys.size());
            for (int n = 0; n < sortedKeys.size(); n++) {
                CheckpointContent.Namespace ns = read.namespaces().get(n);
                assertThat(ns.name()).isEqualTo("NS" + n);
                assertThat(slots(ns.index())).isEqualTo(slots(content.namespaces().get(n).index()));
                List<String> unlisted = new ArrayList<>();
                List<String> noted = new ArrayList<>();
                ns.unlisted().forEach((key, offset, length, location, plain) -> {
                    unlisted.add(key.getStringWithoutLengthUtf8(offset, length));
                    noted.add(location + " " + plain);
                });
                assertThat(unlisted).containsExactlyElementsOf(unlistedKeys.get(n));
                List<String> notedWritten = new ArrayList<>();
                content.namespaces().get(n).unlisted().forEach((key, offset, length, location, plain) ->
                        notedWritten.add(location + " " + plain));
                assertThat(noted).containsExactlyElementsOf(notedWritten);
                assertThat(ns.index().size()).isEqualTo(sortedKeys.get(n).size() + new TreeSet<>(unlisted).size());
                List<String> listed = new ArrayList<>();
                ns.listing().scan(null, 0, 0, false, null, 0, 0, Integer.MAX_VALUE, new KeyBatch(16), batch -> {
                    for (int i = 0; i < batch.size(); i++) {
                        listed.add(batch.buffer(i).getStringWithoutLengthUtf8(batch.offset(i), batch.length(i)));
                    }
                    return batch.size();
                });
                assertThat(listed).containsExactlyElementsOf(sortedKeys.get(n));
            }
            List<long[]> readExpiry = new ArrayList<>();
            read.expiry().forEach((ns, expiration, keyHash, location) ->
                    readExpiry.add(new long[] {ns, expiration, keyHash, location}));
            assertThat(readExpiry).containsExactlyElementsOf(expiry);
        }

        void close() {
            CheckpointReaderTest.close(content);
        }

        private static byte[] slots(HashIndex index) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            IndexImage.copyOut(index, chunk -> out.write(bytes(chunk)));
            return out.toByteArray();
        }

        private static byte[] bytes(ByteBuffer... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (ByteBuffer part : parts) {
                out.writeBytes(bytesOf(part));
            }
            return out.toByteArray();
        }

        private static byte[] bytesOf(ByteBuffer buffer) {
            byte[] b = new byte[buffer.remaining()];
            buffer.duplicate().get(b);
            return b;
        }
    }

    private static int compareUtf8(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
