package dev.basalt.internal.listing;

import dev.basalt.internal.env.Limits;

/**
 * Byte layout of one skip-list node of {@link KeyListing}, as stored in a {@link NodeArena}
 * chunk. Nodes start on 8-byte boundaries and are padded to a multiple of 8 bytes.
 *
 * <pre>
 *   0        4                          4 + 4 * level                   size (8-aligned)
 *   +--------+--------------------------+-------------------------------+-----+
 *   | header | next[0] .. next[level-1] | key bytes (keyLength)         | pad |
 *   +--------+--------------------------+-------------------------------+-----+
 *   header (int, native order):  bits 0..9   keyLength, 0..1023 (keys are 1..512; the head 0)
 *                                bits 10..14 level - 1   (level 1..16)
 *                                bit  15     REMOVED     (set by remove before unlinking)
 *                                bit  16     PLAIN       (the key's live record has no expiration and
 *                                                         no metadata; see below)
 *   next[i]  (int): arena address of the next node at level i, or NIL (0)
 * </pre>
 *
 * <p>The header comes first so one acquire load gives a reader the removed flag, the key
 * length and where the key starts. Next pointers come before the key so their offsets are
 * fixed by the level alone. Pointers are 4-byte arena addresses (8-byte units, see
 * {@link NodeArena}) rather than 8-byte ones: that saves 4 bytes per pointer, about 5.3 bytes
 * per key at 1.33 pointers per node on average.
 *
 * <p>{@code PLAIN} lets a {@code list} page name a key without looking up its record: a page
 * needs a key's expiration and metadata, and a plain key has neither. The flag is set only at
 * insert and only ever cleared (by {@link KeyListing#clearPlain}, before the key's first record
 * with an expiration or metadata becomes visible), so a node flagged plain never describes a
 * key that has either. A node without the flag says nothing: its key is listed through the hash
 * index and its record, as every key was before the flag existed.
 *
 * <p>Size of a node with a 16-byte key: 24 bytes at level 1, 32 at levels 2 and 3, 40 at
 * levels 4 and 5; with level {@code k} drawn with probability {@code 0.75 * 0.25^(k-1)} that
 * is 26.13 bytes per key on average. (Padding to 4 bytes instead would average 25.33, but
 * would halve what a 4-byte address can reach, to 16 GiB.)
 */
final class NodeLayout {
    static final int HEADER_OFFSET = 0;
    static final int HEADER_LENGTH = Integer.BYTES;
    static final int NEXT_OFFSET = HEADER_OFFSET + HEADER_LENGTH;
    static final int NEXT_LENGTH = Integer.BYTES;

    /** Longest key a node holds; the header's 10 length bits could hold 1023. */
    static final int MAX_KEY_BYTES = Limits.MAX_KEY_BYTES;
    /** 4^16 > 4 * 10^9 nodes: more levels would never be used at p = 1/4. */
    static final int MAX_LEVEL = 16;

    static final int NODE_ALIGNMENT = 8;
    static final int UNIT_SHIFT = 3;

    private static final int KEY_LENGTH_MASK = 0x3FF;
    private static final int LEVEL_SHIFT = 10;
    private static final int LEVEL_MASK = 0x1F;
    static final int REMOVED_FLAG = 1 << 15;
    static final int PLAIN_FLAG = 1 << 16;

    /** Largest node: the head, or a 512-byte key at level 16: 4 + 64 + 512 = 580, so 584. */
    static final int MAX_NODE_BYTES = nodeBytes(MAX_KEY_BYTES, MAX_LEVEL);
    static final int MAX_NODE_UNITS = MAX_NODE_BYTES >>> UNIT_SHIFT;

    private NodeLayout() {
    }

    static int header(int keyLength, int level) {
        assert keyLength >= 0 && keyLength <= MAX_KEY_BYTES : "keyLength=" + keyLength;
        assert level >= 1 && level <= MAX_LEVEL : "level=" + level;
        return keyLength | (level - 1) << LEVEL_SHIFT;
    }

    static int header(int keyLength, int level, boolean plain) {
        return plain ? header(keyLength, level) | PLAIN_FLAG : header(keyLength, level);
    }

    static int keyLength(int header) {
        return header & KEY_LENGTH_MASK;
    }

    static int level(int header) {
        return (header >>> LEVEL_SHIFT & LEVEL_MASK) + 1;
    }

    static boolean isRemoved(int header) {
        return (header & REMOVED_FLAG) != 0;
    }

    static boolean isPlain(int header) {
        return (header & PLAIN_FLAG) != 0;
    }

    /** Offset of {@code next[i]} from the node's start. */
    static int nextOffset(int i) {
        return NEXT_OFFSET + i * NEXT_LENGTH;
    }

    /** Offset of the key bytes from the node's start. */
    static int keyOffset(int level) {
        return NEXT_OFFSET + level * NEXT_LENGTH;
    }

    static int nodeBytes(int keyLength, int level) {
        final int unpadded = keyOffset(level) + keyLength;
        return (unpadded + NODE_ALIGNMENT - 1) & -NODE_ALIGNMENT;
    }

    /** Size of the node whose header is {@code header}. */
    static int nodeBytes(int header) {
        return nodeBytes(keyLength(header), level(header));
    }
}
