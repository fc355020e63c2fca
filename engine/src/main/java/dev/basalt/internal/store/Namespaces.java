package dev.basalt.internal.store;

import dev.basalt.internal.compaction.SegmentUsage;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.listing.KeyListing;
import dev.basalt.internal.log.SegmentLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.agrona.DirectBuffer;

/**
 * The live namespaces of one open store, by name (for the API and compaction) and by number
 * (for expiry entries). Registration and removal run under the append lock; lookups by name are
 * lock-free.
 */
final class Namespaces {
    private final ConcurrentHashMap<String, NamespaceState> byName = new ConcurrentHashMap<>();
    private final SegmentLog log;
    private final long hashSeed;
    private final SegmentUsage usage;
    /** Told when an index nears its growth ({@link WorkAhead}). */
    private final Runnable growthNear;
    private ExpiryLedger expiry;
    /** Under the append lock. */
    private NamespaceState[] byId = new NamespaceState[8];
    private int nextId;

    Namespaces(SegmentLog log, long hashSeed, SegmentUsage usage, Runnable growthNear) {
        this.log = log;
        this.hashSeed = hashSeed;
        this.usage = usage;
        this.growthNear = growthNear;
    }

    /** The ledger the namespaces queue their expirations in; set once, before the first namespace. */
    void useExpiryLedger(ExpiryLedger ledger) {
        this.expiry = ledger;
    }

    /** A new namespace object with a fresh number; not yet visible by name ({@link #publish}). */
    NamespaceState create(String name, HashIndex index) {
        return create(name, index, new KeyListing());
    }

    /** {@link #create(String, HashIndex)} with a listing already built (from a checkpoint). */
    NamespaceState create(String name, HashIndex index, KeyListing listing) {
        int id = nextId++;
        if (id >= byId.length) {
            byId = Arrays.copyOf(byId, byId.length * 2);
        }
        index.onGrowthNear(growthNear);
        NamespaceState state = new NamespaceState(id, name, index, listing, log, hashSeed, expiry, usage);
        byId[id] = state;
        return state;
    }

    void publish(NamespaceState state) {
        byName.put(state.name(), state);
    }

    NamespaceState get(String name) {
        return byName.get(name);
    }

    /** The namespace whose name is these UTF-8 bytes, or null. */
    NamespaceState get(DirectBuffer name, int offset, int length) {
        return byName.get(name.getStringWithoutLengthUtf8(offset, length));
    }

    /** Forgets a dropped namespace; under the append lock. */
    void remove(NamespaceState state) {
        byName.remove(state.name(), state);
        byId[state.id()] = null;
    }

    /** True when namespace number {@code id} is live and holds the key at exactly {@code location}. */
    boolean holds(int id, long keyHash, long location) {
        NamespaceState ns = id < byId.length ? byId[id] : null;
        return ns != null && ns.holds(keyHash, location);
    }

    /** Namespace number {@code id}, or null once dropped; under the append lock. */
    NamespaceState byId(int id) {
        return id < byId.length ? byId[id] : null;
    }

    List<String> sortedNames() {
        List<String> names = new ArrayList<>(byName.keySet());
        names.sort(null);
        return names;
    }

    Collection<NamespaceState> all() {
        return byName.values();
    }

    /** True while the open left some listing to catch up on ({@link ListingCatchUp}); any thread. */
    boolean anyListingBehind() {
        for (NamespaceState ns : byName.values()) {
            if (ns.listingDebt() != null) {
                return true;
            }
        }
        return false;
    }

    long hashSeed() {
        return hashSeed;
    }

    int count() {
        return byName.size();
    }

    void clear() {
        byName.clear();
    }
}
