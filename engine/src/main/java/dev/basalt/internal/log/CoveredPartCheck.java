package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.ALIGNMENT;
import static dev.basalt.internal.log.LogFormat.SEGMENT_HEADER_LENGTH;

import dev.basalt.internal.env.OpenHelpers;
import org.agrona.DirectBuffer;

/**
 * Checks record by record (both checksums, nothing replayed) that the part of the active
 * segment a checkpoint covers holds intact records that end exactly where the checkpoint says,
 * after a crash: the one segment a crash can tear, and the one a replay would scan anyway.
 *
 * <p>A large part is checked in two halves at once, the second half on a helper thread. The
 * helper cannot know where a record starts in the middle of the segment, so it starts at the
 * middle and takes the first record that verifies; the opening thread checks the first half
 * from the segment's start and stops at the first record boundary past the middle. The halves
 * count only when the two agree on that boundary: a value whose bytes happen to verify as a
 * record could mislead the helper, never the chain of records followed from the start. When
 * they disagree, the opening thread checks the second half itself. Both threads only read.
 */
final class CoveredPartCheck {
    /** Below this the helper thread's start costs more than the half it would check. */
    static final long TWO_HALVES_MIN_BYTES = 8L << 20;

    private CoveredPartCheck() {
    }

    /**
     * Why {@code [SEGMENT_HEADER_LENGTH, end)} does not hold intact records ending at {@code end},
     * or null; in two halves when {@code twoHalves} and the part is large enough.
     */
    static String problem(DirectBuffer segment, int mask, long end, boolean twoHalves) {
        if (!twoHalves || end - SEGMENT_HEADER_LENGTH < TWO_HALVES_MIN_BYTES) {
            return secondHalfProblem(segment, mask, SEGMENT_HEADER_LENGTH, end);
        }
        long half = (end - SEGMENT_HEADER_LENGTH) / 2 / ALIGNMENT * ALIGNMENT;
        return problem(segment, mask, end, SEGMENT_HEADER_LENGTH + half);
    }

    /** {@link #problem(DirectBuffer, int, long, boolean)} in two halves split at {@code middle} (8-aligned). */
    static String problem(DirectBuffer segment, int mask, long end, long middle) {
        Half helper = new Half(segment, mask, (int) middle, end);
        Thread thread = OpenHelpers.start("basalt-open-check", helper);
        Damage firstHalf = new Damage(false);
        long boundary;
        try {
            boundary = SegmentScanner.scanPart(segment, SEGMENT_HEADER_LENGTH, middle, end, mask, firstHalf);
        } finally {
            OpenHelpers.joinUninterruptibly(thread); // the caller unmaps what the helper reads
        }
        if (helper.failure != null) {
            throw helper.failure;
        }
        if (firstHalf.found != null) {
            return firstHalf.found;
        }
        if (boundary == end) {
            return null;
        }
        if (boundary < middle) { // damage the first half ends in, not yet placed: say it as one scan would
            return secondHalfProblem(segment, mask, SEGMENT_HEADER_LENGTH, end);
        }
        if (helper.damage.firstRecord != boundary) {
            return secondHalfProblem(segment, mask, (int) boundary, end); // the halves disagree: check it here
        }
        return helper.damage.found != null ? helper.damage.found
                : helper.validEnd != end ? endProblem(helper.validEnd, end) : null;
    }

    private static String secondHalfProblem(DirectBuffer segment, int mask, int from, long end) {
        Damage damage = new Damage(false);
        long validEnd = SegmentScanner.scan(segment, from, end, mask, damage);
        return damage.found != null ? damage.found : validEnd != end ? endProblem(validEnd, end) : null;
    }

    private static String endProblem(long validEnd, long end) {
        return "its records end at " + validEnd + ", not " + end;
    }

    /** The first damage a scan reports; for a helper, only damage after the first record it found. */
    private static final class Damage implements SegmentScanner.Listener {
        private final boolean fromTheMiddle;
        long firstRecord = -1;
        String found;

        Damage(boolean fromTheMiddle) {
            this.fromTheMiddle = fromTheMiddle;
        }

        @Override
        public void record(DirectBuffer segment, int offset) {
            if (firstRecord < 0) {
                firstRecord = offset;
            }
        }

        @Override
        public void corrupt(int offset, int length, String reason) {
            // From the middle, bytes before the first record that verifies are the rest of a
            // record the other half checks, reported as damage when the record is found.
            if (found == null && !(fromTheMiddle && firstRecord < 0)) {
                found = reason + " at offset " + offset;
            }
        }
    }

    /** The second half, from the middle to the end, on the helper thread. */
    private static final class Half implements Runnable {
        private final DirectBuffer segment;
        private final int mask;
        private final int from;
        private final long end;
        final Damage damage = new Damage(true);
        long validEnd;
        RuntimeException failure;

        Half(DirectBuffer segment, int mask, int from, long end) {
            this.segment = segment;
            this.mask = mask;
            this.from = from;
            this.end = end;
        }

        @Override
        public void run() {
            try {
                validEnd = SegmentScanner.scan(segment, from, end, mask, damage);
            } catch (RuntimeException e) { // handed to the opening thread, which rethrows it
                failure = e;
            }
        }
    }
}
