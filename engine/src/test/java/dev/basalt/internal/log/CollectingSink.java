package dev.basalt.internal.log;

import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;

/** A {@link RecoverySink} that keeps what recovery delivered, in delivery order. */
final class CollectingSink implements RecoverySink {
    /** One delivered record, names decoded (the names buffer is valid only during the call). */
    record Entry(long location, byte type, long sequence, long expirationEpochSeconds, int recordLength,
            String namespace, String key) {
        int segmentId() {
            return Locations.segmentId(location);
        }

        int offset() {
            return Locations.offset(location);
        }
    }

    final List<Entry> entries = new ArrayList<>();
    /** Per entry: whether recovery read and checked the record (a scan) rather than took it from a hint. */
    final List<Boolean> checked = new ArrayList<>();

    @Override
    public void accept(long location, byte type, long sequence, long expirationEpochSeconds, int recordLength,
            DirectBuffer names, int namesOffset, int namespaceLength, int keyLength, boolean checked) {
        this.checked.add(checked);
        entries.add(new Entry(location, type, sequence, expirationEpochSeconds, recordLength,
                names.getStringWithoutLengthUtf8(namesOffset, namespaceLength),
                names.getStringWithoutLengthUtf8(namesOffset + namespaceLength, keyLength)));
    }

    List<Long> sequences() {
        return entries.stream().map(Entry::sequence).toList();
    }

    List<String> keys() {
        return entries.stream().map(Entry::key).toList();
    }
}
