package dev.basalt.internal.listing;

import static dev.basalt.internal.listing.NodeArena.NIL;
import static dev.basalt.internal.listing.NodeLayout.HEADER_OFFSET;
import static dev.basalt.internal.listing.NodeLayout.MAX_LEVEL;
import static dev.basalt.internal.listing.NodeLayout.PLAIN_FLAG;
import static dev.basalt.internal.listing.NodeLayout.REMOVED_FLAG;

import java.util.concurrent.ThreadLocalRandom;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The keys of one namespace as an ordered set, in ascending unsigned byte order (for UTF-8,
 * code-point order), held off the Java heap: a skip list whose nodes
 * ({@link NodeLayout}: header, next pointers, key bytes) are cut from a {@link NodeArena} of
 * direct buffers. No Java object per key.
 *
 * <h2>Thread ownership</h2>
 * <ul>
 *   <li>{@link #insert}, {@link #remove}, {@link #reclaim} and {@link #close}: one writer at a
 *       time; the caller serialises them.</li>
 *   <li>{@link #scan}, {@link #walk} and {@link #contains}: any number of threads, lock-free,
 *       allocation-free, never blocking and never retrying, also while the writer runs and the
 *       arena grows.</li>
 *   <li>{@link #size}, {@link #offHeapBytes}, {@link #removedBytesPending}, {@link #freeBytes}:
 *       any thread, a recent figure (exact on the writer thread).</li>
 * </ul>
 *
 * <h2>Reclaim protocol (who may reuse a removed node, and when)</h2>
 * {@link #remove} unlinks a node but leaves its bytes intact ("retired"): a reader may be on it
 * or about to follow a pointer to it, and it keeps following the node's frozen pointers. The
 * node's memory is reused only after {@link #reclaim}, which the writer may call only when
 * every reader that started before the node's removal has left. With the store's
 * {@code ReadEpochs}, where every {@code scan} or {@code contains} runs between
 * {@code enter()} and {@code exit()}:
 * <pre>
 *   (writer role held)   listing.remove(...) ...     // nodes retired
 *   (writer role held)   epochs.awaitReaders();       // readers from before have left
 *   (writer role held)   listing.reclaim();           // retired nodes onto the free lists
 * </pre>
 * The writer must not call {@code remove} between {@code awaitReaders()} and {@code reclaim()}
 * (a node retired in between could still have a reader). Why this is enough: a reader that
 * enters after a node's removal can never reach it. Live nodes point only at live nodes, and a
 * retired node's pointers are frozen at its removal, when they pointed at nodes live then; so
 * every node a reader reaches was live at some moment after the reader entered.
 * {@link #removedBytesPending} says how much memory a reclaim would make reusable.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>Every next pointer, of a live or a retired node, points at a node with a strictly
 *       greater key, or is NIL. (Insertion links a node between its predecessor and
 *       successor; removal sets predecessors to the removed node's successors; retired nodes'
 *       pointers never change.) So every traversal is strictly ascending.</li>
 *   <li>Level {@code i > 0} lists are sublists of level {@code i - 1}; a node of level
 *       {@code L} is on levels {@code 0..L-1}.</li>
 *   <li>A node is fully written (header, key, all its next pointers) before the release store
 *       that links it at level 0, and it is linked bottom-up, so a reader that finds it at any
 *       level sees it complete. Readers load pointers and headers with acquire.</li>
 *   <li>A node linked into the list is never marked removed; {@link #remove} sets the
 *       {@link NodeLayout#REMOVED_FLAG} (release) before it unlinks the node, and scans skip
 *       flagged nodes.</li>
 *   <li>A node's {@link NodeLayout#PLAIN_FLAG} is set only when the node is written and is only
 *       ever cleared (release): a reader that sees it set saw the key before its first record
 *       with an expiration or metadata, as long as the writer clears it first
 *       ({@link #clearPlain}).</li>
 * </ol>
 *
 * <h2>What a concurrent reader sees</h2>
 * A key present for the reader's whole traversal is visited exactly once (no pointer it
 * follows can jump over a live key, by invariant 1); keys come strictly ascending; a key whose
 * removal began (flag set) before the reader reached it is not visited. A key inserted or
 * removed while the reader runs may or may not be visited.
 *
 * <h2>Why a skip list, and what it costs</h2>
 * The alternatives it was chosen over, with their figures, the cost of a seek and of a page, and
 * how an open takes it from a checkpoint ({@link ListingImage}): {@code docs/listing.md}.
 */
public final class KeyListing implements AutoCloseable {
    /** Address of the head node, a node of level 16 with an empty key that no pointer targets. */
    static final int HEAD = 0;
    /** No node header is negative (bit 31 is never set), so this stands for "no node". */
    private static final int ABSENT = -1;

    final NodeArena arena;
    /** Writer scratch: the rightmost node before the key at each level. */
    private final int[] predecessors = new int[MAX_LEVEL];
    private final InsertFinger finger = new InsertFinger(this);
    /** Node levels; a checkpoint keeps its state. Writer-only. */
    final TowerHeights heights;
    /** Highest level that has ever held a node; readers start their descent there. */
    volatile int topLevel = 1;
    /** Written only by the writer. */
    volatile long size;
    /** Writer-only. */
    private boolean closed;

    /** An empty listing; takes 4 KiB of direct memory. */
    public KeyListing() {
        this(ThreadLocalRandom.current().nextLong());
    }

    /** An empty listing whose node levels come from {@code seed}; for reproducible tests. */
    KeyListing(long seed) {
        this.arena = new NodeArena();
        this.heights = new TowerHeights(seed);
        final int head = arena.allocate(NodeLayout.nodeBytes(0, MAX_LEVEL));
        assert head == HEAD : "head=" + head;
        // Fresh chunk memory is zeroed: every next pointer of the head starts as NIL.
        arena.chunk(HEAD).putIntRelease(NodeArena.offset(HEAD) + HEADER_OFFSET, NodeLayout.header(0, MAX_LEVEL));
    }

    /** A listing over {@code arena} as {@link ListingImage#copy} or a checkpoint left it. */
    KeyListing(NodeArena arena, long randomState, int topLevel, long size) {
        this.arena = arena;
        this.heights = new TowerHeights(randomState);
        this.topLevel = topLevel;
        this.size = size;
    }

    /**
     * Adds the key, not flagged plain: O(log n), or O(log g) when it sorts g keys after the
     * previous insert, for g up to about 256 ({@link InsertFinger}). Writer.
     *
     * @return false if the key was already present
     * @throws IllegalArgumentException if the key is not 1..512 bytes within the buffer
     * @throws IllegalStateException    if closed or full
     */
    public boolean insert(DirectBuffer key, int offset, int length) {
        return insert(key, offset, length, false);
    }

    /**
     * Adds the key, flagged {@code plain} when its live record has no expiration and no metadata
     * ({@link NodeLayout}), at the cost of {@link #insert(DirectBuffer, int, int)}. A key already
     * present keeps its node, which loses the flag unless {@code plain}: the flag may only ever
     * claim too little. Writer.
     *
     * @return false if the key was already present
     * @throws IllegalArgumentException if the key is not 1..512 bytes within the buffer
     * @throws IllegalStateException    if closed or full
     */
    public boolean insert(DirectBuffer key, int offset, int length, boolean plain) {
        checkOpen();
        KeyBounds.checkKey(key, offset, length);
        final int placed = finger.place(key, offset, length, predecessors);
        if (placed == InsertFinger.PRESENT || placed == InsertFinger.MISSED && findPredecessors(key, offset, length)) {
            if (!plain) {
                clearPlainFlag(next(predecessors[0], 0));
            }
            return false;
        }
        final int node = linkNode(key, offset, length, plain, predecessors);
        finger.inserted(node, NodeLayout.level(header(node)), predecessors);
        return true;
    }

    /**
     * Takes the plain flag off the key's node: O(log n). Call it before the key's first record
     * with an expiration or metadata becomes visible, so that no reader that could see that
     * record lists the key as plain. Writer.
     *
     * @return whether the key's node had the flag
     * @throws IllegalArgumentException if the key is not 1..512 bytes within the buffer
     * @throws IllegalStateException    if closed
     */
    public boolean clearPlain(DirectBuffer key, int offset, int length) {
        checkOpen();
        KeyBounds.checkKey(key, offset, length);
        return findPredecessors(key, offset, length) && clearPlainFlag(next(predecessors[0], 0));
    }

    private boolean clearPlainFlag(int node) {
        final UnsafeBuffer chunk = arena.chunk(node);
        final int at = NodeArena.offset(node);
        final int header = chunk.getInt(at + HEADER_OFFSET);
        if (!NodeLayout.isPlain(header)) {
            return false;
        }
        chunk.putIntRelease(at + HEADER_OFFSET, header & ~PLAIN_FLAG);
        arena.wrote(node, HEADER_OFFSET, Integer.BYTES);
        return true;
    }

    /**
     * Writes a node for the key at a random level and links it after {@code before[i]} on each
     * of its levels (the rightmost node before the key there, {@link #predecessors}). Returns
     * the node.
     */
    private int linkNode(DirectBuffer key, int offset, int length, boolean plain, int[] before) {
        final int level = heights.next();
        final int node = arena.allocate(NodeLayout.nodeBytes(length, level));
        final UnsafeBuffer chunk = arena.chunk(node);
        final int at = NodeArena.offset(node);
        // Plain stores: no reader can reach this memory until the release stores below
        // (fresh memory, or a node reclaimed after every reader that knew it left).
        chunk.putInt(at + HEADER_OFFSET, NodeLayout.header(length, level, plain));
        chunk.putBytes(at + NodeLayout.keyOffset(level), key, offset, length);
        for (int i = 0; i < level; i++) {
            chunk.putInt(at + NodeLayout.nextOffset(i), next(before[i], i));
        }
        arena.wrote(node, 0, NodeLayout.nodeBytes(length, level));
        for (int i = 0; i < level; i++) { // bottom-up (invariant 3)
            putNextRelease(before[i], i, node);
        }
        if (level > topLevel) {
            topLevel = level;
        }
        size = size + 1;
        return node;
    }

    /**
     * Removes the key. Its node stays readable until {@link #reclaim}. Writer.
     *
     * @return false if the key was absent
     * @throws IllegalArgumentException if the key is not 1..512 bytes within the buffer
     * @throws IllegalStateException    if closed
     */
    public boolean remove(DirectBuffer key, int offset, int length) {
        checkOpen();
        KeyBounds.checkKey(key, offset, length);
        finger.forget();
        if (!findPredecessors(key, offset, length)) {
            return false;
        }
        final int node = next(predecessors[0], 0);
        final UnsafeBuffer chunk = arena.chunk(node);
        final int at = NodeArena.offset(node);
        final int header = chunk.getInt(at + HEADER_OFFSET);
        chunk.putIntRelease(at + HEADER_OFFSET, header | REMOVED_FLAG); // invariant 4: flag first
        arena.wrote(node, HEADER_OFFSET, Integer.BYTES);
        for (int i = NodeLayout.level(header) - 1; i >= 0; i--) {
            assert next(predecessors[i], i) == node : "level " + i + " predecessor does not point at the node";
            putNextRelease(predecessors[i], i, chunk.getInt(at + NodeLayout.nextOffset(i)));
        }
        arena.retire(node, NodeLayout.nodeBytes(header));
        size = size - 1;
        return true;
    }

    /**
     * Whether the key is present. Any thread, lock-free; false after {@link #close}.
     *
     * @throws IllegalArgumentException if the key is not 1..512 bytes within the buffer
     */
    public boolean contains(DirectBuffer key, int offset, int length) {
        return liveHeader(key, offset, length) != ABSENT;
    }

    /**
     * Whether the key is present and flagged plain ({@link NodeLayout}). Any thread, lock-free;
     * false after {@link #close}.
     *
     * @throws IllegalArgumentException if the key is not 1..512 bytes within the buffer
     */
    public boolean isPlain(DirectBuffer key, int offset, int length) {
        final int header = liveHeader(key, offset, length);
        return header != ABSENT && NodeLayout.isPlain(header);
    }

    /** The header of the key's node, or {@link #ABSENT} when the key is not present. */
    private int liveHeader(DirectBuffer key, int offset, int length) {
        KeyBounds.checkKey(key, offset, length);
        return liveHeaderAt(seek(key, offset, length, true), key, offset, length);
    }

    /** Whether {@code node} (NIL: none) holds the key and is not removed. Any thread. */
    boolean holdsLiveKey(int node, DirectBuffer key, int offset, int length) {
        return liveHeaderAt(node, key, offset, length) != ABSENT;
    }

    /** The header of {@code node} (NIL: none) if it holds the key and is not removed, else ABSENT. */
    private int liveHeaderAt(int node, DirectBuffer key, int offset, int length) {
        if (node == NIL) {
            return ABSENT;
        }
        final UnsafeBuffer chunk = arena.chunk(node);
        final int at = NodeArena.offset(node);
        final int header = chunk.getIntAcquire(at + HEADER_OFFSET);
        final boolean present = !NodeLayout.isRemoved(header)
            && UnsignedBytes.compare(chunk, at + NodeLayout.keyOffset(NodeLayout.level(header)),
                NodeLayout.keyLength(header), key, offset, length) == 0;
        return present ? header : ABSENT;
    }

    /**
     * Visits keys in ascending unsigned byte order: those that start with {@code prefix} and
     * come after {@code from} ({@code >= from} when {@code inclusive}), or, when
     * {@code fromLength} is 0, every key that starts with the prefix. Keys go to the visitor in
     * batches of up to {@code batch.capacity()}, and never more than are left to count, so the
     * visitor cannot count past {@code maxKeys}. Stops when {@code maxKeys} keys were counted or
     * at the first key past the prefix range. Any thread, lock-free, allocation-free; visits
     * nothing after {@link #close}.
     *
     * <p>Costs one O(log n) seek and one step per key visited; keys outside the prefix are
     * never walked over, because the keys with a given prefix are contiguous in this order.
     *
     * @param from         where to start; may be null when {@code fromLength} is 0
     * @param inclusive    whether a key equal to {@code from} is visited
     * @param prefix       the prefix every visited key starts with; may be null when
     *                     {@code prefixLength} is 0 (no prefix)
     * @param maxKeys      how many counted keys end the scan, {@code >= 1}
     * @param batch        the caller's scratch space, refilled for each visit
     * @param visitor      receives each batch
     * @return the number of keys the visitor counted
     * @throws IllegalArgumentException if a length is outside 0..512 or a range outside its
     *                                  buffer, or {@code maxKeys < 1}
     * @throws IllegalStateException    if the visitor counts more keys than its batch held
     */
    public int scan(DirectBuffer from, int fromOffset, int fromLength, boolean inclusive,
                    DirectBuffer prefix, int prefixOffset, int prefixLength,
                    int maxKeys, KeyBatch batch, KeyBatch.Visitor visitor) {
        return ListingWalk.scan(this, from, fromOffset, fromLength, inclusive, prefix, prefixOffset, prefixLength,
            maxKeys, batch, visitor);
    }

    /**
     * Walks the keys between {@code from} and {@code to} in either direction, in unsigned byte
     * order: ascending visits keys {@code >= from} ({@code > from} when not
     * {@code fromInclusive}) up to {@code to}; descending visits keys {@code <= from}
     * ({@code < from}) down to {@code to}. A {@code fromLength} of 0 starts at the first key
     * (ascending) or the last (descending); a {@code toLength} of 0 sets no far bound. Keys go to
     * the visitor in batches, as in {@link #scan}, never more than are left to count and never
     * past {@code to}. Any thread, lock-free, allocation-free; visits nothing after
     * {@link #close}. Concurrent writers: the same guarantees as {@link #scan}.
     *
     * <p>Cost: ascending, one O(log n) seek then one hop per key; descending, one O(log n) seek
     * then a short search per key that starts from the previous one's path ({@link ListingWalk}).
     *
     * @param from          where to start; may be null when {@code fromLength} is 0
     * @param fromInclusive whether a key equal to {@code from} is visited
     * @param to            the far bound; may be null when {@code toLength} is 0
     * @param toInclusive   whether a key equal to {@code to} is visited
     * @param descending    walk toward smaller keys
     * @param maxKeys       how many counted keys end the walk, {@code >= 1}
     * @param batch         the caller's scratch space, refilled for each visit
     * @param visitor       receives each batch and says how many of its keys count
     * @return the number of keys the visitor counted
     * @throws IllegalArgumentException if a bound's length is outside 0..512 or its range outside
     *                                  its buffer, or {@code maxKeys < 1}
     * @throws IllegalStateException    if the visitor counts more keys than its batch held
     */
    public int walk(DirectBuffer from, int fromOffset, int fromLength, boolean fromInclusive,
                    DirectBuffer to, int toOffset, int toLength, boolean toInclusive, boolean descending,
                    int maxKeys, KeyBatch batch, KeyBatch.Visitor visitor) {
        return ListingWalk.walk(this, from, fromOffset, fromLength, fromInclusive, to, toOffset, toLength,
            toInclusive, descending, maxKeys, batch, visitor);
    }

    /**
     * Makes the memory of every removed node reusable. Call only as the reclaim protocol in
     * the class comment says: after every reader that started before the removals has left,
     * with no removal since. Writer.
     *
     * @return bytes made reusable
     * @throws IllegalStateException if closed
     */
    public long reclaim() {
        checkOpen();
        return arena.reclaimRetired();
    }

    /** Bytes of removed nodes that {@link #reclaim} would make reusable. Any thread. */
    public long removedBytesPending() {
        return arena.retiredBytes();
    }

    /** Bytes of reclaimed nodes waiting on free lists for an insert to reuse. Any thread. */
    public long freeBytes() {
        return arena.freeBytes();
    }

    /** Number of keys. Any thread; exact on the writer thread. */
    public long size() {
        return size;
    }

    /**
     * Direct memory held: node chunks (live, removed and free nodes, and unused chunk tails)
     * and the list of removed nodes. 0 once closed. Any thread.
     */
    public long offHeapBytes() {
        return arena.offHeapBytes();
    }

    /**
     * Frees all memory now. The caller guarantees that no reader is inside {@link #scan} or
     * {@link #contains} and that none will enter (a later one finds nothing; every writer
     * method throws {@link IllegalStateException}). Idempotent. Writer.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        size = 0;
        arena.close();
    }

    /**
     * Checks every invariant by a full walk; O(n * levels), for tests. Writer thread.
     *
     * @throws AssertionError naming the first broken invariant
     */
    void verifyInvariants() {
        ListingInvariants.verify(this);
    }

    /**
     * Fills {@link #predecessors} for the key: at each level, the last node whose key is
     * smaller. Writer-only (plain loads suffice: only this thread stores).
     *
     * @return whether the key is present
     */
    private boolean findPredecessors(DirectBuffer key, int offset, int length) {
        final int top = topLevel;
        for (int i = MAX_LEVEL - 1; i >= top; i--) {
            predecessors[i] = HEAD;
        }
        return descend(HEAD, top - 1, key, offset, length, predecessors);
    }

    /**
     * Fills {@code before[0..level]} for the key by a descent that starts on {@code level} at
     * {@code node}, which must sort before the key and be on that level. Writer-only.
     *
     * @return whether the key is present
     */
    boolean descend(int node, int level, DirectBuffer key, int offset, int length, int[] before) {
        int next = NIL;
        for (int i = level; i >= 0; i--) {
            next = next(node, i);
            while (next != NIL && sortsBefore(next, key, offset, length, true)) {
                node = next;
                next = next(node, i);
            }
            before[i] = node;
        }
        return next != NIL && compareKey(next, key, offset, length) == 0;
    }

    /**
     * The first node (live or retired) whose key is {@code >= target} ({@code > target} when
     * not inclusive), or NIL. Any thread. Returns the pointer it tested rather than loading it
     * again: a node inserted in between could sort before the target.
     */
    int seek(DirectBuffer target, int offset, int length, boolean inclusive) {
        int node = HEAD;
        int next = NIL;
        for (int i = topLevel - 1; i >= 0; i--) {
            next = nextAcquire(node, i);
            while (next != NIL && sortsBefore(next, target, offset, length, inclusive)) {
                node = next;
                next = nextAcquire(node, i);
            }
        }
        return next;
    }

    /** Whether the node's key sorts before the target ({@code <=} it when not {@code strictly}). */
    boolean sortsBefore(int node, DirectBuffer target, int offset, int length, boolean strictly) {
        final int c = compareKey(node, target, offset, length);
        return strictly ? c < 0 : c <= 0;
    }

    int compareKey(int node, DirectBuffer key, int offset, int length) {
        final UnsafeBuffer chunk = arena.chunk(node);
        final int at = NodeArena.offset(node);
        final int header = chunk.getIntAcquire(at + HEADER_OFFSET);
        return UnsignedBytes.compare(chunk, at + NodeLayout.keyOffset(NodeLayout.level(header)),
            NodeLayout.keyLength(header), key, offset, length);
    }

    int header(int node) {
        return arena.chunk(node).getInt(NodeArena.offset(node) + HEADER_OFFSET);
    }

    /** Plain load, for the writer. */
    int next(int node, int level) {
        return arena.chunk(node).getInt(NodeArena.offset(node) + NodeLayout.nextOffset(level));
    }

    int nextAcquire(int node, int level) {
        return arena.chunk(node).getIntAcquire(NodeArena.offset(node) + NodeLayout.nextOffset(level));
    }

    private void putNextRelease(int node, int level, int target) {
        arena.chunk(node).putIntRelease(NodeArena.offset(node) + NodeLayout.nextOffset(level), target);
        arena.wrote(node, NodeLayout.nextOffset(level), Integer.BYTES);
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("key listing is closed");
        }
    }
}
