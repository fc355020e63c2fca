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
 * while they are loaded; the records are then indexed exactly as before, in order. Only each
 * key's home slot is loaded, with no branch on what it holds: a loop that followed each probe
 * run to the key's slot (as a list page's look-ahead does, which wants the record too) branched
 * on every loaded word, which likely kept its loads from overlapping (measured: the open is
 * faster without; not observed: the mispredictions themselves); the probe's later slots are
 * mostly on the home slot's cache line. On a 10 M-key copy killed at the end
 * of its load (a 1.64 M-record tail) the open took 983 ms at the median of 18 opens against
 * 1,319 with that loop ({@code docs/benchmarks.md}, "The replay's look-ahead without branches").
 * Decides nothing: a slot loaded for a key of another namespace, or in a table a growth replaced
 * since, is merely a wasted load. The sweep after the replay ({@link ReplaySweep#touched}) looks
 * up the touched keys the same way, a run at a time. Replay thread only.
 */
final class ReplayLookAhead {
    private final long[] keyHashes = new long[RecoverySink.RUN];
    private HashIndex index;
    private int count;
    /** What the loads returned, kept so that the compiler cannot drop them; never read. */
    private long loaded;

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
            loaded += SlotLookAhead.touchHomeSlots(index, keyHashes, count);
        }
        count = 0;
        index = null;
    }
}
