package dev.basalt.internal.events;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One checkpoint written: its duration is the time the structures were copied out under the
 * append lock (writers wait that long); the publishing fsyncs that follow are not in it.
 */
@Name("dev.basalt.Checkpoint")
@Label("Basalt Checkpoint")
@Category({"Basalt", "Storage"})
@Description("A checkpoint of a Basalt store's indexes written (at a clean close, in the background every"
        + " checkpoint interval of log, or after a compaction); the duration is how long writers waited")
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

    /** Sets the figures and commits, when the event is on. */
    public void finish(String directory, long bytes, int namespaces, long liveKeys) {
        if (shouldCommit()) {
            this.directory = directory;
            this.bytes = bytes;
            this.namespaces = namespaces;
            this.liveKeys = liveKeys;
            commit();
        }
    }
}
