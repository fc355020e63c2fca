package dev.basalt.internal.expiry;

/**
 * Off-heap min-priority queue of {@code (expirationEpochSeconds, namespaceId, keyHash,
 * location)} entries, one per record written with an expiration: a 4-ary heap of 32-byte
 * entries in chunked direct buffers ({@link EntrySlots}), with no Java object per entry.
 *
 * <h2>Thread ownership</h2>
 * NOT thread-safe. Every method, {@link #size()} and {@link #offHeapBytes()} included, runs
 * under the caller's lock (the store's append lock), which also orders the queue against the
 * index it describes. Nothing here blocks, allocates on the Java heap per entry, or reads a
 * clock: "now" is always an argument.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>Heap order: no entry is less than its parent, in the order expiration, location,
 *       namespace id, key hash ({@link EntrySlots#less}); so the root is the next to expire,
 *       and ties on the second come out oldest write first (locations grow with the log).</li>
 *   <li>Entry {@code i} lives in slot {@code i + ROOT_SLOT}: the four children of entry
 *       {@code i}, {@code 4i+1..4i+4}, are slots {@code 4(i+1)..4(i+1)+3}, one 128-byte group on
 *       two whole cache lines.</li>
 *   <li>{@code size + ROOT_SLOT <= capacitySlots}, and at most one whole chunk beyond the one
 *       holding the last entry is kept (hysteresis, so a queue that hovers at a chunk boundary
 *       does not allocate and free 1 MiB on every add and poll).</li>
 * </ol>
 *
 * <h2>Stale entries</h2>
 * The queue never learns about overwrites or deletes: an entry whose record was superseded
 * stays until it comes due, and the consumer of {@link #pollDue} then finds that the index no
 * longer points at its location (one probe, no purge). Under a churn of re-puts with long
 * TTLs those entries would pile up, so the owner calls {@link #removeIf} with a "no longer
 * current" predicate when {@link #size()} exceeds twice its count of live keys with an
 * expiration (above a small floor). Every live TTL'd key has exactly one current entry, so
 * such a rebuild removes more than half of what it scans, and each entry it removes was made
 * stale by one overwrite or delete: O(n) a rebuild, O(1) amortised per write, and the queue
 * never holds more than twice the live TTL'd keys (or the floor).
 *
 * <h2>Why a 4-ary heap, with numbers</h2>
 * <ul>
 *   <li><b>Heap (chosen).</b> 32 bytes an entry and no pointers: 32.5 bytes per entry at
 *       1,000,000 entries (31 chunks of 1 MiB) and 32.1 at 10,000,000 (306 chunks). Adds are
 *       O(1) expected: a new entry expires at now + TTL, usually later than most of the queue,
 *       so it stops after about one comparison at the bottom; recovery adds in hash order,
 *       random in time, which is also O(1) expected. A poll walks down log4(10^7) = 11.6 levels
 *       (a binary heap: 23.3) reading one two-line group per level; the top five levels (341
 *       entries, 11 KB) stay in L1, so a poll at 10,000,000 costs about 7 x 2 cache misses,
 *       around 1 us, or about 1 ms per batch of 1000. The heap does not care what "now" is, so
 *       clock jumps in either direction cost nothing ({@link #peekExpiration} is O(1)).</li>
 *   <li><b>Hashed timer wheel</b> (Agrona's {@code DeadlineTimerWheel}, Kafka's and Netty's
 *       wheels): O(1) add and expire, but expirations range from 60 s to years. A one-level
 *       wheel of 2^16 one-second ticks (18 h) visits a 30-day entry 40 times; a wheel over a
 *       year needs 31.5 million buckets, 252 MB of bucket heads when empty. A hierarchical
 *       wheel (4 levels of 256) cascades each entry up to 3 times and needs buckets as
 *       linked lists: an 8-byte next pointer makes 40 bytes an entry, plus a free list.
 *       A forward jump of a week walks 604,800 ticks; a backward jump puts new entries
 *       behind the cursor. Agrona's wheel stores only a deadline per timer id on the Java
 *       heap, so the 28 bytes of payload would need a side table as well.</li>
 *   <li><b>Skip list</b> (off-heap): 32 bytes plus 1.33 forward pointers at p = 1/4, about
 *       43 bytes an entry, a node allocator for towers of varying height, and O(log n)
 *       pointer-chasing on every add. Its strengths, ordered iteration and unlinking a given
 *       node, are not needed here: stale entries are checked when due, never unlinked.</li>
 * </ul>
 *
 * <h2>Limits</h2>
 * At most {@link #MAX_ENTRIES} entries (64 GiB of direct memory); an add beyond that throws
 * {@link IllegalStateException} and leaves the queue unchanged.
 */
