package dev.basalt.internal.events;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One compaction pass, background or {@code Basalt.compact()}, including a pass that found nothing. */
@Name("dev.basalt.CompactionPass")
@Label("Basalt Compaction Pass")
@Category({"Basalt", "Storage"})
@Description("One compaction pass over the sealed segments of a Basalt store")
@Enabled(false)
@StackTrace(false)
public final class CompactionPassEvent extends Event {
    @Label("Directory")
    public String directory;

    @Label("Segments Compacted")
    public int segmentsCompacted;

    @Label("Records Copied")
    public long recordsCopied;

    @Label("Bytes Copied")
    @DataAmount
    public long bytesCopied;

    @Label("Tombstones Kept")
    public long tombstonesKept;

    @Label("Records Dropped")
    public long recordsDropped;

    @Label("Records Dropped Unread")
    @Description("Of the records dropped, those of victims retired unread: every record in them a superseded put")
    public long recordsDroppedUnread;

    @Label("Bytes Reclaimed")
    @DataAmount
    public long bytesReclaimed;

    /** Sets the figures of the pass and commits, when the event is on. */
    public void finish(String directory, int segmentsCompacted, long recordsCopied, long bytesCopied,
            long tombstonesKept, long recordsDropped, long recordsDroppedUnread, long bytesReclaimed) {
        if (shouldCommit()) {
            this.directory = directory;
            this.segmentsCompacted = segmentsCompacted;
            this.recordsCopied = recordsCopied;
            this.bytesCopied = bytesCopied;
            this.tombstonesKept = tombstonesKept;
            this.recordsDropped = recordsDropped;
            this.recordsDroppedUnread = recordsDroppedUnread;
            this.bytesReclaimed = bytesReclaimed;
            commit();
        }
    }
}
