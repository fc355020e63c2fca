package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * API.md "The hot path": {@code int read(ByteBuffer key, ByteBuffer dst)} returns -1 for
 * absent, expired or impossible keys; copies nothing and returns the length when
 * {@code dst} is too small; otherwise copies at {@code dst.position()} and advances it.
 */
class HotPathReadTest extends AcceptanceTestBase {
    private static final byte SENTINEL = (byte) 0x5A;

    @Test
    void copiesValueAtDstPositionAndAdvancesIt() {
        byte[] value = patternBytes(100);
        ns.put("k", value);
        ByteBuffer dst = filled(ByteBuffer.allocate(200));
        dst.position(7);
        int length = ns.read(key("k"), dst);
        assertThat(length).isEqualTo(100);
        assertThat(dst.position()).isEqualTo(107);
        assertThat(dst.limit()).isEqualTo(200);
        assertThat(Arrays.copyOfRange(dst.array(), 7, 107)).isEqualTo(value);
        assertThat(dst.get(6)).isEqualTo(SENTINEL);
        assertThat(dst.get(107)).isEqualTo(SENTINEL);
    }

    @Test
    void worksWithDirectBuffers() {
        byte[] value = patternBytes(300);
        ns.put("direct", value);
        ByteBuffer keyBuffer = ByteBuffer.allocateDirect(16);
        keyBuffer.put(utf8("direct")).flip();
        ByteBuffer dst = ByteBuffer.allocateDirect(512);
        assertThat(ns.read(keyBuffer, dst)).isEqualTo(300);
        assertThat(dst.position()).isEqualTo(300);
        byte[] copied = new byte[300];
        dst.flip().get(copied);
        assertThat(copied).isEqualTo(value);
    }

    @Test
    void exactFitIsCopied() {
        ns.put("k", patternBytes(64));
        ByteBuffer dst = ByteBuffer.allocate(64);
        assertThat(ns.read(key("k"), dst)).isEqualTo(64);
        assertThat(dst.hasRemaining()).isFalse();
        assertThat(dst.array()).isEqualTo(patternBytes(64));
    }

    @Test
    void tooSmallDstCopiesNothingAndReturnsLength() {
        ns.put("k", patternBytes(64));
        ByteBuffer dst = filled(ByteBuffer.allocate(80));
        dst.position(17); // 63 bytes remaining: one short
        int length = ns.read(key("k"), dst);
        assertThat(length).isEqualTo(64);
        assertThat(dst.position()).isEqualTo(17);
        assertThat(dst.limit()).isEqualTo(80);
        assertThat(dst.array()).containsOnly(SENTINEL);
    }

    @Test
    void tooSmallDstRespectsLimitNotCapacity() {
        ns.put("k", patternBytes(64));
        ByteBuffer dst = filled(ByteBuffer.allocate(1000));
        dst.limit(10);
        assertThat(ns.read(key("k"), dst)).isEqualTo(64);
        assertThat(dst.position()).isZero();
        assertThat(dst.array()).containsOnly(SENTINEL);
    }

    @Test
    void callerCanGrowDstAndRetry() {
        byte[] value = patternBytes(5000);
        ns.put("k", value);
        ByteBuffer dst = ByteBuffer.allocate(16);
        int length = ns.read(key("k"), dst);
        assertThat(length).isEqualTo(5000);
        dst = ByteBuffer.allocate(length);
        assertThat(ns.read(key("k"), dst)).isEqualTo(5000);
        assertThat(dst.array()).isEqualTo(value);
    }

    @Test
    void emptyValueReturnsZeroAndLeavesDstAlone() {
        ns.put("k", new byte[0]);
        ByteBuffer dst = ByteBuffer.allocate(0);
        assertThat(ns.read(key("k"), dst)).isZero();
        ByteBuffer roomy = ByteBuffer.allocate(8).position(3);
        assertThat(ns.read(key("k"), roomy)).isZero();
        assertThat(roomy.position()).isEqualTo(3);
    }

    @Test
    void keyBufferIsNotConsumed() {
        ns.put("k", "v");
        ByteBuffer keyBuffer = key("k");
        ns.read(keyBuffer, ByteBuffer.allocate(8));
        assertThat(keyBuffer.position()).isZero();
        assertThat(keyBuffer.limit()).isEqualTo(1);
    }

