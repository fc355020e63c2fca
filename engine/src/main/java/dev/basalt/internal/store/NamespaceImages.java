package dev.basalt.internal.store;

import dev.basalt.internal.checkpoint.CheckpointContent;
import dev.basalt.internal.env.CopySpace;
import dev.basalt.internal.env.TrackedCopy;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.IndexImage;
import dev.basalt.internal.listing.ListingImage;

/**
 * A namespace's index and listing as a checkpoint takes them: as they stand (at close), or
 * copied while the writers run ({@link TrackedCopy}), made exact under the append lock.
 *
 * <p>Threads: as each method says; the copies are the caller's to free.
 */
final class NamespaceImages {
    private NamespaceImages() {
    }

    /** Reserves in {@code space} what {@link #copy} will take; any thread, no lock. */
    static void reserveCopy(NamespaceState ns, CopySpace space) {
        IndexImage.reserveCopy(ns.index(), space);
        ListingImage.reserveCopy(ns.relaid().current(), space);
    }

    /** The index and the listing as they stand, for a checkpoint; writers stopped. */
    static CheckpointContent.Namespace image(NamespaceState ns) {
        return new CheckpointContent.Namespace(ns.name(), ns.index(), ns.relaid().current());
    }

    /**
     * {@link #image} with copies of the index and listing, in memory from {@code space}, which
     * the caller frees; under the lock.
     */
    static CheckpointContent.Namespace copy(NamespaceState ns, CopySpace space) {
        HashIndex indexCopy = IndexImage.copy(ns.index(), space);
        try {
            return new CheckpointContent.Namespace(ns.name(), indexCopy,
                    ListingImage.copy(ns.relaid().current(), space));
        } catch (RuntimeException | Error e) {
            indexCopy.close();
            throw e;
        }
    }

    /**
     * Starts copies of the index and the listing that the writers run beside
     * ({@link TrackedCopy}); {@link #finishCopy} makes them exact. Under the lock.
     */
    static StartedCopy startCopy(NamespaceState ns) {
        return new StartedCopy(IndexImage.startCopy(ns.index()), ListingImage.startCopy(ns.relaid().current()));
    }

    /** What {@link #copy} gives, from {@link #startCopy}'s copies made exact; under the lock. */
    static CheckpointContent.Namespace finishCopy(NamespaceState ns, StartedCopy started, CopySpace space) {
        HashIndex indexCopy = IndexImage.finishCopy(ns.index(), started.index(), space);
        try {
            return new CheckpointContent.Namespace(ns.name(), indexCopy,
                    ListingImage.finishCopy(ns.relaid().current(), started.listing(), space));
        } catch (RuntimeException | Error e) {
            indexCopy.close();
            throw e;
        }
    }

    /** The index's and the listing's copies that {@link #startCopy} started. */
    record StartedCopy(TrackedCopy index, TrackedCopy listing) {
        /** The copying without the lock. */
        void copy(CopySpace space) {
            index.copy(space);
            listing.copy(space);
        }

        void discard() {
            index.discard();
            listing.discard();
        }
    }
}
