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
    static final class StartedCopy {
        private TrackedCopy index;
        private final TrackedCopy listing;
        private TrackedCopy.Mark indexMark;
        private TrackedCopy.Mark listingMark;
        /** The index's copy was started again, on a table that replaced the first: copy it whole. */
        private boolean indexRestarted;

        StartedCopy(TrackedCopy index, TrackedCopy listing) {
            this.index = index;
            this.listing = listing;
        }

        TrackedCopy index() {
            return index;
        }

        TrackedCopy listing() {
            return listing;
        }

        /** The copying without the lock. */
        void copy(CopySpace space) {
            index.copy(space);
            listing.copy(space);
        }

        /**
         * Under the lock, after {@link #copy}: marks both copies for {@link #catchUp}; an index
         * that replaced its table meanwhile (it grew: common during a load) gets a copy of the
         * new table started here, which the catch-up takes whole, rather than a whole copy of it
         * under the capture's lock.
         */
        void mark(NamespaceState ns) {
            indexMark = IndexImage.markCopy(ns.index(), index);
            if (indexMark == null) {
                index.discard();
                index = IndexImage.startCopy(ns.index());
                indexRestarted = true;
            }
            listingMark = ListingImage.markCopy(ns.relaid().current(), listing);
        }

        /** Without the lock: what the writers stored up to {@link #mark} copied again. */
        void catchUp(CopySpace space) {
            if (indexRestarted) {
                index.copy(space);
                indexRestarted = false;
            } else if (indexMark != null) {
                index.catchUp(indexMark, space);
            }
            if (listingMark != null) {
                listing.catchUp(listingMark, space);
            }
            indexMark = null;
            listingMark = null;
        }

        void discard() {
            index.discard();
            listing.discard();
        }
    }
}
