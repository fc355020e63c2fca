package dev.basalt.internal.checkpoint;

import java.nio.ByteOrder;

/** Names and numbers of the checkpoint file; {@code docs/format.md} describes them. */
final class CheckpointFormat {
    static final String FILE_NAME = "CHECKPOINT";
    /** "BASALTCK" in ASCII, read as a little-endian u64. */
    static final long MAGIC = 0x4B43544C41534142L;
    /**
     * 4: a namespace may save keys its listing does not hold yet ({@link #KIND_UNLISTED_KEYS}),
     * which an engine that did not know them would leave out of its listing for good;
     * 3: listing nodes may carry the plain flag, which an engine that does not know it would
     * leave set on a key it gives metadata or an expiration; 2 saved the same images without it;
     * 1 listed sorted keys.
     */
    static final int VERSION = 4;
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    static final int KIND_HEADER = 1;
    static final int KIND_NAMESPACE = 2;
    static final int KIND_INDEX_SLOTS = 3;
    // 4 was version 1's sorted listing keys.
    static final int KIND_EXPIRY_ENTRIES = 5;
    static final int KIND_END = 6;
    static final int KIND_ACTIVE_HINTS = 7;
    static final int KIND_LISTING_STATE = 8;
    static final int KIND_RETIRED_NODES = 9;
    static final int KIND_LISTING_CHUNK = 10;
    static final int KIND_PADDING = 11;
    static final int KIND_UNLISTED_KEYS = 12;

    /** The header before its segment entries. */
    static final int HEADER_FIXED_BYTES = 80;
    /** Per segment in the header: id, data end, modification time, live bytes, lowest sequence. */
    static final int SEGMENT_ENTRY_BYTES = 40;
    /** kind u32, payload length u32. */
    static final int BLOCK_HEADER_BYTES = 8;
    /** CRC32C u32 of the block header and payload. */
    static final int BLOCK_TRAILER_BYTES = 4;
    /** The largest payload of a block that is read, not mapped. */
    static final int MAX_PAYLOAD_BYTES = 4 << 20;
    /**
     * The largest payload of a mapped block: a slot-table chunk is at most 64 MiB (2^22 slots of
     * 16 bytes), the active hints less than a segment (at most 1 GiB).
     */
    static final int MAX_MAPPED_PAYLOAD_BYTES = 1 << 30;
    /** Mapped payloads start at a multiple of this in the file, so that each maps whole pages. */
    static final int MAPPED_ALIGNMENT = 4096;
    /** Expiry, retired-node and unlisted-key blocks are flushed when the next entry would pass this. */
    static final int ENTRY_BLOCK_BYTES = 1 << 20;
    /** An expiry entry: expiration, key hash, location, each u64. */
    static final int EXPIRY_ENTRY_BYTES = 24;

    /** A namespace block after its name: capacity, live keys, deleted slots (u32), listed keys (u64), unlisted keys (u32). */
    static final int NAMESPACE_FIXED_BYTES = 24;

    /** The listing state block before its free-list heads: four u64 and four u32. */
    static final int LISTING_STATE_FIXED_BYTES = 48;

    private CheckpointFormat() {
    }

    /** Blocks whose payload an open maps in place (copy-on-write) and keeps as memory. */
    static boolean isMapped(int kind) {
        return kind == KIND_INDEX_SLOTS || kind == KIND_LISTING_CHUNK || kind == KIND_ACTIVE_HINTS;
    }

    static int maxPayloadBytes(int kind) {
        return isMapped(kind) ? MAX_MAPPED_PAYLOAD_BYTES : MAX_PAYLOAD_BYTES;
    }

    static String kindName(int kind) {
        switch (kind) {
            case KIND_HEADER: return "header";
            case KIND_NAMESPACE: return "namespace";
            case KIND_INDEX_SLOTS: return "index slots";
            case KIND_EXPIRY_ENTRIES: return "expiry entries";
            case KIND_END: return "end";
            case KIND_ACTIVE_HINTS: return "active hints";
            case KIND_LISTING_STATE: return "listing state";
            case KIND_RETIRED_NODES: return "retired nodes";
            case KIND_LISTING_CHUNK: return "listing chunk";
            case KIND_PADDING: return "padding";
            case KIND_UNLISTED_KEYS: return "unlisted keys";
            default: return "unknown kind " + kind;
        }
    }
}
