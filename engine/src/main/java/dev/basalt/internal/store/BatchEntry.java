package dev.basalt.internal.store;

import dev.basalt.internal.env.Limits;
import dev.basalt.internal.log.LogFormat;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One validated entry of a write batch: a put (key, value, metadata, expiration) or a delete
 * (key only). The API builds these after every check passed; the write path only appends them.
 */
public record BatchEntry(byte type, byte[] key, byte[] metadata, long expirationEpochSeconds, DirectBuffer value,
        int valueOffset, int valueLength) {
    private static final DirectBuffer NO_VALUE = new UnsafeBuffer(new byte[0]);

    /** A put of {@code value[offset, offset + length)}; {@code metadata} may be null. */
    public static BatchEntry put(byte[] key, byte[] metadata, long expirationEpochSeconds, DirectBuffer value,
            int offset, int length) {
        return new BatchEntry(LogFormat.TYPE_PUT, key, metadata, expirationEpochSeconds, value, offset, length);
    }

    /** A put of a whole array. */
    public static BatchEntry put(byte[] key, byte[] metadata, long expirationEpochSeconds, byte[] value) {
        return put(key, metadata, expirationEpochSeconds, new UnsafeBuffer(value), 0, value.length);
    }

    /** A delete. */
    public static BatchEntry delete(byte[] key) {
        return new BatchEntry(LogFormat.TYPE_TOMBSTONE, key, null, Limits.NO_EXPIRATION, NO_VALUE, 0, 0);
    }

    boolean isPut() {
        return type == LogFormat.TYPE_PUT;
    }

    /** Its record's length on disk; {@code batchMember} true in a batch of two or more records. */
    int recordLength(int namespaceBytes, boolean batchMember) {
        return LogFormat.recordLength(namespaceBytes, key.length, metadata == null ? 0 : metadata.length, valueLength,
                expirationEpochSeconds, batchMember);
    }
}
