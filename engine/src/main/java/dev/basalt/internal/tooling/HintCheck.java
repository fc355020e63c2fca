package dev.basalt.internal.tooling;

import static dev.basalt.internal.log.LogFormat.*;

import dev.basalt.internal.log.HintFile;
import dev.basalt.internal.log.Records;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntHashSet;

/**
 * Checks a sealed segment's hint file: that it verifies as recovery reads it, and that it says
 * exactly what the segment holds. The second matters more: recovery trusts a hint file that
 * verifies and never reads those records, so a hint that verifies but disagrees with the
 * segment would send the index to the wrong bytes. Entries must name the intact records in
 * file order (the order the log appended them), with the same type, sequence, expiration,
 * length, namespace and key, and the hint's data end must be where the records end.
 *
 * <p>Only the first disagreement of a file is reported: after one, the rest usually follow.
 */
final class HintCheck {
    private HintCheck() {
    }

    /**
     * Checks {@code hint} against {@code segment}, whose records (those whose header checks)
     * start at {@code recordOffsets} and end at {@code dataEnd}; the bodies of those in
     * {@code damagedRecords} do not check, so their names are not compared (the segment's damage
     * is reported already). Adds what is wrong with the hint to {@code damage}.
     */
    static void check(Path hint, long storeId, long segmentId, int segmentSizeBytes, DirectBuffer segment,
            IntArrayList recordOffsets, IntHashSet damagedRecords, long dataEnd, List<Damage> damage) {
        Comparison comparison = new Comparison(hint, segment, recordOffsets, damagedRecords);
        String[] problem = new String[1];
        long hintDataEnd = HintFile.read(hint, storeId, segmentId, segmentSizeBytes, comparison,
                reason -> problem[0] = withoutFilePrefix(hint, reason));
        if (hintDataEnd < 0) {
            damage.add(new Damage(hint, 0, Math.max(1, sizeOf(hint)), "hint file does not verify (" + problem[0]
                    + "); the engine ignores it, rescans the segment and writes the hint again"));
            return;
        }
        if (comparison.firstMismatch != null) {
            damage.add(comparison.firstMismatch);
        } else if (comparison.entries != recordOffsets.size()) {
            damage.add(new Damage(hint, HINT_ENTRY_COUNT_OFFSET, 4, "hint file lists " + comparison.entries
                    + " records but the segment holds " + recordOffsets.size() + " records"));
        } else if (hintDataEnd != dataEnd) {
            damage.add(new Damage(hint, HINT_DATA_END_OFFSET, 4, "hint file says the records end at offset "
                    + hintDataEnd + " but the segment's records end at " + dataEnd));
        }
    }

    private static String withoutFilePrefix(Path file, String reason) {
        String prefix = file + ": ";
        return reason.startsWith(prefix) ? reason.substring(prefix.length()) : reason;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Compares each entry, as recovery visits them, with the record it names. */
    private static final class Comparison implements HintFile.EntryVisitor {
        private final Path hint;
        private final DirectBuffer segment;
        private final IntArrayList recordOffsets;
        private final IntHashSet damagedRecords;
        private int entries;
        private long entryPosition = HINT_HEADER_LENGTH;
        private Damage firstMismatch;

        Comparison(Path hint, DirectBuffer segment, IntArrayList recordOffsets, IntHashSet damagedRecords) {
            this.hint = hint;
            this.segment = segment;
            this.recordOffsets = recordOffsets;
            this.damagedRecords = damagedRecords;
        }

        @Override
        public void visit(byte type, long sequence, long expirationEpochSeconds, int recordOffset, int recordLength,
                DirectBuffer entry, int nameOffset, int namespaceLength, int keyLength) {
            int index = entries++;
            long position = entryPosition;
            int entryLength = (int) align(HINT_ENTRY_FIXED_LENGTH + namespaceLength + keyLength);
            entryPosition += entryLength;
            if (firstMismatch != null) {
                return;
            }
            String mismatch = compare(index, type, sequence, expirationEpochSeconds, recordOffset, recordLength, entry,
                    nameOffset, namespaceLength, keyLength);
            if (mismatch != null) {
                firstMismatch = new Damage(hint, position, entryLength, "hint entry " + index + " " + mismatch);
            }
        }

        private String compare(int index, byte type, long sequence, long expiration, int recordOffset,
                int recordLength, DirectBuffer entry, int nameOffset, int namespaceLength, int keyLength) {
            if (index >= recordOffsets.size()) {
                return "names a record at segment offset " + recordOffset + " but the segment holds only "
                        + recordOffsets.size() + " records";
            }
            int offset = recordOffsets.getInt(index);
            if (recordOffset != offset) {
                return "names the record at segment offset " + recordOffset + " but intact record " + index
                        + " of the segment is at offset " + offset;
            }
            if (type != Records.type(segment, offset) || sequence != Records.sequence(segment, offset)
                    || expiration != Records.expirationEpochSeconds(segment, offset)
                    || recordLength != Records.length(segment, offset)) {
                return "disagrees with the record at segment offset " + offset + ": hint type=" + type + " sequence="
                        + sequence + " expiration=" + expiration + " length=" + recordLength + ", record type="
                        + Records.type(segment, offset) + " sequence=" + Records.sequence(segment, offset)
                        + " expiration=" + Records.expirationEpochSeconds(segment, offset) + " length="
                        + Records.length(segment, offset);
            }
            if (damagedRecords.contains(offset)) {
                return null;
            }
            if (namespaceLength != Records.namespaceLength(segment, offset)
                    || keyLength != Records.keyLength(segment, offset)
                    || !sameBytes(entry, nameOffset, segment, Records.namespaceOffset(offset),
                            namespaceLength + keyLength)) {
                return "names another namespace or key than the record at segment offset " + offset;
            }
            return null;
        }

        private static boolean sameBytes(DirectBuffer a, int aOffset, DirectBuffer b, int bOffset, int length) {
            for (int i = 0; i < length; i++) {
                if (a.getByte(aOffset + i) != b.getByte(bOffset + i)) {
                    return false;
                }
            }
            return true;
        }
    }
}
