package dev.basalt.internal.events;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One checkpoint written: its duration is the time its file took to write (the publishing fsyncs
 * that follow are not in it); {@link #writersWaited} is how long writers were stopped for it. In
 * the background that is only the copy of the structures, and the file is written from the copy
 * with the writers running; at a clean close, when no writer is left, it is the whole write.
 */
@Name("dev.basalt.Checkpoint")
@Label("Basalt Checkpoint")
@Category({"Basalt", "Storage"})
@Description("A checkpoint of a Basalt store's indexes written (at a clean close, in the background every"
        + " checkpoint interval of log, or after a compaction); the duration is the file's write, Writers Waited"
        + " how long writers were stopped for it")
@Enabled(false)
@StackTrace(false)
public final class CheckpointEvent extends Event {
    @Label("Directory")
    public String directory;

    @Label("Checkpoint Size")
    @DataAmount
    public long bytes;

    @Label("Namespaces")
    public int namespaces;

    @Label("Live Keys")
    public long liveKeys;

    @Label("Writers Waited")
    @Timespan(Timespan.NANOSECONDS)
    public long writersWaited;

    /** Sets the figures and commits, when the event is on. */
    public void finish(String directory, long bytes, int namespaces, long liveKeys, long writersWaitedNanos) {
        if (shouldCommit()) {
            this.writersWaited = writersWaitedNanos;
            this.directory = directory;
            this.bytes = bytes;
            this.namespaces = namespaces;
            this.liveKeys = liveKeys;
            commit();
        }
    }
}
