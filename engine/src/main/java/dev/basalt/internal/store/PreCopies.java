package dev.basalt.internal.store;

import dev.basalt.internal.checkpoint.CheckpointContent;
import dev.basalt.internal.env.CopySpace;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A background checkpoint's copies of every namespace's index and listing, taken with the
 * writers running ({@code TrackedCopy}): started under the append lock, copied after it is
 * released, and made exact when the checkpoint takes the lock again to capture the rest. The
 * writers then wait for what they stored during the copying to be copied again, not for the
 * whole copy (46 to 121 ms at 10,000,000 keys before).
 *
 * <p>Each {@link #mark} also notes how many keys the namespace owes its listing, and the
 * {@link #catchUp} after it reserves a room for the capture's copy of them ({@link OwedKeysRoom}),
 * so that the capture copies them into memory already touched.
 *
 * <p>A namespace created during the copying is copied whole under the lock; one dropped during
 * it is not in the checkpoint, and its copy is freed. A dropped namespace's memory must not be
 * released while {@link #copy} or {@link #catchUp} reads it: the caller holds the monitor that
 * the drop takes before it releases, and both skip a namespace already dropped (set under the
 * append lock before the release), whose memory may be gone.
 *
 * <p>One thread, the checkpoint's.
 */
final class PreCopies {
    private final Map<NamespaceState, NamespaceImages.StartedCopy> started = new IdentityHashMap<>();
    /** Per namespace: keys owed at the last {@link #mark}, and their bytes. */
    private final Map<NamespaceState, int[]> owedAtMark = new IdentityHashMap<>();
    /** Per namespace: the room its owed keys are copied into by the capture. */
    private final Map<NamespaceState, OwedKeysRoom> owedKeysRooms = new IdentityHashMap<>();

    /** Starts copies of every live namespace; under the append lock. */
    static PreCopies start(Namespaces namespaces) {
        return start(namespaces.all());
    }

    /** Starts copies of {@code states}; under the append lock. */
    static PreCopies start(java.util.Collection<NamespaceState> states) {
        PreCopies copies = new PreCopies();
        try {
            for (NamespaceState state : states) {
                copies.started.put(state, NamespaceImages.startCopy(state));
            }
        } catch (RuntimeException | Error e) {
            copies.discardRest();
            throw e;
        }
        return copies;
    }

    /**
     * Copies every started namespace not dropped since as it stands, in memory from {@code space};
     * without the append lock, inside the namespaces' memory monitor.
     */
    void copy(CopySpace space) {
        forEachNotDropped((state, copy) -> copy.copy(space));
    }

    /**
     * Under the append lock, after {@link #copy}: marks every copy for {@link #catchUp}. A
     * namespace whose listing was replaced since the start (a relayout) is left to the finish.
     * A plain loop, not {@link #forEachNotDropped}: its first run would link a lambda under the lock.
     */
    void mark() {
        for (Map.Entry<NamespaceState, NamespaceImages.StartedCopy> e : started.entrySet()) {
            NamespaceState state = e.getKey();
            if (!state.dropped()) {
                e.getValue().mark(state);
                OwedNewKeys owed = state.owedNewKeys();
                owedAtMark.put(state, new int[] {owed.owedKeys(), owed.owedKeyBytes()});
            }
        }
    }

    /**
     * Without the append lock, inside the namespaces' memory monitor: copies again what the
     * writers stored up to {@link #mark}, so that the capture's lock copies only what they stored
     * after it.
     */
    void catchUp(CopySpace space) {
        forEachNotDropped((state, copy) -> {
            copy.catchUp(space);
            int[] owed = owedAtMark.get(state);
            OwedKeysRoom room = owedKeysRooms.get(state);
            if (owed != null && (room == null || !room.fits(owed[0], owed[1]))) {
                owedKeysRooms.put(state, OwedKeysRoom.withSlack(owed[0], owed[1]));
            }
        });
    }

    /** The room {@link #catchUp} made for the capture's copy of the namespace's owed keys; null: none. */
    OwedKeysRoom owedKeysRoom(NamespaceState state) {
        return owedKeysRooms.get(state);
    }

    /** {@code step} for each started copy of a namespace not dropped since (whose memory may be gone). */
    private void forEachNotDropped(BiConsumer<NamespaceState, NamespaceImages.StartedCopy> step) {
        for (Map.Entry<NamespaceState, NamespaceImages.StartedCopy> e : started.entrySet()) {
            if (!e.getKey().dropped()) {
                step.accept(e.getKey(), e.getValue());
            }
        }
    }

    /** The namespace's exact copies: the pre-copy made up to date, or a whole copy; under the append lock. */
    CheckpointContent.Namespace finish(NamespaceState state, CopySpace space) {
        NamespaceImages.StartedCopy copy = started.remove(state);
        if (copy == null) {
            return NamespaceImages.copy(state, space);
        }
        try {
            return NamespaceImages.finishCopy(state, copy, space);
        } catch (RuntimeException | Error e) {
            copy.discard(); // what a finish did not hand over
            throw e;
        }
    }

    /** Frees the copies that were not finished: namespaces dropped meanwhile, or a capture that failed. */
    void discardRest() {
        for (NamespaceImages.StartedCopy copy : started.values()) {
            copy.discard();
        }
        started.clear();
    }
}
