package dev.basalt.internal.log;

import dev.basalt.internal.env.Limits;
import static dev.basalt.internal.log.SegmentImage.utf8;

import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A {@link SegmentLog} opened on a test directory with a collecting sink, numbering its own
 * appends the way the store does (strictly increasing sequences, continued after a reopen).
 */
final class LogFixture implements AutoCloseable {
    static final long STORE_ID = SegmentImage.STORE_ID;

    final Path dir;
    final long segmentCapacityBytes;
    final SegmentLog log;
    final CollectingSink recovered = new CollectingSink();
    final RecoveryReport report = new RecoveryReport();
    private long nextSequence;

    private LogFixture(Path dir, long segmentCapacityBytes) {
        this.dir = dir;
        this.segmentCapacityBytes = segmentCapacityBytes;
        this.log = SegmentLog.open(dir, STORE_ID, segmentCapacityBytes, recovered, report);
        this.nextSequence = 1 + recovered.entries.stream().mapToLong(CollectingSink.Entry::sequence).max().orElse(0);
    }

    static LogFixture open(Path dir, long segmentCapacityBytes) {
        return new LogFixture(dir, segmentCapacityBytes);
    }

    /** Closes this log and opens the directory again. */
    LogFixture reopen() {
        close();
        return open(dir, segmentCapacityBytes);
    }

    long put(String namespace, String key, String value) {
        return put(namespace, key, null, utf8(value));
    }

    long put(String namespace, String key, String metadata, byte[] value) {
        return log.append(LogFormat.TYPE_PUT, nextSequence++, Limits.NO_EXPIRATION, utf8(namespace), utf8(key),
                utf8(metadata), new UnsafeBuffer(value), 0, value.length);
    }

    long append(byte type, long expirationEpochSeconds, String namespace, String key) {
        return log.append(type, nextSequence++, expirationEpochSeconds, utf8(namespace), utf8(key), null, null, 0, 0);
    }

    /** The value bytes of the record at {@code location}, read through the log's mapping. */
    byte[] valueAt(long location) {
        UnsafeBuffer b = log.segment(Locations.segmentId(location)).buffer();
        int offset = Locations.offset(location);
        byte[] value = new byte[Records.valueLength(b, offset)];
        b.getBytes(Records.valueOffset(b, offset), value);
        return value;
    }

    String metadataAt(long location) {
        UnsafeBuffer b = log.segment(Locations.segmentId(location)).buffer();
        int offset = Locations.offset(location);
        return b.getStringWithoutLengthUtf8(Records.metadataOffset(b, offset), Records.metadataLength(b, offset));
    }

    Path segmentFile(long segmentId) {
        return dir.resolve(LogFormat.segmentFileName(segmentId));
    }

    Path hintFile(long segmentId) {
        return dir.resolve(LogFormat.hintFileName(segmentId));
    }

    @Override
    public void close() {
        log.close();
    }
}
