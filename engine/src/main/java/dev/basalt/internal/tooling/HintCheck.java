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

/**
 * Checks a segment's hint file: that it verifies as recovery reads it, and that it says
 * exactly what the segment holds. The second matters more: recovery trusts a sealed segment's
 * hint file that verifies and never reads those records, so a hint that verifies but disagrees
 * would send the index to the wrong bytes; and the active segment's hint (left by a clean close)
 * sets where the next open stops scanning and cuts the file. Entries must name the intact
 * records in file order (the order the log appended them), with the same type, sequence,
 * expiration, length, namespace and key, and the hint's data end must be where they end.
 *
 * <p>Damage in the segment explains a disagreement: an entry whose record lies in a damaged
 * range was right when the hint was written (the segment's damage is reported already), and so
 * is a data end inside or after a damaged tail. Entries past the point where the segment's
 * records stop (zeros where records were: a zeroed page or a cut) are the segment's loss, not
 * the hint's error, and are reported as damage of the segment over that range. Only the first
 * unexplained disagreement of a file is reported: after one, the rest usually follow.
 */
final class HintCheck {
    private HintCheck() {
    }

    /**
     * Checks {@code hint} against {@code segment}, whose intact records start at
     * {@code recordOffsets} and end at {@code dataEnd} and whose damaged ranges are
     * {@code segmentDamage}; adds what is wrong with the hint to {@code damage}.
     */
    static void check(Path hint, long storeId, long segmentId, int segmentSizeBytes, DirectBuffer segment,
            IntArrayList recordOffsets, List<Damage> segmentDamage, long dataEnd, List<Damage> damage) {
        Comparison comparison = new Comparison(hint, segment, recordOffsets, segmentDamage, dataEnd);
        String[] problem = new String[1];
        long hintDataEnd = HintFile.read(hint, storeId, segmentId, segmentSizeBytes, comparison,
                reason -> problem[0] = withoutFilePrefix(hint, reason));
        if (hintDataEnd < 0) {
            damage.add(new Damage(hint, 0, Math.max(1, sizeOf(hint)), "hint file does not verify (" + problem[0]
                    + "); the engine ignores it and rescans the segment"));
            return;
        }
        if (comparison.firstMismatch != null) {
            damage.add(comparison.firstMismatch);
        } else if (comparison.entriesPastDataEnd > 0) {
            // Zeros where the hint still lists records: the segment lost them (a zeroed or cut
            // range reads as the end of its data), and the hint, which was right, says where.
            Path segmentFile = hint.resolveSibling(segmentFileName(segmentId));
            damage.add(new Damage(segmentFile, dataEnd, Math.max(1, hintDataEnd - dataEnd), "the segment's records"
                    + " stop at offset " + dataEnd + " but its hint file lists " + comparison.entriesPastDataEnd
                    + " more up to offset " + hintDataEnd + ": they were zeroed or cut off"));
        } else if (comparison.matched != recordOffsets.size()) {
            damage.add(new Damage(hint, HINT_ENTRY_COUNT_OFFSET, 4, "hint file lists " + comparison.matched
                    + " intact records but the segment holds " + recordOffsets.size()));
        } else if (hintDataEnd != dataEnd && !(hintDataEnd > dataEnd && damagedIn(segmentDamage, dataEnd, hintDataEnd))) {
            damage.add(new Damage(hint, HINT_DATA_END_OFFSET, 4, "hint file says the records end at offset "
                    + hintDataEnd + " but the segment's records end at " + dataEnd));
        }
    }

    /** True when a damaged range starts in {@code [from, to)}. */
    private static boolean damagedIn(List<Damage> segmentDamage, long from, long to) {
        for (Damage d : segmentDamage) {
            if (d.offset() >= from && d.offset() < to) {
                return true;
            }
        }
        return false;
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
        private final List<Damage> segmentDamage;
        private int entries;
        /** Entries compared with an intact record (those in damaged ranges are skipped). */
        private int matched;
        private long entryPosition = HINT_HEADER_LENGTH;
        private Damage firstMismatch;
        /** Where the segment's intact records end, as its scan found. */
        private final long dataEnd;
        /** Entries naming records at or past {@link #dataEnd}: records the segment no longer holds. */
        private int entriesPastDataEnd;

        Comparison(Path hint, DirectBuffer segment, IntArrayList recordOffsets, List<Damage> segmentDamage,
                long dataEnd) {
            this.hint = hint;
            this.segment = segment;
            this.recordOffsets = recordOffsets;
            this.segmentDamage = segmentDamage;
            this.dataEnd = dataEnd;
        }

        @Override
        public void visit(byte type, long sequence, long expirationEpochSeconds, int recordOffset, int recordLength,
                DirectBuffer entry, int nameOffset, int namespaceLength, int keyLength) {
            int index = entries++;
            long position = entryPosition;
            int entryLength = (int) align(HINT_ENTRY_FIXED_LENGTH + namespaceLength + keyLength);
            entryPosition += entryLength;
            if (firstMismatch != null || inDamage(recordOffset)) {
                return;
            }
            if (recordOffset >= dataEnd) {
                entriesPastDataEnd++;
                return;
            }
            String mismatch = compare(matched++, type, sequence, expirationEpochSeconds, recordOffset, recordLength, entry,
                    nameOffset, namespaceLength, keyLength);
            if (mismatch != null) {
                firstMismatch = new Damage(hint, position, entryLength, "hint entry " + index + " " + mismatch);
            }
        }

        private boolean inDamage(int recordOffset) {
            for (Damage d : segmentDamage) {
                if (recordOffset >= d.offset() && recordOffset < d.offset() + d.length()) {
                    return true;
                }
            }
            return false;
        }

        private String compare(int index, byte type, long sequence, long expiration, int recordOffset,
                int recordLength, DirectBuffer entry, int nameOffset, int namespaceLength, int keyLength) {
            if (index >= recordOffsets.size()) {
                return "names a record at segment offset " + recordOffset + " but the segment holds only "
                        + recordOffsets.size() + " intact records";
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
            if (namespaceLength != Records.namespaceLength(segment, offset)
                    || keyLength != Records.keyLength(segment, offset)
                    || !sameBytes(entry, nameOffset, segment, Records.namespaceOffset(segment, offset),
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