    @Test
    void keyBytesAreFromPositionToLimit() {
        ns.put("mid", "value");
        ByteBuffer keyBuffer = ByteBuffer.wrap(utf8("xxmidyy"));
        keyBuffer.position(2).limit(5);
        ByteBuffer dst = ByteBuffer.allocate(16);
        assertThat(ns.read(keyBuffer, dst)).isEqualTo(5);
        assertThat(keyBuffer.position()).isEqualTo(2);
        assertThat(keyBuffer.limit()).isEqualTo(5);
        assertThat(new String(dst.array(), 0, 5, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("value");
    }

    @Test
    void readOnlyKeyBufferWorks() {
        ns.put("k", "v");
        assertThat(ns.read(key("k").asReadOnlyBuffer(), ByteBuffer.allocate(4))).isEqualTo(1);
    }

    @Test
    void multiByteKeyIsMatchedByItsUtf8Bytes() {
        String key = "cl\u00e9-\uD83D\uDE00";
        ns.put(key, "v");
        assertThat(ns.read(ByteBuffer.wrap(utf8(key)), ByteBuffer.allocate(4))).isEqualTo(1);
    }

    @Test
    void absentKeyReturnsMinusOneAndLeavesDstAlone() {
        ByteBuffer dst = filled(ByteBuffer.allocate(16));
        dst.position(4);
        assertThat(ns.read(key("absent"), dst)).isEqualTo(-1);
        assertThat(dst.position()).isEqualTo(4);
        assertThat(dst.array()).containsOnly(SENTINEL);
    }

    @Test
    void deletedKeyReturnsMinusOne() {
        ns.put("k", "v");
        ns.delete("k");
        assertThat(ns.read(key("k"), ByteBuffer.allocate(16))).isEqualTo(-1);
    }

    @Test
    void readSeesOverwrite() {
        ns.put("k", "first");
        ns.put("k", "2nd");
        ByteBuffer dst = ByteBuffer.allocate(16);
        assertThat(ns.read(key("k"), dst)).isEqualTo(3);
        assertThat(new String(dst.array(), 0, 3, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("2nd");
    }

    @Test
    void emptyKeyBytesReturnMinusOne() {
        assertThat(ns.read(ByteBuffer.allocate(0), ByteBuffer.allocate(16))).isEqualTo(-1);
        ByteBuffer windowless = ByteBuffer.wrap(utf8("k")).position(1);
        ns.put("k", "v");
        assertThat(ns.read(windowless, ByteBuffer.allocate(16))).isEqualTo(-1);
    }

    @Test
    void keyBytesOver512ReturnMinusOne() {
        ByteBuffer huge = ByteBuffer.wrap(utf8("k".repeat(513)));
        assertThat(ns.read(huge, ByteBuffer.allocate(16))).isEqualTo(-1);
        ByteBuffer direct = ByteBuffer.allocateDirect(100_000);
        assertThat(ns.read(direct, ByteBuffer.allocate(16))).isEqualTo(-1);
    }

    @Test
    void keyOf512BytesIsReadable() {
        String key = "r".repeat(512);
        ns.put(key, "v");
        assertThat(ns.read(ByteBuffer.wrap(utf8(key)), ByteBuffer.allocate(4))).isEqualTo(1);
    }

    @Test
    void malformedUtf8KeyBytesReturnMinusOne() {
        ns.put("k", "v");
        byte[][] malformed = {
            {(byte) 0xFF},                                  // never valid in UTF-8
            {'k', (byte) 0xC3},                             // truncated two-byte sequence
            {(byte) 0xC0, (byte) 0xAF},                     // overlong encoding of '/'
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},        // an encoded surrogate (U+D800)
            {(byte) 0x80},                                  // lone continuation byte
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
        };
        for (byte[] keyBytes : malformed) {
            ByteBuffer dst = filled(ByteBuffer.allocate(16));
            assertThat(ns.read(ByteBuffer.wrap(keyBytes), dst))
                    .as("key bytes %s", Arrays.toString(keyBytes)).isEqualTo(-1);
            assertThat(dst.position()).isZero();
        }
    }

    @Test
    void reservedKeyBytesReturnMinusOne() {
        assertThat(ns.read(key("."), ByteBuffer.allocate(16))).isEqualTo(-1);
        assertThat(ns.read(key(".."), ByteBuffer.allocate(16))).isEqualTo(-1);
    }

    @Test
    void readIsScopedToItsNamespace() {
        ns.put("k", "here");
        assertThat(db.namespace("OTHER").read(key("k"), ByteBuffer.allocate(16))).isEqualTo(-1);
    }

    @Test
    void readWorksAfterReopen() {
        byte[] value = patternBytes(3000);
        ns.put("k", value);
        reopen();
        ByteBuffer dst = ByteBuffer.allocate(3000);
        assertThat(ns.read(key("k"), dst)).isEqualTo(3000);
        assertThat(dst.array()).isEqualTo(value);
    }

    private static ByteBuffer key(String key) {
        return ByteBuffer.wrap(utf8(key));
    }

    private static ByteBuffer filled(ByteBuffer buffer) {
        Arrays.fill(buffer.array(), SENTINEL);
        return buffer;
    }
}
