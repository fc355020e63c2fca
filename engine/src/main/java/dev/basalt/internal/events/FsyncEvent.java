package dev.basalt.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * A log fsync that took longer than the threshold (10 ms unless the recording sets another):
 * a stall every writer waiting on group commit felt. A healthy SSD fsyncs in well under a
 * millisecond to a few; 10 ms keeps the event rare enough to leave on.
 */
@Name("dev.basalt.Fsync")
@Label("Basalt Log Fsync")
@Category({"Basalt", "Storage"})
@Description("An fsync of a Basalt log segment slower than the threshold")
@Enabled(false)
@Threshold("10 ms")
@StackTrace(false)
public final class FsyncEvent extends Event {
    @Label("Segment File")
    public String file;

    /** Sets the file and commits, when the event is on and the fsync took longer than the threshold. */
    public void finish(String file) {
        if (shouldCommit()) {
            this.file = file;
            commit();
        }
    }
}
