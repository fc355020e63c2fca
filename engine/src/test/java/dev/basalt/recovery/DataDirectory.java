package dev.basalt.recovery;

import dev.basalt.internal.log.FileBytes;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Records;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Finds records in a closed store's files so that a test can damage exactly the bytes it means
 * to. It walks a segment by the lengths in its headers, without checking anything, so call it
 * before the damage.
 */
final class DataDirectory {
    /** A record as it lies in its segment file. */
    record RecordAt(Path segment, long offset, int length, int headerLength, byte type, String namespace,
            String key, long valueOffset, int valueLength) {
    }

    private DataDirectory() {
    }

    /** The segment files, oldest first; the last one is the active segment. */
    static List<Path> segments(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(LogFormat.SEGMENT_SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path activeSegment(Path dir) {
        List<Path> segments = segments(dir);
        return segments.get(segments.size() - 1);
    }

    static Path hintOf(Path segment) {
        String name = segment.getFileName().toString();
        return segment.resolveSibling(name.replace(LogFormat.SEGMENT_SUFFIX, LogFormat.HINT_SUFFIX));
    }

    /** Every record of {@code segment}, in file order, up to the first run of zeros. */
    static List<RecordAt> records(Path segment) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(segment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        UnsafeBuffer b = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());
        List<RecordAt> found = new ArrayList<>();
        int at = LogFormat.SEGMENT_HEADER_LENGTH;
        while (at + LogFormat.FIXED_HEADER_LENGTH <= bytes.length && Records.type(b, at) != 0) {
            found.add(new RecordAt(segment, at, Records.length(b, at), Records.headerLength(b, at), Records.type(b, at),
                    b.getStringWithoutLengthUtf8(Records.namespaceOffset(b, at), Records.namespaceLength(b, at)),
                    b.getStringWithoutLengthUtf8(Records.keyOffset(b, at), Records.keyLength(b, at)),
                    Records.valueOffset(b, at), Records.valueLength(b, at)));
            at += Records.length(b, at);
        }
        return found;
    }

    /** The newest record of {@code key} in any segment. */
    static RecordAt newest(Path dir, String key) {
        RecordAt newest = null;
        for (Path segment : segments(dir)) {
            for (RecordAt record : records(segment)) {
                if (record.key().equals(key)) {
                    newest = record;
                }
            }
        }
        if (newest == null) {
            throw new AssertionError("no record of key " + key + " in " + dir);
        }
        return newest;
    }

    /** Where the records of {@code segment} end. */
    static long dataEnd(Path segment) {
        List<RecordAt> records = records(segment);
        if (records.isEmpty()) {
            return LogFormat.SEGMENT_HEADER_LENGTH;
        }
        RecordAt last = records.get(records.size() - 1);
        return last.offset() + last.length();
    }

    /** Flips one bit in the middle of the value of {@code record}. */
    static void flipValueBit(RecordAt record) {
        FileBytes.flipBit(record.segment(), record.valueOffset() + record.valueLength() / 2, 3);
    }
}
