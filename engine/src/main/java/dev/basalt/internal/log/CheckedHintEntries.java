package dev.basalt.internal.log;

import org.agrona.DirectBuffer;

/**
 * A sealed segment's hint entries handed to the replay's sink, each with its record read and
 * checked against the entry first: header checksum and fields, then type, sequence,
 * expiration, length, namespace and key bytes. A record that passes reaches the sink as
 * checked, as a scanned record does, so that the sink does not sweep it again after the
 * replay; one that fails reaches it unchecked, as every entry did before, and the sink's sweep
 * reports it. The body is not checked here, as the sweep never checked it: reads and listed
 * metadata verify it.
 *
 * <p>Why here: this runs on the log's side of the replay ({@code basalt-open-replay}), which
 * at 10 M keys waits for the indexing side most of the time (697 profile samples to its 6,623 in
 * an open after a kill with a 3.76 M-record tail), while that side spent 15 % of its samples
 * reading the hinted records again in the sweep, each a cache miss in a file it had not touched.
 * Used for the tail after a trusted checkpoint only: a full replay's sweep checks every slot
 * anyway.
 *
 * <p>Threads: the log's side of a replay, one segment at a time.
 */
final class CheckedHintEntries implements HintFile.EntryVisitor {
    /** The {@code checkFrom} that checks no record. */
    static final int NONE = Integer.MAX_VALUE;

    private final Segment segment;
    private final RecoverySink sink;
    private final int checkFrom;
    private long dataEnd;

    /**
     * Entries of {@code segment}'s hint file for {@code sink}, the records at offset
     * {@code checkFrom} or after checked ({@link #NONE}: none; the others are the checkpoint's).
     */
    CheckedHintEntries(Segment segment, RecoverySink sink, int checkFrom) {
        this.segment = segment;
        this.sink = sink;
        this.checkFrom = checkFrom;
    }

    @Override
    public void dataEnd(long end) {
        dataEnd = end;
    }

    @Override
    public void visit(byte type, long sequence, long expirationEpochSeconds, int recordOffset, int recordLength,
            DirectBuffer entry, int nameOffset, int namespaceLength, int keyLength) {
        boolean checked = recordOffset >= checkFrom && recordMatches(type, sequence, expirationEpochSeconds,
                recordOffset, recordLength, entry, nameOffset, namespaceLength, keyLength);
        sink.accept(Locations.of(segment.id(), recordOffset), type, sequence, expirationEpochSeconds, recordLength,
                entry, nameOffset, namespaceLength, keyLength, checked);
    }

    private boolean recordMatches(byte type, long sequence, long expirationEpochSeconds, int offset, int length,
            DirectBuffer entry, int nameOffset, int namespaceLength, int keyLength) {
        DirectBuffer b = segment.buffer();
        return Records.checkHeader(b, offset, dataEnd, segment.mask()) == Records.VALID
                && Records.type(b, offset) == type
                && Records.sequence(b, offset) == sequence
                && Records.expirationEpochSeconds(b, offset) == expirationEpochSeconds
                && Records.length(b, offset) == length
                && Records.namespaceLength(b, offset) == namespaceLength
                && Records.keyLength(b, offset) == keyLength
                // namespace then key, adjacent in both
                && ByteRanges.equal(b, Records.namespaceOffset(b, offset), entry, nameOffset,
                        namespaceLength + keyLength);
    }
}
