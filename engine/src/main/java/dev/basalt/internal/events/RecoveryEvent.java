package dev.basalt.internal.events;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** Recovery at {@code Basalt.open}: the log replayed into the indexes. Its duration is the open's main cost. */
@Name("dev.basalt.Recovery")
@Label("Basalt Recovery")
@Category({"Basalt", "Storage"})
@Description("Recovery of a Basalt store at open: segments replayed (or read from hint files) into the indexes")
@Enabled(false)
@StackTrace(false)
public final class RecoveryEvent extends Event {
    @Label("Directory")
    public String directory;

    @Label("Segments")
    public int segments;

    @Label("Live Keys")
    @Description("Keys in the indexes after replay; keys past their expiration count until the expiry sweep"
            + " purges them")
    public long liveKeys;

    @Label("Damaged Ranges Skipped")
    public int corruptRanges;

    @Label("Torn Tail")
    @Description("Bytes cut from the end of the active segment because they did not form intact records")
    @DataAmount
    public long tornTailBytes;

    @Label("Records Replayed")
    @Description("Records the open replayed into the indexes: those after the checkpoint when one was used, else all")
    public long recordsReplayed;

    @Label("Full Replay Because")
    @Description("Why the checkpoint was not used (none, damaged, stale...); empty when it was")
    public String fullReplayBecause;

    /**
     * Sets the figures and commits, when the event is on; {@code fullReplayBecause} is null when
     * the checkpoint was used.
     */
    public void finish(String directory, int segments, long liveKeys, int corruptRanges, long tornTailBytes,
            long recordsReplayed, String fullReplayBecause) {
        if (shouldCommit()) {
            this.directory = directory;
            this.segments = segments;
            this.liveKeys = liveKeys;
            this.corruptRanges = corruptRanges;
            this.tornTailBytes = tornTailBytes;
            this.recordsReplayed = recordsReplayed;
            this.fullReplayBecause = fullReplayBecause == null ? "" : fullReplayBecause;
            commit();
        }
    }
}
