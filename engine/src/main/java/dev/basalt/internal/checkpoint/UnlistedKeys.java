package dev.basalt.internal.checkpoint;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Keys a namespace's index may hold that its listing does not yet: the new keys the writers had
 * left for the listing's catch-up when a background checkpoint was captured. A capture saves them
 * as they stand rather than listing them under the append lock, where each cost a descent of the
 * listing with the writers stopped (4-54 ms of a load's capture at 1-3 M keys). An open from the
 * checkpoint owes each one to the listing, made to agree with the index as the open leaves it
 * ({@code docs/format.md}, {@code UNLISTED_KEYS}).
 *
 * <p>Each key comes with the location its index entry had when it was owed and whether that
 * record is plain ({@link #PLAIN}, {@link #NOT_PLAIN}, {@link #UNKNOWN}): an open that finds the
 * index still there takes both as they are, and reads the record of a key only when the index
 * moved on (found by key, a random read of the log: 1.4-22 µs a key at 1 M keys). A key may appear
 * twice, or be absent from the index by the time of the capture (deleted after it was owed):
 * making a key agree with the index is the same work either way. Key {@code i} is
 * {@code bytes[starts[i], starts[i + 1])}, so that a capture takes them with array copies
 * ({@link #of}): a loop over the keys, run once a checkpoint, ran cold, at hundreds of
 * nanoseconds a key. Immutable once built.
 */
public final class UnlistedKeys {
    /** An entry in the file before its key: location u64, plainness u8, key length u16. */
    static final int ENTRY_FIXED_BYTES = 11;
    /** The longest key a namespace can hold, in bytes (the record format's limit). */
    public static final int MAX_KEY_BYTES = 512;
    /** What was noted of a key's record: nothing (it was not read). */
    public static final byte UNKNOWN = 0;
    /** The record has no expiration and no metadata. */
    public static final byte PLAIN = 1;
    /** The record has an expiration or metadata. */
    public static final byte NOT_PLAIN = 2;
    /** None: a checkpoint taken at close, or a capture that found nothing owed. */
    public static final UnlistedKeys NONE = new UnlistedKeys(new byte[0], new int[1], new long[0], new byte[0], 0);

    private final byte[] bytes;
    private final int[] starts;
    private final long[] locations;
    private final byte[] plainness;
    private final int count;

    private UnlistedKeys(byte[] bytes, int[] starts, long[] locations, byte[] plainness, int count) {
        this.bytes = bytes;
        this.starts = starts;
        this.locations = locations;
        this.plainness = plainness;
        this.count = count;
    }

    /**
     * The {@code count} keys in {@code bytes}, key {@code i} from {@code starts[i]} to
     * {@code starts[i + 1]}, each a key a namespace held (1..{@value #MAX_KEY_BYTES} bytes: not
     * checked here, under the lock), owed at {@code locations[i]} with {@code plainness[i]}; the
     * arrays become this object's.
     *
     * @throws IllegalArgumentException if the arrays do not reach {@code count} keys, the starts from 0 within
     *         {@code bytes}
     */
    public static UnlistedKeys of(byte[] bytes, int[] starts, long[] locations, byte[] plainness, int count) {
        if (count < 0 || starts.length <= count || starts[0] != 0 || starts[count] > bytes.length
                || locations.length < count || plainness.length < count) {
            throw new IllegalArgumentException("key starts, locations and plainness that do not describe " + count
                    + " keys in " + bytes.length + " bytes");
        }
        return count == 0 ? NONE : new UnlistedKeys(bytes, starts, locations, plainness, count);
    }

    /** How many keys (a key owed twice counts twice). */
    public int count() {
        return count;
    }

    /** Hands every key to {@code sink}, in the order they were added; the buffer is valid during the call only. */
    public void forEach(KeySink sink) {
        UnsafeBuffer view = new UnsafeBuffer(bytes);
        for (int i = 0; i < count; i++) {
            sink.accept(view, starts[i], starts[i + 1] - starts[i], locations[i], plainness[i]);
        }
    }

    /** One key: {@code length} bytes of {@code buffer} from {@code offset}, owed at {@code location}. */
    @FunctionalInterface
    public interface KeySink {
        void accept(DirectBuffer buffer, int offset, int length, long location, byte plainness);
    }

    /** Every key's bytes, key {@code i} from {@link #offset}; a fresh view, for reading. */
    public DirectBuffer keyBytes() {
        return new UnsafeBuffer(bytes);
    }

    /** Where key {@code i} starts in {@link #keyBytes}. */
    public int offset(int i) {
        return starts[i];
    }

    /** Key {@code i}'s length in bytes. */
    public int length(int i) {
        return starts[i + 1] - starts[i];
    }

    /** Key {@code i}'s location when it was owed. */
    public long location(int i) {
        return locations[i];
    }

    /** What was noted of key {@code i}'s record. */
    public byte plainness(int i) {
        return plainness[i];
    }

    /** Key {@code i}'s bytes into {@code into} at its position. */
    void copyKey(int i, ByteBuffer into) {
        into.put(bytes, starts[i], length(i));
    }

    /** Collects keys read from a checkpoint's blocks; single-threaded. */
    static final class Builder {
        private byte[] bytes = new byte[256];
        private int[] starts = new int[17];
        private long[] locations = new long[16];
        private byte[] plainness = new byte[16];
        private int count;

        /**
         * Adds the packed entries ({@code location u64 | plainness u8 | keyLength u16 | key bytes}
         * each) of a block, checking each.
         */
        Builder addPacked(DirectBuffer block, int blockBytes) throws CheckpointRejected {
            int at = 0;
            while (at < blockBytes) {
                if (blockBytes - at < ENTRY_FIXED_BYTES) {
                    throw new CheckpointRejected("an unlisted-keys block ends inside an entry's fixed fields");
                }
                long location = block.getLong(at, CheckpointFormat.ORDER);
                byte plain = block.getByte(at + 8);
                int length = block.getShort(at + 9, CheckpointFormat.ORDER) & 0xFFFF;
                if (plain != UNKNOWN && plain != PLAIN && plain != NOT_PLAIN) {
                    throw new CheckpointRejected("an unlisted key noted " + plain + " at " + at + "; 0, 1 or 2");
                }
                if (length < 1 || length > MAX_KEY_BYTES || length > blockBytes - at - ENTRY_FIXED_BYTES) {
                    throw new CheckpointRejected("an unlisted key of " + length + " bytes at " + at
                            + " of a block of " + blockBytes + "; keys are 1.." + MAX_KEY_BYTES + " bytes within it");
                }
                add(block, at + ENTRY_FIXED_BYTES, length, location, plain);
                at += ENTRY_FIXED_BYTES + length;
            }
            return this;
        }

        private void add(DirectBuffer key, int offset, int length, long location, byte plain) {
            int end = starts[count] + length;
            if (end > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(end, 2 * bytes.length));
            }
            if (count + 1 == starts.length) {
                starts = Arrays.copyOf(starts, 2 * starts.length);
                locations = Arrays.copyOf(locations, starts.length - 1);
                plainness = Arrays.copyOf(plainness, starts.length - 1);
            }
            key.getBytes(offset, bytes, starts[count], length);
            locations[count] = location;
            plainness[count] = plain;
            starts[++count] = end;
        }

        int count() {
            return count;
        }

        UnlistedKeys build() {
            return count == 0 ? NONE : new UnlistedKeys(bytes, starts, locations, plainness, count);
        }
    }
}