public final class ExpiryQueue implements AutoCloseable {
    /** What {@link #peekExpiration()} returns when the queue is empty: never due. */
    public static final long NEVER_DUE = Long.MAX_VALUE;
    /** 2^31 entries, 64 GiB; far beyond what one store's indexes hold. */
    public static final long MAX_ENTRIES = 1L << 31;

    /** Entry 0 sits in slot 3, so every group of four siblings starts at a multiple of four. */
    static final int ROOT_SLOT = 3;
    private static final int ARITY_SHIFT = 2;

    private final EntrySlots slots;
    private long size;
    private boolean closed;

    /** An empty queue; no direct memory until the first {@link #add}. */
    public ExpiryQueue() {
        this(EntrySlots.DEFAULT_CHUNK_SHIFT);
    }

    /** An empty queue whose chunks hold {@code 2^chunkShift} entries (tests use tiny chunks). */
    ExpiryQueue(int chunkShift) {
        this.slots = new EntrySlots(chunkShift);
    }

    /**
     * Queues one entry. O(1) expected for entries that expire later than most (new puts), O(log n)
     * at worst. May add a chunk of direct memory.
     *
     * @param expirationEpochSeconds when the record expires
     * @param namespaceId            the store's id of the record's namespace
     * @param keyHash                the key's hash, as the namespace's index holds it
     * @param location               the record's location, as the index holds it
     * @throws IllegalStateException if closed or at {@link #MAX_ENTRIES}
     */
    public void add(long expirationEpochSeconds, int namespaceId, long keyHash, long location) {
        checkOpen();
        if (size == MAX_ENTRIES) {
            throw new IllegalStateException("expiry queue full: size=" + size + " is MAX_ENTRIES");
        }
        while (slot(size) >= slots.capacitySlots()) {
            slots.addChunk();
        }
        long i = size;
        while (i > 0) {
            final long parent = parent(i);
            if (slots.compare(expirationEpochSeconds, location, namespaceId, keyHash, slot(parent)) >= 0) {
                break;
            }
            slots.copy(slot(parent), slot(i));
            i = parent;
        }
        slots.put(slot(i), expirationEpochSeconds, namespaceId, keyHash, location);
        size++;
    }

    /** The earliest expiration queued, or {@link #NEVER_DUE} when empty (or closed). O(1). */
    public long peekExpiration() {
        return size == 0 ? NEVER_DUE : slots.expiration(slot(0));
    }

