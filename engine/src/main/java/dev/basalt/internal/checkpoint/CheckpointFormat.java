package dev.basalt.internal.checkpoint;

import java.nio.ByteOrder;

/** Names and numbers of the checkpoint file; {@code docs/format.md} describes them. */
final class CheckpointFormat {
    static final String FILE_NAME = "CHECKPOINT";
    /** "BASALTCK" in ASCII, read as a little-endian u64. */
    static final long MAGIC = 0x4B43544C41534142L;
    static final int VERSION = 1;
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    static final int KIND_HEADER = 1;
    static final int KIND_NAMESPACE = 2;
    static final int KIND_INDEX_SLOTS = 3;
    static final int KIND_LISTING_KEYS = 4;
    static final int KIND_EXPIRY_ENTRIES = 5;
    static final int KIND_END = 6;
    static final int KIND_ACTIVE_HINTS = 7;

    /** The header before its segment entries. */
    static final int HEADER_FIXED_BYTES = 80;
    /** Per segment in the header: id, data end, modification time, live bytes, lowest sequence. */
    static final int SEGMENT_ENTRY_BYTES = 40;
    /** kind u32, payload length u32. */
    static final int BLOCK_HEADER_BYTES = 8;
    /** CRC32C u32 of the block header and payload. */
    static final int BLOCK_TRAILER_BYTES = 4;
    /** The largest payload: slot blocks are cut at this size, key and expiry blocks well under it. */
    static final int MAX_PAYLOAD_BYTES = 4 << 20;
    /** Key and expiry blocks are flushed when the next entry would pass this. */
    static final int ENTRY_BLOCK_BYTES = 1 << 20;
    /** An expiry entry: expiration, key hash, location, each u64. */
    static final int EXPIRY_ENTRY_BYTES = 24;

    private CheckpointFormat() {
    }

    static String kindName(int kind) {
        switch (kind) {
            case KIND_HEADER: return "header";
            case KIND_NAMESPACE: return "namespace";
            case KIND_INDEX_SLOTS: return "index slots";
            case KIND_LISTING_KEYS: return "listing keys";
            case KIND_EXPIRY_ENTRIES: return "expiry entries";
            case KIND_END: return "end";
            case KIND_ACTIVE_HINTS: return "active hints";
            default: return "unknown kind " + kind;
        }
    }
}
