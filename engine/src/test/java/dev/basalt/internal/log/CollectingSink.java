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

    /** Keys announced by {@link #expect} and not accepted yet, in announcement order. */
    final List<String> announced = new ArrayList<>();
    /** Records accepted as the head of a fetched run of announcements. */
    int acceptedAsAnnounced;
    int largestRun;
    /** Breaches of the announcement contract: a record accepted out of its run's order. */
    final List<String> lookAheadBreaches = new ArrayList<>();
    private boolean fetched;
    /** What {@link #tailAhead} said, or -1. */
    long tailAhead = -1;

    @Override
    public void tailAhead(long records) {
        tailAhead = records;
    }

    @Override
    public void expect(long location, DirectBuffer names, int namesOffset, int namespaceLength, int keyLength) {
        if (fetched) {
            lookAheadBreaches.add("announced before the previous run was accepted: " + announced);
        }
        announced.add(names.getStringWithoutLengthUtf8(namesOffset, namespaceLength + keyLength));
        largestRun = Math.max(largestRun, announced.size());
    }

    @Override
    public void fetchExpected() {
        fetched = true;
    }

    @Override
    public void accept(long location, byte type, long sequence, long expirationEpochSeconds, int recordLength,
            DirectBuffer names, int namesOffset, int namespaceLength, int keyLength, boolean checked) {
        String name = names.getStringWithoutLengthUtf8(namesOffset, namespaceLength + keyLength);
        if (!announced.isEmpty()) {
            if (!fetched || !announced.get(0).equals(name)) {
                String announcedFirst = announced.get(0);
                String when = fetched ? " while " : " before a fetch of ";
                lookAheadBreaches.add("accepted " + name + when + announcedFirst + " was announced");
            }
            announced.remove(0);
            acceptedAsAnnounced++;
            fetched = !announced.isEmpty();
        }
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