    /**
     * Removes up to {@code maxEntries} entries that expire at or before {@code nowEpochSeconds}
     * and hands each to the consumer, earliest first. Each entry is removed before the consumer
     * sees it, so a consumer that throws loses only that entry and leaves a valid queue; it may
     * call {@link #add} but not {@link #pollDue}, {@link #removeIf}, {@link #clear} or {@link #close}.
     *
     * @return how many entries were handed over, {@code 0..maxEntries}
     * @throws IllegalArgumentException if {@code maxEntries < 0}
     * @throws IllegalStateException    if closed
     */
    public int pollDue(long nowEpochSeconds, int maxEntries, DueEntryConsumer consumer) {
        checkOpen();
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries=" + maxEntries + " must be >= 0");
        }
        int polled = 0;
        try {
            while (polled < maxEntries && size > 0 && slots.expiration(slot(0)) <= nowEpochSeconds) {
                final long root = slot(0);
                final long expirationEpochSeconds = slots.expiration(root);
                final int namespaceId = slots.namespaceId(root);
                final long keyHash = slots.keyHash(root);
                final long location = slots.location(root);
                removeRoot();
                polled++;
                consumer.accept(expirationEpochSeconds, namespaceId, keyHash, location);
            }
        } finally {
            releaseSpareChunks();
        }
        return polled;
    }

    /**
     * Removes every entry for which {@code stale} answers true, then restores heap order: O(n)
     * (Floyd's bottom-up heapify). The owner's tool against growth by stale entries (see the
     * class Javadoc). If the predicate throws, the entries it has not judged yet are kept, the
     * queue stays valid and the exception propagates. The predicate must not touch this queue.
     *
     * @return how many entries were removed
     * @throws IllegalStateException if closed
     */
    public long removeIf(EntryPredicate stale) {
        checkOpen();
        final long before = size;
        long kept = 0;
        long judged = 0;
        try {
            for (; judged < before; judged++) {
                final long from = slot(judged);
                if (!stale.test(slots.expiration(from), slots.namespaceId(from), slots.keyHash(from),
                    slots.location(from))) {
                    if (kept != judged) {
                        slots.copy(from, slot(kept));
                    }
                    kept++;
                }
            }
        } finally {
            // Normally nothing is left to judge; after a throw the rest is kept as it is.
            for (long unjudged = judged; unjudged < before; unjudged++) {
                slots.copy(slot(unjudged), slot(kept++));
            }
            size = kept;
            heapify();
            releaseSpareChunks();
        }
        return before - size;
    }

    /** Entries queued, stale ones included; 0 once closed. */
    public long size() {
        return size;
    }

    /** Direct memory held, alignment padding and any spare chunk included; 0 once closed. */
    public long offHeapBytes() {
        return slots.offHeapBytes();
    }

    /**
     * Removes every entry and frees all chunks but one (kept for the next adds).
     *
     * @throws IllegalStateException if closed
     */
    public void clear() {
        checkOpen();
        size = 0;
        releaseSpareChunks();
    }

    /** Frees all direct memory. Idempotent; afterwards only size, peek and offHeapBytes work. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        size = 0;
        slots.freeChunksAbove(0);
    }

    /** Receives the entries {@link #pollDue} removes. */
    @FunctionalInterface
    public interface DueEntryConsumer {
        /** One due entry, already removed from the queue. */
        void accept(long expirationEpochSeconds, int namespaceId, long keyHash, long location);
    }

    /** Judges entries for {@link #removeIf}. */
    @FunctionalInterface
    public interface EntryPredicate {
        /** True if the entry is stale and should be removed. */
        boolean test(long expirationEpochSeconds, int namespaceId, long keyHash, long location);
    }

    /** Direct memory a queue of {@code entries} entries holds after growing by adds alone. */
    static long offHeapBytesForEntries(long entries) {
        return EntrySlots.offHeapBytesForChunks(EntrySlots.DEFAULT_CHUNK_SHIFT,
            chunksFor(entries, EntrySlots.DEFAULT_CHUNK_SHIFT));
    }

    /** Chunks in use; for tests. */
    int chunkCount() {
        return slots.chunkCount();
    }

    /**
     * Checks heap order and the chunk bounds by a full scan; O(n), for tests.
     *
     * @throws AssertionError naming the first broken invariant
     */
    void verifyInvariants() {
        final long needed = chunksFor(size, slots.chunkShift);
        check(slots.chunkCount() >= needed && slots.chunkCount() <= needed + 1,
            "chunkCount=" + slots.chunkCount() + " for size=" + size + " (needs " + needed + ")");
        for (long i = 1; i < size; i++) {
            check(!slots.less(slot(i), slot(parent(i))), "entry " + i + " is less than its parent " + parent(i));
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    /** Moves the last entry into the root's place and sifts it down. */
    private void removeRoot() {
        size--;
        if (size > 0) {
            final long last = slot(size);
            siftDown(0, slots.expiration(last), slots.namespaceId(last), slots.keyHash(last), slots.location(last));
        }
    }

    /**
     * Places the given entry at index {@code i} or below: while its smallest child is less,
     * that child moves up one level. The entry's own slot is treated as a hole.
     */
    private void siftDown(long i, long expirationEpochSeconds, int namespaceId, long keyHash, long location) {
        while (true) {
            final long firstChild = (i << ARITY_SHIFT) + 1;
            if (firstChild >= size) {
                break;
            }
            final long lastChild = Math.min(firstChild + 3, size - 1);
            long smallest = firstChild;
            for (long child = firstChild + 1; child <= lastChild; child++) {
                if (slots.less(slot(child), slot(smallest))) {
                    smallest = child;
                }
            }
            if (slots.compare(expirationEpochSeconds, location, namespaceId, keyHash, slot(smallest)) <= 0) {
                break;
            }
            slots.copy(slot(smallest), slot(i));
            i = smallest;
        }
        slots.put(slot(i), expirationEpochSeconds, namespaceId, keyHash, location);
    }

    /** Floyd: sift down every parent, last first; O(n) because most entries are near the bottom. */
    private void heapify() {
        if (size < 2) {
            return;
        }
        for (long i = parent(size - 1); i >= 0; i--) {
            final long s = slot(i);
            siftDown(i, slots.expiration(s), slots.namespaceId(s), slots.keyHash(s), slots.location(s));
        }
    }

    private void releaseSpareChunks() {
        final long keep = chunksFor(size, slots.chunkShift) + 1;
        if (keep < slots.chunkCount()) {
            slots.freeChunksAbove((int) keep);
        }
    }

    /** Chunks that entries {@code 0..entries-1} occupy. */
    private static long chunksFor(long entries, int chunkShift) {
        return entries == 0 ? 0 : ((entries - 1 + ROOT_SLOT) >>> chunkShift) + 1;
    }

    private static long parent(long i) {
        return (i - 1) >>> ARITY_SHIFT;
    }

    private static long slot(long i) {
        return i + ROOT_SLOT;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("expiry queue is closed");
        }
    }
}
