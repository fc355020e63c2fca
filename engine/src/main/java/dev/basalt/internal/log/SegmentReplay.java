package dev.basalt.internal.log;

import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;

/**
 * Replays one segment's intact records, record by record, into a {@link RecoverySink} and a
 * hint builder, holding a write batch back until its last record is seen; damage goes to the
 * {@link RecoveryReport}. {@link LogRecovery} runs it on every segment it scans. Stateless.
 */
final class SegmentReplay {
    private static final System.Logger LOG = System.getLogger(SegmentReplay.class.getName());

    private SegmentReplay() {
    }

    /**
     * Scans a segment into the sink and {@code hints}; returns where its data ends. The records
     * of a write batch are held back until the batch's last record is seen: a batch cut short
     * (a crash during its append, or damage inside it) is never replayed in part. A batch still
     * open at the end of the scan ends the data before its first record, so the active
     * segment's tail cut removes it.
     */
    static long scan(Segment segment, int from, long limit, HintFile.Builder hints, RecoverySink into,
            RecoveryReport report) {
        long id = segment.id();
        IntArrayList held = new IntArrayList();
        int[] nextFollowing = {0};
        long validEnd = SegmentScanner.scan(segment.buffer(), from, limit, segment.mask(), new SegmentScanner.Listener() {
            @Override
            public void record(DirectBuffer buffer, int offset) {
                short flags = Records.batchFlags(buffer, offset);
                int following = Records.batchFollowing(buffer, offset);
                if ((flags & LogFormat.BATCH_MEMBER) == 0) {
                    dropIncompleteBatch(segment, held, offset, report);
                    replay(id, buffer, offset, hints, into);
                    return;
                }
                boolean continues = !held.isEmpty() && following == nextFollowing[0];
                if ((flags & LogFormat.BATCH_FIRST) != 0 || !continues) {
                    dropIncompleteBatch(segment, held, offset, report);
                }
                if ((flags & LogFormat.BATCH_FIRST) == 0 && held.isEmpty()) {
                    report.corrupt(segment.path(), offset, Records.length(buffer, offset),
                            "write batch record whose earlier records are missing; not replayed");
                    return;
                }
                held.addInt(offset);
                nextFollowing[0] = following - 1;
                if (following == 0) {
                    for (int i = 0; i < held.size(); i++) {
                        replay(id, buffer, held.getInt(i), hints, into);
                    }
                    held.clear();
                }
            }

            @Override
            public void corrupt(int offset, int length, String reason) {
                report.corrupt(segment.path(), offset, length, reason);
                // Reported, not logged: the store logs each damaged range of the report once at open.
            }
        });
        if (held.isEmpty()) {
            return validEnd;
        }
        int batchStart = held.getInt(0);
        LOG.log(System.Logger.Level.WARNING, "dropped a write batch cut short at the end of {0}: {1} records from"
                + " offset {2}", segment.path(), held.size(), batchStart);
        return batchStart;
    }

    private static void dropIncompleteBatch(Segment segment, IntArrayList held, int nextOffset,
            RecoveryReport report) {
        if (held.isEmpty()) {
            return;
        }
        int start = held.getInt(0);
        report.corrupt(segment.path(), start, nextOffset - start, "write batch of which only " + held.size()
                + " records are intact; none of it is replayed");
        held.clear();
    }

    private static void replay(long id, DirectBuffer buffer, int offset, HintFile.Builder hints, RecoverySink into) {
        CrashPoints.hit(CrashPoint.RECOVERY_SCAN_RECORD);
        hints.add(buffer, offset, offset);
        into.accept(Locations.of(id, offset), Records.type(buffer, offset), Records.sequence(buffer, offset),
                Records.expirationEpochSeconds(buffer, offset), Records.length(buffer, offset), buffer,
                Records.namespaceOffset(buffer, offset), Records.namespaceLength(buffer, offset),
                Records.keyLength(buffer, offset), true);
    }
}
