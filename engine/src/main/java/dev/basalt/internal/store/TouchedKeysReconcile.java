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
        int owed = 0;
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
                touched.keep(i, owed++, finals[i], plainness(touched, i, finals[i]));
            }
        }
        return new ListingBacklog(touched.keptAsOwed(owed));
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
