package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * API.md "Keys and values" and "Details" for values: 0..maxValueSize bytes, empty is not
 * absent, buffers and streams are read the documented way, arrays are copies.
 */
class ValuesTest extends AcceptanceTestBase {
    private static final int LIMIT = (int) MAX_VALUE_BYTES;
    private static final String LIMIT_TEXT = Long.toString(MAX_VALUE_BYTES);
    private static final String OVER_LIMIT_TEXT = Long.toString(MAX_VALUE_BYTES + 1);

    // ---- empty values -------------------------------------------------------------------

    @Test
    void emptyStringValueIsDistinctFromAbsent() {
        ns.put("empty", "");
        assertThat(ns.get("empty")).isNotNull().isEmpty();
        assertThat(ns.get("empty", ValueType.BYTES)).isNotNull().isEmpty();
        assertThat(ns.read(ByteBuffer.wrap(utf8("empty")), ByteBuffer.allocate(8))).isZero();
        assertThat(ns.get("absent")).isNull();
        assertThat(ns.get("absent", ValueType.BYTES)).isNull();
    }

    @Test
    void emptyByteArrayValueIsDistinctFromAbsent() {
        ns.put("empty", new byte[0]);
        assertThat(ns.get("empty", ValueType.BYTES)).isNotNull().isEmpty();
        assertThat(ns.getWithMetadata("empty").value()).isEqualTo("");
    }

    @Test
    void emptyByteBufferValueIsDistinctFromAbsent() {
        ns.put("empty", ByteBuffer.allocate(0));
        assertThat(ns.get("empty")).isEqualTo("");
    }

