package dev.basalt.internal.store;

import dev.basalt.internal.env.Limits;
import dev.basalt.internal.index.HashIndex;

/**
 * The last step of an open from a checkpoint for one namespace: each key the replay after the
 * checkpoint touched is moved, in the live figures and the expiry ledger, from its checkpoint
 * location to its final one, and owed to the listing when its entry changes
 * ({@link ListingCatchUp} pays that after the open). In the replay's order: each record read
 * here is read in log order, so the reads stay sequential.
 *
 * <p>Threads: the opening thread, before the namespace is published.
 */
final class TouchedKeysReconcile {
    private TouchedKeysReconcile() {
    }

    /**
     * Reconciles {@code state}'s touched keys, whose final locations are {@code finals} (in
     * {@link TouchedKeys} order, {@code NO_LOCATION}: gone), and returns what the listing owes.
     */
    static ListingBacklog reconcile(NamespaceState state, TouchedKeys touched, long[] finals) {
        ListingBacklog listingOwes = new ListingBacklog();
        reserveForKeysComingOrGoing(listingOwes, touched, finals);
        for (int i = 0; i < touched.size(); i++) {
            if (finals[i] != HashIndex.NO_LOCATION && finals[i] == touched.firstLocation(i)
                    && touched.firstKind(i) == TouchedKeys.CHECKED_PLAIN_PUT) {
                // Still where the replay found it, which read its length: a plain put's record
                // is not read again (a cache miss a key, a tenth of a 10 M-key open after a kill).
                state.reconcileReplayed(touched.keyHash(i), touched.before(i), finals[i],
                        touched.firstLength(i), Limits.NO_EXPIRATION);
            } else {
                state.reconcileReplayed(touched.keyHash(i), touched.before(i), finals[i]);
            }
            if (state.listingChanges(touched.before(i), finals[i])) {
                listingOwes.add(touched.keys(), touched.keyOffset(i), touched.keyLength(i), finals[i],
                        plainness(touched, i, finals[i]));
            }
        }
        return listingOwes;
    }

    /**
     * Makes room in {@code listingOwes} for the touched keys the listing certainly owes, those
     * the replay added or removed (a load's tail: every one), so that it copies no array as it
     * grows: doubling to a 3.76 M-key tail took 7 % of a 10 M-key open after a kill's profile
     * samples on the opening thread, the room made at once 2.4 %. Keys whose plain flag changes
     * are not counted (that takes a read of both records).
     */
    private static void reserveForKeysComingOrGoing(ListingBacklog listingOwes, TouchedKeys touched, long[] finals) {
        int keys = 0;
        long keyBytes = 0;
        for (int i = 0; i < finals.length; i++) {
            if ((touched.before(i) == HashIndex.NO_LOCATION) != (finals[i] == HashIndex.NO_LOCATION)) {
                keys++;
                keyBytes += touched.keyLength(i);
            }
        }
        listingOwes.reserve(keys, keyBytes);
    }

    /**
     * Whether the record at {@code finalLocation} is plain, as the replay read it when it is the
     * record that first touched key {@code i}: {@link OwedKeys#PLAIN},
     * {@link OwedKeys#NOT_PLAIN}, else {@link OwedKeys#UNKNOWN}.
     */
    private static byte plainness(TouchedKeys touched, int i, long finalLocation) {
        if (finalLocation == HashIndex.NO_LOCATION || finalLocation != touched.firstLocation(i)) {
            return OwedKeys.UNKNOWN;
        }
        switch (touched.firstKind(i)) {
            case TouchedKeys.CHECKED_PLAIN_PUT:
                return OwedKeys.PLAIN;
            case TouchedKeys.CHECKED_PUT:
                return OwedKeys.NOT_PLAIN;
            default:
                return OwedKeys.UNKNOWN;
        }
    }
}
