package dev.basalt.internal.tooling;

import dev.basalt.internal.env.Limits;
import static dev.basalt.internal.log.LogFormat.*;

import dev.basalt.internal.log.Checksums;
import dev.basalt.internal.log.Records;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The records of one segment file, for debugging: what {@code basalt dump-segment} prints.
 * Reads the file read-only; needs no lock (it reads one file through a channel, so a store
 * writing it meanwhile costs at most a torn last record in the dump).
 *
 * <p>The checksum mask needs the store id and the segment id: the store id comes from
 * {@code STORE} next to the segment when that file is intact, else from the segment's own
 * header; the segment id from the header, else from the file name.
 */
public final class SegmentDump {
    /** What is known about the segment before its records. */
    public record Header(Path file, long segmentId, long storeId, String storeIdSource, int sizeBytes,
            String headerStatus) {
    }

    /**
     * One record. {@code checksum} is "ok" for an intact record and "body checksum mismatch" for
     * a record whose header checks but whose body does not (its names may then be garbage).
     *
     * @param expirationEpochSeconds 0 when none ({@code Limits.NO_EXPIRATION})
     * @param metadataJson the metadata as stored (compact JSON), or null when none
     */
    public record Entry(int offset, int length, String type, long sequence, long expirationEpochSeconds,
            String namespace, String key, String metadataJson, long valueLength, String checksum) {
    }

    /** What the dump found, in file order. */
    public interface Visitor {
        void header(Header header);

        void record(Entry entry);

        void damage(Damage damage);
    }

    /** Totals of a dump. */
    public record Summary(long records, long damagedRanges, long dataEnd) {
    }

    private SegmentDump() {
    }

    /** Dumps {@code segmentFile} to {@code visitor}. */
    public static Summary dump(Path segmentFile, Visitor visitor) throws IOException {
        ByteBuffer content = SegmentFiles.readAll(segmentFile, null);
        int size = content.limit();
        UnsafeBuffer b = new UnsafeBuffer(content, 0, size);
        boolean headerIntact = StoreIdentity.headerIsIntact(b, size);
        long segmentId = headerIntact ? StoreIdentity.segmentIdInHeader(b) : SegmentFiles.idOf(segmentFile);
        Path dir = segmentFile.toAbsolutePath().getParent();
        StoreIdentity identity = StoreIdentity.read(dir);
        if (!identity.known() && headerIntact) {
            identity = identity.withIdFrom("segment header", StoreIdentity.storeIdInHeader(b));
        }
        visitor.header(new Header(segmentFile, segmentId, identity.storeId(), identity.source(), size,
                headerIntact ? "ok" : "damaged"));
        int mask = Checksums.mask(identity.storeId(), segmentId);
        long[] counts = new long[2];
        long dataEnd = SegmentCheck.check(segmentFile, b, size, identity.storeId(), segmentId,
                new SegmentCheck.Listener() {
                    @Override
                    public void record(DirectBuffer segment, int offset) {
                        counts[0]++;
                        visitor.record(entry(segment, offset, "ok"));
                    }

                    @Override
                    public void damage(Damage damage) {
                        counts[1]++;
                        int offset = (int) damage.offset();
                        if (offset >= SEGMENT_HEADER_LENGTH
                                && Records.checkHeader(b, offset, size, mask) == Records.VALID) {
                            visitor.record(entry(b, offset, "body checksum mismatch"));
                        }
                        visitor.damage(damage);
                    }
                });
        return new Summary(counts[0], counts[1], dataEnd);
    }

    private static Entry entry(DirectBuffer b, int offset, String checksum) {
        int metadataLength = Records.metadataLength(b, offset);
        return new Entry(offset, Records.length(b, offset), typeName(Records.type(b, offset)),
                Records.sequence(b, offset), Records.expirationEpochSeconds(b, offset),
                text(b, Records.namespaceOffset(b, offset), Records.namespaceLength(b, offset)),
                text(b, Records.keyOffset(b, offset), Records.keyLength(b, offset)),
                metadataLength == 0 ? null : text(b, Records.metadataOffset(b, offset), metadataLength),
                Records.valueLength(b, offset) & 0xFFFFFFFFL, checksum);
    }

    /** The name of a record type, as docs/format.md spells it. */
    public static String typeName(byte type) {
        switch (type) {
            case TYPE_PUT:
                return "PUT";
            case TYPE_TOMBSTONE:
                return "TOMBSTONE";
            case TYPE_NAMESPACE_CREATE:
                return "NAMESPACE_CREATE";
            case TYPE_NAMESPACE_DROP:
                return "NAMESPACE_DROP";
            default:
                return "TYPE_" + (type & 0xFF);
        }
    }

    private static String text(DirectBuffer b, int offset, int length) {
        byte[] bytes = new byte[length];
        b.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
