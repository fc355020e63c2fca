package dev.basalt.reliability.corruption;

import static dev.basalt.internal.env.Limits.*;
import static dev.basalt.internal.log.LogFormat.*;

import dev.basalt.internal.log.Checksums;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.SegmentScanner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The exact contents of a pristine data directory, learned by scanning its segments with the
 * engine's own {@link SegmentScanner}: every record's file, offset, length, type, namespace,
 * key, sequence, expiration, metadata and value, and each key's history newest first. The
 * campaign judges every trial against it: which records a damage touched, and what a read of
 * each key may return afterwards.
 *
 * <p>Immutable after {@link #of}.
 */
final class LogModel {
    /** One record of the pristine log. */
    record Rec(String file, long segmentId, int offset, int length, int headerLength, byte type, String namespace,
            String key, long sequence, long expirationEpochSeconds, byte[] metadata, byte[] value) {
        boolean intersects(long start, long end) {
            return offset < end && start < offset + (long) length;
        }

        /** True when a read at {@code nowEpochSeconds} finds this record's value. */
        boolean liveAt(long nowEpochSeconds) {
            return type == TYPE_PUT && (expirationEpochSeconds == NO_EXPIRATION
                    || expirationEpochSeconds > nowEpochSeconds);
        }

        @Override
        public String toString() {
            return file + "@" + offset + "+" + length + " seq=" + sequence + " type=" + type + " " + namespace
                    + "/" + key;
        }
    }

    /** One segment file: its records and where they end. */
    record SegmentFile(String name, long id, int sizeBytes, long dataEnd, List<Rec> records) {
    }

    private final long storeId;
    private final Map<String, SegmentFile> segments;
    private final Map<String, List<Rec>> historyByKey;

    private LogModel(long storeId, Map<String, SegmentFile> segments, Map<String, List<Rec>> historyByKey) {
        this.storeId = storeId;
        this.segments = segments;
        this.historyByKey = historyByKey;
    }

    /** Scans the segments of {@code image}; every record must be intact (the image is pristine). */
    static LogModel of(PristineImage image, List<String> segmentNames, long storeId) {
        Map<String, SegmentFile> segments = new LinkedHashMap<>();
        Map<String, List<Rec>> history = new TreeMap<>();
        for (String name : segmentNames) {
            long id = Long.parseLong(name.substring(0, name.length() - SEGMENT_SUFFIX.length()));
            byte[] bytes = image.bytes(name);
            // The engine's CRC32C reads off-heap memory only, as from its mappings.
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
            direct.put(bytes).flip();
            UnsafeBuffer buffer = new UnsafeBuffer(direct);
            List<Rec> records = new ArrayList<>();
            long dataEnd = SegmentScanner.scan(buffer, bytes.length, Checksums.mask(storeId, id),
                    new SegmentScanner.Listener() {
                        @Override
                        public void record(DirectBuffer b, int offset) {
                            records.add(readRecord(name, id, b, offset));
                        }

                        @Override
                        public void corrupt(int offset, int length, String reason) {
                            throw new IllegalStateException("the pristine " + name + " is damaged at " + offset
                                    + ": " + reason);
                        }
                    });
            segments.put(name, new SegmentFile(name, id, bytes.length, dataEnd, List.copyOf(records)));
            for (Rec rec : records) {
                if (isKeyed(rec.type())) {
                    history.computeIfAbsent(keyOf(rec.namespace(), rec.key()), k -> new ArrayList<>()).add(rec);
                }
            }
        }
        for (List<Rec> recs : history.values()) {
            recs.sort(Comparator.comparingLong(Rec::sequence).reversed());
        }
        return new LogModel(storeId, segments, history);
    }

    private static Rec readRecord(String file, long id, DirectBuffer b, int offset) {
        String ns = b.getStringWithoutLengthUtf8(Records.namespaceOffset(b, offset), Records.namespaceLength(b, offset));
        byte type = Records.type(b, offset);
        String key = isKeyed(type)
                ? b.getStringWithoutLengthUtf8(Records.keyOffset(b, offset), Records.keyLength(b, offset)) : null;
        byte[] metadata = new byte[Records.metadataLength(b, offset)];
        b.getBytes(Records.metadataOffset(b, offset), metadata);
        byte[] value = new byte[Records.valueLength(b, offset)];
        b.getBytes(Records.valueOffset(b, offset), value);
        return new Rec(file, id, offset, Records.length(b, offset), Records.headerLength(b, offset), type, ns, key,
                Records.sequence(b, offset),
                Records.expirationEpochSeconds(b, offset), metadata, value);
    }

    static String keyOf(String namespace, String key) {
        return namespace + "\u0000" + key;
    }

    long storeId() {
        return storeId;
    }

    Collection<SegmentFile> segments() {
        return segments.values();
    }

    SegmentFile segment(String name) {
        return segments.get(name);
    }

    /** Every keyed (namespace, key) pair, as {@link #keyOf}, in order. */
    Set<String> keys() {
        return historyByKey.keySet();
    }

    /** The records of a key, newest first. */
    List<Rec> history(String namespaceAndKey) {
        return historyByKey.get(namespaceAndKey);
    }

    int recordCount() {
        int n = 0;
        for (SegmentFile s : segments.values()) {
            n += s.records().size();
        }
        return n;
    }

    /** The records of {@code file} with at least one byte in one of {@code changed} ({start, end} pairs). */
    List<Rec> damagedRecords(String file, List<long[]> changed) {
        SegmentFile segment = segments.get(file);
        List<Rec> damaged = new ArrayList<>();
        if (segment == null) {
            return damaged;
        }
        for (Rec rec : segment.records()) {
            for (long[] range : changed) {
                if (rec.intersects(range[0], range[1])) {
                    damaged.add(rec);
                    break;
                }
            }
        }
        return damaged;
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static boolean sameBytes(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}
