package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.KeyInfo;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: {@code put(ByteBuffer key, ByteBuffer value[, PutOptions])}, one named case per
 * edge: buffer kinds and layouts, positions left alone, every bad input refused with the same
 * exception and message as the {@code String} put and nothing written, options, reopen.
 * {@link BufferPutPropertyTest} compares it with the {@code String} put over random input.
 */
class BufferPutTest extends AcceptanceTestBase {

    @Test
    void heapBuffersWithPositionAndLimitInsideTheArrayStoreOnlyTheirRemainingBytes() {
        ByteBuffer key = ByteBuffer.wrap(utf8("xxuser:1yy")).position(2).limit(8);
        byte[] value = patternBytes(50);
        byte[] padded = new byte[70];
        System.arraycopy(value, 0, padded, 5, 50);
        ByteBuffer valueBuffer = ByteBuffer.wrap(padded).position(5).limit(55);

        ns.put(key, valueBuffer);

        assertThat(ns.get("user:1", ValueType.BYTES)).isEqualTo(value);
        assertThat(key.position()).isEqualTo(2);
        assertThat(key.limit()).isEqualTo(8);
        assertThat(valueBuffer.position()).isEqualTo(5);
        assertThat(valueBuffer.limit()).isEqualTo(55);
        assertThat(ns.list().keys()).extracting(KeyInfo::name).containsExactly("user:1");
    }

    @Test
    void directSlicedAndReadOnlyBuffersWork() {
        ByteBuffer key = ByteBuffer.allocateDirect(32);
        key.put(utf8("--direct-key--")).flip().position(2).limit(12);
        ByteBuffer value = ByteBuffer.allocateDirect(300);
        value.put(patternBytes(300)).position(100).limit(250);
        ns.put(key, value);
        assertThat(ns.get("direct-key", ValueType.BYTES))
                .isEqualTo(java.util.Arrays.copyOfRange(patternBytes(300), 100, 250));
        assertThat(key.position()).isEqualTo(2);
        assertThat(value.position()).isEqualTo(100);

        ByteBuffer slice = ByteBuffer.wrap(utf8("__sliced")).position(2).slice();
        ns.put(slice, ByteBuffer.wrap(utf8("s")).asReadOnlyBuffer());
        ns.put(ByteBuffer.wrap(utf8("read-only")).asReadOnlyBuffer(), ByteBuffer.allocateDirect(4).asReadOnlyBuffer());
        assertThat(ns.get("sliced")).isEqualTo("s");
        assertThat(ns.get("read-only", ValueType.BYTES)).isEqualTo(new byte[4]);
    }

    @Test
    void storesWhatTheStringPutStoresForMultiByteKeys() {
        String key = "日本/é 😀\u0000end";
        ns.put(ByteBuffer.wrap(utf8(key)), ByteBuffer.wrap(utf8("v")));
        assertThat(ns.get(key)).isEqualTo("v");
        ns.put(key, "w");
        assertThat(ns.get(key)).isEqualTo("w");
        assertThat(ns.list().keys()).extracting(KeyInfo::name).containsExactly(key);
    }

    @Test
    void anEmptyValueIsStoredAndDistinctFromAbsent() {
        ns.put(ByteBuffer.wrap(utf8("empty")), ByteBuffer.allocate(0));
        assertThat(ns.get("empty", ValueType.BYTES)).isEmpty();
        assertThat(ns.read(ByteBuffer.wrap(utf8("empty")), ByteBuffer.allocate(1))).isZero();
    }

    @Test
    void keysAndValuesAtTheirLimitsAreAccepted() {
        String longest = "k".repeat(512);
        ns.put(ByteBuffer.wrap(utf8(longest)), ByteBuffer.allocateDirect((int) MAX_VALUE_BYTES));
        assertThat(ns.get(longest, ValueType.BYTES)).hasSize((int) MAX_VALUE_BYTES);
    }

