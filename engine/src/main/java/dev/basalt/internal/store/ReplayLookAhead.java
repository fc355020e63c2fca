package dev.basalt.internal.store;

import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.SlotLookAhead;
import dev.basalt.internal.log.RecoverySink;

/**
 * The index loads of a run of replayed records, issued in one loop before the records are
 * indexed one by one. A replay that adds keys to a large index waits on memory for each new
 * key's slot (at 10 M keys the table is 268 MB: a cache miss and a TLB miss, about 400 ns on a
 * 2-vCPU VM), and between two such loads it does the whole work of a record, too much for the
 * processor to keep more than one or two in flight. Loaded together, the slots of a run arrive
 * while they are loaded; the records are then indexed exactly as before, in order. Decides
 * nothing: a slot loaded for a key of another namespace, or in a table a growth replaced since,
 * is merely a wasted load. The sweep after the replay ({@link ReplaySweep#touched}) looks up the
 * touched keys the same way, a run at a time. Replay thread only.
 */
final class ReplayLookAhead {
    private final long[] keyHashes = new long[RecoverySink.RUN];
    private final long[] candidates = new long[RecoverySink.RUN];
    private HashIndex index;
    private int count;

    /** Notes a key of the coming run; one of another index than the run's first is left out. */
    void expect(HashIndex keyIndex, long keyHash) {
        if (count == RecoverySink.RUN || count > 0 && keyIndex != index) {
            return;
        }
        index = keyIndex;
        keyHashes[count++] = keyHash;
    }

    /** Loads the noted keys' slots, then forgets them. */
    void fetch() {
        if (count > 0) {
            SlotLookAhead.candidates(index, keyHashes, candidates, count);
        }
        count = 0;
        index = null;
    }
}
