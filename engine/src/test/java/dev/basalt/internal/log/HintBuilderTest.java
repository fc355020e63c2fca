package dev.basalt.internal.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.internal.env.FileIo;
import dev.basalt.testing.TestFiles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * A hint builder that keeps a checkpoint's entries (the prefix it starts from, never copied)
 * behaves as one that added every entry itself: the same count, the same entries and cuts of
 * them, the same answer to "how many before this offset", the same hint file; and a rewind never
 * reaches into the kept entries.
 */
class HintBuilderTest {
    private static final long STORE_ID = 0xB0B;
    private static final long SEGMENT_ID = 3;

    @Property(tries = 100)
    void aBuilderKeepingSavedEntriesActsAsOneThatAddedThemAll(@ForAll @IntRange(min = 0, max = 40) int kept,
            @ForAll @IntRange(min = 0, max = 40) int added, @ForAll @IntRange(min = 0, max = 80) int cut,
            @ForAll @IntRange(min = 0, max = 90 * 64) int offset) throws Exception {
        HintFile.Builder whole = new HintFile.Builder();
        HintFile.Builder saved = new HintFile.Builder();
        for (int i = 0; i < kept; i++) {
            add(whole, i);
            add(saved, i);
        }
        HintFile.Builder keeping = HintFile.Builder.keeping(kept, afterJunk(join(saved.entries())));
        for (int i = kept; i < kept + added; i++) {
            add(whole, i);
            add(keeping, i);
        }
        int n = Math.min(cut, kept + added);
        assertThat(keeping.count()).isEqualTo(whole.count());
        assertThat(bytes(keeping.entries())).isEqualTo(bytes(whole.entries()));
        assertThat(bytes(keeping.entries(n))).as("the first %d entries", n).isEqualTo(bytes(whole.entries(n)));
        assertThat(keeping.countBefore(offset)).isEqualTo(whole.countBefore(offset));
        assertThat(writeAndRead(keeping)).isEqualTo(writeAndRead(whole));
    }

    /**
     * Entries spread over many small chunks (an entry never spans two) read back as from one:
     * the same entries and cuts, counts before an offset, hint file, and rewinds to marks taken
     * anywhere, chunk boundaries included.
     */
    @Property(tries = 200)
    void entriesInManyChunksActAsInOne(@ForAll @IntRange(min = 0, max = 60) int count,
            @ForAll @IntRange(min = 64, max = 300) int chunkBytes, @ForAll @IntRange(min = 0, max = 60) int markAt,
            @ForAll @IntRange(min = 0, max = 30) int addedAfterRewind, @ForAll @IntRange(min = 0, max = 90) int cut,
            @ForAll @IntRange(min = 0, max = 90 * 64) int offset) throws Exception {
        HintFile.Builder chunked = new HintFile.Builder(chunkBytes);
        HintFile.Builder single = new HintFile.Builder(1 << 20);
        long chunkedMark = chunked.mark();
        long singleMark = single.mark();
        for (int i = 0; i < count; i++) {
            if (i == markAt) {
                chunkedMark = chunked.mark();
                singleMark = single.mark();
            }
            add(chunked, i);
            add(single, i);
        }
        if (markAt < count) {
            chunked.rewind(chunkedMark);
            single.rewind(singleMark);
            assertThat(chunked.count()).as("after the rewind").isEqualTo(markAt);
        }
        int next = chunked.count();
        for (int i = next; i < next + addedAfterRewind; i++) {
            add(chunked, i);
            add(single, i);
        }
        int n = Math.min(cut, chunked.count());
        assertThat(chunked.count()).isEqualTo(single.count());
        assertThat(bytes(chunked.entries())).isEqualTo(bytes(single.entries()));
        assertThat(bytes(chunked.entries(n))).as("the first %d entries", n).isEqualTo(bytes(single.entries(n)));
        assertThat(chunked.countBefore(offset)).isEqualTo(single.countBefore(offset));
        assertThat(writeAndRead(chunked)).isEqualTo(writeAndRead(single));
    }

    @Test
    void aRewindAfterARestoreDropsOnlyWhatWasAddedSince() {
        HintFile.Builder saved = new HintFile.Builder();
        add(saved, 0);
        add(saved, 1);
        HintFile.Builder keeping = HintFile.Builder.keeping(2, join(saved.entries()));
        long mark = keeping.mark();
        add(keeping, 2);
        keeping.rewind(mark);
        assertThat(keeping.count()).isEqualTo(2);
        assertThat(bytes(keeping.entries())).isEqualTo(bytes(saved.entries()));
    }

    @Test
    void aNewSegmentsEntriesHaveNoEmptyPart() {
        HintFile.Builder fresh = new HintFile.Builder(256);
        assertThat(fresh.entries()).as("no entries, no parts").isEmpty();
        for (int i = 0; i < 12; i++) {
            add(fresh, i);
        }
        assertThat(fresh.entries()).as("a part per chunk, none of them the empty kept prefix").hasSizeGreaterThan(1)
                .allMatch(ByteBuffer::hasRemaining);
        assertThat(fresh.entries(0)).isEmpty();
    }

    @Test
    void savedBytesThatDoNotHoldTheCountAreRefused() {
        HintFile.Builder saved = new HintFile.Builder();
        add(saved, 0);
        ByteBuffer entries = join(saved.entries());
        assertThatThrownBy(() -> HintFile.Builder.keeping(2, entries)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not hold 2 hint entries");
    }

    private static void add(HintFile.Builder builder, int i) {
        byte[] names = ("ns" + "key-" + "x".repeat(i % 7) + i).getBytes(StandardCharsets.UTF_8);
        builder.add((byte) 1, 100 + i, 0, 64 + i * 64, 64, new UnsafeBuffer(names), 0, 2, names.length - 2);
    }

    private static List<String> writeAndRead(HintFile.Builder builder) throws Exception {
        Path dir = TestFiles.newTempDirectory("hint-builder-");
        try {
            builder.write(FileIo.real(), dir, STORE_ID, SEGMENT_ID, 64L * (builder.count() + 1));
            List<String> seen = new ArrayList<>();
            long end = HintFile.read(FileIo.real(), dir.resolve(LogFormat.hintFileName(SEGMENT_ID)), STORE_ID,
                    SEGMENT_ID, 1 << 20, (type, sequence, expiration, offset, length, names, at, nsLength, keyLength) ->
                            seen.add(sequence + "@" + offset + ":" + names.getStringWithoutLengthUtf8(at, nsLength + keyLength)),
                    problem -> seen.add("problem " + problem));
            seen.add("end " + end);
            return seen;
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    /** {@code entries} behind 16 bytes of junk, from its position on: the builder must start at the position. */
    private static ByteBuffer afterJunk(ByteBuffer entries) {
        ByteBuffer b = ByteBuffer.allocateDirect(16 + entries.remaining());
        b.put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}).put(entries.duplicate()).flip();
        return b.position(16);
    }

    private static ByteBuffer join(ByteBuffer... parts) {
        return ByteBuffer.allocateDirect(bytes(parts).length).put(bytes(parts)).flip();
    }

    private static byte[] bytes(ByteBuffer... parts) {
        int total = 0;
        for (ByteBuffer part : parts) {
            total += part.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(total);
        for (ByteBuffer part : parts) {
            all.put(part.duplicate());
        }
        return all.array();
    }
}