    @Test
    void badKeysAreRefusedAsTheStringPutRefusesThem() {
        ns.put("kept", "old");
        for (String bad : List.of("", ".", "..", "k".repeat(513), "é".repeat(257))) {
            String expected = messageOf(() -> ns.put(bad, "new"));
            assertRefused(() -> ns.put(ByteBuffer.wrap(utf8(bad)), ByteBuffer.wrap(utf8("new"))), expected);
            assertRefused(() -> ns.put(direct(utf8(bad)), direct(utf8("new")), PutOptions.none()), expected);
        }
        assertThat(messageOf(() -> ns.put(ByteBuffer.allocate(513), ByteBuffer.allocate(1))))
                .isEqualTo("key is 513 bytes of UTF-8; the limit is 512");
        assertThat(messageOf(() -> ns.put(ByteBuffer.allocate(0), ByteBuffer.allocate(1))))
                .isEqualTo("key is 0 bytes of UTF-8; it must be 1..512");
    }

    @Test
    void malformedUtf8KeysAreRefusedNamingTheByte() {
        ns.put("kept", "old");
        byte[][] malformed = {
            {(byte) 0x80},                                  // a continuation byte alone
            {'a', (byte) 0xC0, (byte) 0x80},                // overlong NUL
            {'a', 'b', (byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate half (U+D800)
            {(byte) 0xE2, (byte) 0x82},                     // truncated euro sign
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {(byte) 0xFF},
        };
        int[] firstBad = {0, 1, 2, 0, 0, 0};
        for (int i = 0; i < malformed.length; i++) {
            byte[] key = malformed[i];
            assertRefused(() -> ns.put(ByteBuffer.wrap(key), ByteBuffer.wrap(utf8("new"))),
                    "key is not well-formed UTF-8: the sequence at byte " + firstBad[i] + " of its " + key.length
                            + " bytes is not legal UTF-8 (overlong, surrogate, truncated or above U+10FFFF)");
        }
    }

    @Test
    void valuesOverTheLimitAreRefusedAsTheStringPutRefusesThem() {
        ns.put("kept", "old");
        int over = (int) MAX_VALUE_BYTES + 1;
        String expected = messageOf(() -> ns.put("kept", new byte[over]));
        assertThat(expected).isEqualTo("value is " + over + " bytes; the limit is " + MAX_VALUE_BYTES);
        assertRefused(() -> ns.put(ByteBuffer.wrap(utf8("kept")), ByteBuffer.allocateDirect(over)), expected);
        // The remaining bytes count, not the capacity: a large buffer with a small window is fine.
        ns.put(ByteBuffer.wrap(utf8("kept")), ByteBuffer.allocate(over).position(over - 3));
        assertThat(ns.get("kept", ValueType.BYTES)).hasSize(3);
    }

    @Test
    void badOptionsAreRefusedAsTheStringPutRefusesThem() {
        ns.put("kept", "old");
        List<PutOptions> bad = List.of(PutOptions.expirationTtl(0), PutOptions.expiration(clock.epochSecond()),
                PutOptions.expiration(clock.epochSecond() - 10), PutOptions.none().withMetadata("m".repeat(2000)));
        for (PutOptions options : bad) {
            String expected = messageOf(() -> ns.put("kept", "new", options));
            assertRefused(() -> ns.put(ByteBuffer.wrap(utf8("kept")), ByteBuffer.wrap(utf8("new")), options),
                    expected);
        }
    }

    @Test
    void nullArgumentsAreRefusedAsTheStringPutRefusesThem() {
        ns.put("kept", "old");
        ByteBuffer key = ByteBuffer.wrap(utf8("kept"));
        ByteBuffer value = ByteBuffer.wrap(utf8("new"));
        assertThatThrownBy(() -> ns.put((ByteBuffer) null, value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(messageOf(() -> ns.put((String) null, "new")));
        assertThatThrownBy(() -> ns.put(key, null)).isInstanceOf(NullPointerException.class).hasMessage("value");
        assertThatThrownBy(() -> ns.put(key, value, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("options");
        assertThat(ns.get("kept")).isEqualTo("old");
    }

    @Test
    void expirationAndMetadataApplyAndSurviveAReopen() {
        long now = clock.epochSecond();
        ns.put(ByteBuffer.wrap(utf8("ttl")), ByteBuffer.wrap(utf8("a")),
                PutOptions.expirationTtl(100).withMetadata(Map.of("n", 1)));
        ns.put(direct(utf8("abs")), direct(utf8("b")), PutOptions.expiration(now + 50));
        ns.put(direct(utf8("meta")), direct(utf8("c")), PutOptions.none().withMetadata(List.of("x", 2)));

        reopen();

        ValueWithMetadata<String> ttl = ns.getWithMetadata("ttl");
        assertThat(ns.get("ttl")).isEqualTo("a");
        assertThat(ttl.metadata().toString()).isEqualTo("{\"n\":1}");
        assertThat(ns.getWithMetadata("meta").metadata().toString()).isEqualTo("[\"x\",2]");
        assertThat(ns.list().keys()).extracting(KeyInfo::name, KeyInfo::expiration)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("abs", now + 50),
                        org.assertj.core.groups.Tuple.tuple("meta", null),
                        org.assertj.core.groups.Tuple.tuple("ttl", now + 100));
        clock.advanceSeconds(50);
        assertThat(ns.get("abs")).isNull();
        assertThat(ns.read(ByteBuffer.wrap(utf8("abs")), ByteBuffer.allocate(8))).isEqualTo(-1);
        assertThat(ns.get("ttl")).isEqualTo("a");
    }

    @Test
    void anOverwriteReplacesValueMetadataAndExpirationTogether() {
        ns.put("k", "old", PutOptions.expirationTtl(10).withMetadata(Map.of("old", true)));
        ns.put(ByteBuffer.wrap(utf8("k")), ByteBuffer.wrap(utf8("new")));
        assertThat(ns.getWithMetadata("k")).isEqualTo(new ValueWithMetadata<>("new", null));
        assertThat(ns.list().keys().get(0).expiration()).isNull();
        clock.advanceSeconds(20);
        assertThat(ns.get("k")).isEqualTo("new");
    }

    @Test
    void aPutFromInsideAnotherPutOnTheSameThreadKeepsBothKeys() {
        // Jackson calls the metadata's getter while the outer put has its key in the thread's views.
        ByteBuffer innerKey = ByteBuffer.wrap(utf8("inner"));
        Object metadata = new Object() {
            @SuppressWarnings("unused")
            public int getN() {
                ns.put(innerKey, ByteBuffer.wrap(utf8("i")));
                return 7;
            }
        };
        ns.put(ByteBuffer.wrap(utf8("outer")), ByteBuffer.wrap(utf8("o")), PutOptions.none().withMetadata(metadata));
        assertThat(ns.get("outer")).isEqualTo("o");
        assertThat(ns.get("inner")).isEqualTo("i");
        assertThat(ns.list().keys()).extracting(KeyInfo::name).containsExactly("inner", "outer");
    }

    /** Asserts the put throws {@code IllegalArgumentException} with {@code message} and wrote nothing. */
    private void assertRefused(ThrowingCallable put, String message) {
        List<KeyInfo> before = ns.list().keys();
        long logBytes = db.stats().totalLogBytes();
        assertThatThrownBy(put).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThat(ns.list().keys()).isEqualTo(before);
        assertThat(ns.get("kept")).isEqualTo("old");
        assertThat(db.stats().totalLogBytes()).as("log bytes after a refused put").isEqualTo(logBytes);
    }

    private static String messageOf(ThrowingCallable call) {
        try {
            call.call();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        } catch (Throwable e) {
            throw new AssertionError("expected an IllegalArgumentException, got " + e, e);
        }
        throw new AssertionError("expected an IllegalArgumentException, got none");
    }

    private static ByteBuffer direct(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        return buffer.put(bytes).flip();
    }
}
