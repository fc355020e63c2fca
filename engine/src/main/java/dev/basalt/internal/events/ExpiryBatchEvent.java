package dev.basalt.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timestamp;

/**
 * One batch of the expiry sweep that handled at least one due entry (the background agent polls
 * about ten times a second; empty polls are not recorded).
 */
@Name("dev.basalt.ExpiryBatch")
@Label("Basalt Expiry Batch")
@Category({"Basalt", "Storage"})
@Description("One batch of the expiry sweep: due timer entries handled and expired keys purged from the index")
@Enabled(false)
@StackTrace(false)
public final class ExpiryBatchEvent extends Event {
    @Label("Entries Handled")
    @Description("Due timer-queue entries polled, stale ones (key overwritten or deleted since) included")
    public int entriesHandled;

    @Label("Keys Purged")
    public long keysPurged;

    @Label("Now")
    @Description("The engine clock's epoch second the batch ran at")
    @Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
    public long nowEpochMillis;

    /** Sets the figures and commits, when the event is on and the batch handled something. */
    public void finish(int entriesHandled, long keysPurged, long nowEpochSeconds) {
        if (entriesHandled > 0 && shouldCommit()) {
            this.entriesHandled = entriesHandled;
            this.keysPurged = keysPurged;
            this.nowEpochMillis = nowEpochSeconds * 1000;
            commit();
        }
    }
}