    @Test
    void emptyStreamValueIsDistinctFromAbsent() throws IOException {
        ns.put("empty", InputStream.nullInputStream());
        assertThat(ns.get("empty")).isEqualTo("");
        try (InputStream in = ns.get("empty", ValueType.STREAM)) {
            assertThat(in).isNotNull();
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void emptyValueSurvivesReopen() {
        ns.put("empty", "");
        reopen();
        assertThat(ns.get("empty")).isEqualTo("");
    }

    // ---- the value size limit, per input kind -------------------------------------------

    @Test
    void stringValueAtLimitIsAccepted() {
        String value = asciiOfLength(LIMIT);
        ns.put("k", value);
        assertThat(ns.get("k")).isEqualTo(value);
    }

    @Test
    void stringValueOneByteOverLimitIsRejectedNamingBothFigures() {
        assertThatThrownBy(() -> ns.put("k", asciiOfLength(LIMIT + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(OVER_LIMIT_TEXT)
                .hasMessageContaining(LIMIT_TEXT);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void stringValueLimitCountsUtf8Bytes() {
        // LIMIT / 2 + 1 chars of 2 bytes each = LIMIT + 2 bytes.
        String value = "\u00e9".repeat(LIMIT / 2 + 1);
        assertThatThrownBy(() -> ns.put("k", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Long.toString(MAX_VALUE_BYTES + 2))
                .hasMessageContaining(LIMIT_TEXT);
    }

    @Test
    void byteArrayValueAtLimitIsAccepted() {
        byte[] value = patternBytes(LIMIT);
        ns.put("k", value);
        assertThat(ns.get("k", ValueType.BYTES)).isEqualTo(value);
    }

    @Test
    void byteArrayValueOneByteOverLimitIsRejectedNamingBothFigures() {
        assertThatThrownBy(() -> ns.put("k", patternBytes(LIMIT + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(OVER_LIMIT_TEXT)
                .hasMessageContaining(LIMIT_TEXT);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void byteBufferValueAtLimitIsAccepted() {
        byte[] value = patternBytes(LIMIT);
        ByteBuffer direct = ByteBuffer.allocateDirect(LIMIT);
        direct.put(value).flip();
        ns.put("k", direct);
        assertThat(ns.get("k", ValueType.BYTES)).isEqualTo(value);
    }

    @Test
    void byteBufferValueOneByteOverLimitIsRejectedNamingBothFigures() {
        ByteBuffer buffer = ByteBuffer.wrap(patternBytes(LIMIT + 1));
        assertThatThrownBy(() -> ns.put("k", buffer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(OVER_LIMIT_TEXT)
                .hasMessageContaining(LIMIT_TEXT);
        assertThat(buffer.position()).isZero();
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void byteBufferLimitCountsRemainingBytesOnly() {
        // A buffer holding LIMIT + 10 bytes whose window is exactly LIMIT bytes.
        ByteBuffer buffer = ByteBuffer.wrap(patternBytes(LIMIT + 10));
        buffer.position(5).limit(LIMIT + 5);
        ns.put("k", buffer);
        assertThat(ns.get("k", ValueType.BYTES)).hasSize(LIMIT);
    }

    @Test
    void streamValueAtLimitIsAccepted() {
        byte[] value = patternBytes(LIMIT);
        ns.put("k", new ByteArrayInputStream(value));
        assertThat(ns.get("k", ValueType.BYTES)).isEqualTo(value);
    }

    @Test
    void streamValueOverLimitFailsAfterReadingAtMostLimitPlusOneBytes() {
        CountingStream endless = new CountingStream(Long.MAX_VALUE);
        assertThatThrownBy(() -> ns.put("k", endless))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than " + LIMIT_TEXT + " bytes");
        assertThat(endless.bytesRead).isLessThanOrEqualTo(MAX_VALUE_BYTES + 1);
        assertThat(endless.closed).as("stream closed by put").isFalse();
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void streamOneByteOverLimitIsRejectedAndNothingStored() {
        ns.put("k", "old");
        Object statsBefore = db.stats();
        CountingStream stream = new CountingStream(MAX_VALUE_BYTES + 1);
        assertThatThrownBy(() -> ns.put("k", stream, PutOptions.none().withMetadata("m")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than " + LIMIT_TEXT + " bytes");
        assertThat(ns.getWithMetadata("k").value()).isEqualTo("old");
        assertThat(ns.getWithMetadata("k").metadata()).isNull();
        assertThat(db.stats()).isEqualTo(statsBefore);
    }

    // ---- how inputs are consumed ---------------------------------------------------------

    @Test
    void byteBufferPutStoresRemainingBytesAndLeavesPositionAlone() {
        ByteBuffer heap = ByteBuffer.wrap(utf8("xxHELLOyy"));
        heap.position(2).limit(7);
        ns.put("heap", heap);
        assertThat(heap.position()).isEqualTo(2);
        assertThat(heap.limit()).isEqualTo(7);
        assertThat(ns.get("heap")).isEqualTo("HELLO");
    }

    @Test
    void directByteBufferPutStoresRemainingBytesAndLeavesPositionAlone() {
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        direct.put(utf8("xxWORLDyy")).flip();
        direct.position(2).limit(7);
        ns.put("direct", direct, PutOptions.none());
        assertThat(direct.position()).isEqualTo(2);
        assertThat(direct.limit()).isEqualTo(7);
        assertThat(ns.get("direct")).isEqualTo("WORLD");
    }

    @Test
    void readOnlyByteBufferIsAccepted() {
        ByteBuffer readOnly = ByteBuffer.wrap(utf8("ro")).asReadOnlyBuffer();
        ns.put("k", readOnly);
        assertThat(ns.get("k")).isEqualTo("ro");
    }

    @Test
    void streamPutReadsToTheEndAndDoesNotCloseTheStream() {
        CountingStream stream = new CountingStream(5000);
        ns.put("k", stream);
        assertThat(stream.bytesRead).isEqualTo(5000);
        assertThat(stream.closed).isFalse();
        assertThat(ns.get("k", ValueType.BYTES)).hasSize(5000).containsOnly(CountingStream.FILL);
    }

    @Test
    void streamThatDeliversOneByteAtATimeIsReadCompletely() {
        byte[] value = patternBytes(10_000);
        InputStream trickle = new InputStream() {
            private int next;

            @Override
            public int read() {
                return next < value.length ? value[next++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                int one = read();
                if (one < 0) {
                    return -1;
                }
                b[off] = (byte) one;
                return 1;
            }
        };
        ns.put("k", trickle);
        assertThat(ns.get("k", ValueType.BYTES)).isEqualTo(value);
    }

    @Test
    void streamThatThrowsStoresNothing() {
        ns.put("k", "old");
        InputStream failing = new InputStream() {
            private int served;

            @Override
            public int read() throws IOException {
                if (served++ < 100) {
                    return 'x';
                }
                throw new IOException("disk on fire");
            }
        };
        assertThatThrownBy(() -> ns.put("k", failing)).isInstanceOf(RuntimeException.class);
        assertThat(ns.get("k")).isEqualTo("old");
    }

    @Test
    void stringValueIsStoredAsUtf8() {
        String value = "h\u00e9llo \uD83D\uDE00 \u65e5\u672c";
        ns.put("k", value);
        assertThat(ns.get("k", ValueType.BYTES)).isEqualTo(utf8(value));
        assertThat(ns.get("k")).isEqualTo(value);
    }

    @Test
    void binaryValueRoundTripsExactly() {
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        ns.put("k", value);
        assertThat(ns.get("k", ValueType.BYTES)).isEqualTo(value);
    }

    // ---- copies ---------------------------------------------------------------------------

    @Test
    void byteArrayPassedInIsCopied() {
        byte[] value = utf8("original");
        ns.put("k", value);
        value[0] = 'X';
        assertThat(ns.get("k")).isEqualTo("original");
    }

    @Test
    void byteBufferPassedInIsCopied() {
        byte[] backing = utf8("original");
        ns.put("k", ByteBuffer.wrap(backing));
        backing[0] = 'X';
        assertThat(ns.get("k")).isEqualTo("original");
    }

    @Test
    void returnedByteArrayIsACopy() {
        ns.put("k", utf8("original"));
        byte[] first = ns.get("k", ValueType.BYTES);
        first[0] = 'X';
        assertThat(ns.get("k", ValueType.BYTES)).isEqualTo(utf8("original"));
        assertThat(ns.get("k", ValueType.BYTES)).isNotSameAs(ns.get("k", ValueType.BYTES));
    }

    // ---- overwrite and delete ----------------------------------------------------------------

    @Test
    void putOverwritesValue() {
        ns.put("k", "one");
        ns.put("k", "two");
        assertThat(ns.get("k")).isEqualTo("two");
    }

    @Test
    void shorterValueReplacesLongerOneCompletely() {
        ns.put("k", patternBytes(10_000));
        ns.put("k", utf8("s"));
        assertThat(ns.get("k", ValueType.BYTES)).isEqualTo(utf8("s"));
    }

    @Test
    void deleteOfAbsentKeyIsNotAnError() {
        ns.delete("never-written");
        assertThat(ns.get("never-written")).isNull();
    }

    @Test
    void deleteRemovesKeyAndPutAfterDeleteWorks() {
        ns.put("k", "v");
        ns.delete("k");
        assertThat(ns.get("k")).isNull();
        assertThat(ns.getWithMetadata("k").value()).isNull();
        ns.put("k", "again");
        assertThat(ns.get("k")).isEqualTo("again");
    }

    @Test
    void deleteStaysDeletedAfterReopen() {
        ns.put("k", "v");
        ns.delete("k");
        reopen();
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void valuesLargerThanOneSegmentWorthOfSmallWritesSurviveReopen() {
        // 6 values of 1 MiB: more than one 4 MiB segment.
        for (int i = 0; i < 6; i++) {
            ns.put("big-" + i, patternBytes(LIMIT - i));
        }
        reopen();
        for (int i = 0; i < 6; i++) {
            assertThat(ns.get("big-" + i, ValueType.BYTES)).isEqualTo(patternBytes(LIMIT - i));
        }
    }

    /** A stream of {@code length} bytes of {@link #FILL} that records how much was read and whether it was closed. */
    static final class CountingStream extends InputStream {
        static final byte FILL = 'z';
        private final long length;
        long bytesRead;
        boolean closed;

        CountingStream(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            if (bytesRead >= length) {
                return -1;
            }
            bytesRead++;
            return FILL;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            long left = length - bytesRead;
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, FILL);
            bytesRead += n;
            return n;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
