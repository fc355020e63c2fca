package dev.basalt.internal.log;

import static dev.basalt.internal.env.Limits.*;
import static dev.basalt.internal.log.LogFormat.*;
import static dev.basalt.internal.log.SegmentImage.MASK;
import static dev.basalt.internal.log.SegmentImage.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The record layout of {@code docs/format.md}, field by field, and what its checks catch. */
class RecordFormatTest {
    private static final int CAPACITY = 4096;

    @Test
    void theWorkedExampleIs56BytesAndTheNextRecordStartsAt120() {
        SegmentImage image = new SegmentImage(CAPACITY);

        int offset = image.put(7, "AUTH", "tok", null, utf8("v1"));

        assertThat(offset).isEqualTo(64);
        assertThat(recordLength(4, 3, 0, 2)).isEqualTo(56);
        assertThat(image.tail()).isEqualTo(120);
        UnsafeBuffer b = image.buffer;
        // The header as the spec lays it out, read raw and little-endian.
        assertThat(b.getLong(offset + 8, BYTE_ORDER)).as("sequence").isEqualTo(7);
        assertThat(b.getLong(offset + 16, BYTE_ORDER)).as("expiration").isEqualTo(NO_EXPIRATION);
        assertThat(b.getInt(offset + 24, BYTE_ORDER)).as("valueLen").isEqualTo(2);
        assertThat(b.getShort(offset + 28, BYTE_ORDER)).as("keyLen").isEqualTo((short) 3);
        assertThat(b.getShort(offset + 30, BYTE_ORDER)).as("metaLen").isZero();
        assertThat(b.getByte(offset + 32)).as("type").isEqualTo(TYPE_PUT);
        assertThat(b.getByte(offset + 33)).as("nsLen").isEqualTo((byte) 4);
        assertThat(image.bytes(offset + 34, 6)).as("reserved").containsOnly(0);
        assertThat(new String(image.bytes(offset + 40, 9), StandardCharsets.UTF_8)).isEqualTo("AUTHtokv1");
        assertThat(image.bytes(offset + 49, 7)).as("padding").containsOnly(0);
        assertThat(Records.checkHeader(b, offset, CAPACITY, MASK)).isEqualTo(Records.VALID);
        assertThat(Records.bodyIsIntact(b, offset, MASK)).isTrue();
    }

    @Test
    void theChecksumsAreMaskedCrc32cOfTheRangesTheSpecNames() {
        SegmentImage image = new SegmentImage(CAPACITY);
        int offset = image.put(7, "AUTH", "tok", null, utf8("v1"));
        UnsafeBuffer b = image.buffer;

        assertThat(b.getInt(offset + HEADER_CRC_OFFSET, BYTE_ORDER))
                .isEqualTo(Checksums.crc32c(b, offset + 8, 32) ^ MASK);
        assertThat(b.getInt(offset + BODY_CRC_OFFSET, BYTE_ORDER))
                .isEqualTo(Checksums.crc32c(b, offset + 40, 56 - 40) ^ MASK);
    }

    @Test
    void everyFieldOfAPutDecodesAsEncoded() {
        SegmentImage image = new SegmentImage(CAPACITY);
        byte[] value = new byte[300];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i; // every byte value, zeros included
        }
        String namespace = "ns-\u00e9";
        String key = "user:\u4e16\u754c";
        String metadata = "{\"ip\":\"10.0.0.7\"}";
        long sequence = Long.MAX_VALUE - 1;
        long expiration = 1_900_000_000L;

        int offset = image.append(MASK, TYPE_PUT, sequence, expiration, namespace, key, metadata, value);

        UnsafeBuffer b = image.buffer;
        assertThat(Records.checkHeader(b, offset, CAPACITY, MASK)).isEqualTo(Records.VALID);
        assertThat(Records.bodyIsIntact(b, offset, MASK)).isTrue();
        assertThat(Records.type(b, offset)).isEqualTo(TYPE_PUT);
        assertThat(Records.sequence(b, offset)).isEqualTo(sequence);
        assertThat(Records.expirationEpochSeconds(b, offset)).isEqualTo(expiration);
        assertThat(Records.namespaceLength(b, offset)).isEqualTo(utf8(namespace).length);
        assertThat(b.getStringWithoutLengthUtf8(Records.namespaceOffset(offset), Records.namespaceLength(b, offset)))
                .isEqualTo(namespace);
        assertThat(b.getStringWithoutLengthUtf8(Records.keyOffset(b, offset), Records.keyLength(b, offset)))
                .isEqualTo(key);
        assertThat(b.getStringWithoutLengthUtf8(Records.metadataOffset(b, offset), Records.metadataLength(b, offset)))
                .isEqualTo(metadata);
        assertThat(Records.valueLength(b, offset)).isEqualTo(value.length);
        assertThat(image.bytes(Records.valueOffset(b, offset), value.length)).isEqualTo(value);
        assertThat(Records.length(b, offset)).isEqualTo(image.tail() - offset)
                .isEqualTo(recordLength(utf8(namespace).length, utf8(key).length, utf8(metadata).length, value.length));
    }

    @Test
    void tombstoneAndNamespaceRecordsCarryOnlyWhatTheirTypeAllows() {
        SegmentImage image = new SegmentImage(CAPACITY);
        int tombstone = image.append(MASK, TYPE_TOMBSTONE, 1, NO_EXPIRATION, "NS", "gone", null, null);
        int create = image.append(MASK, TYPE_NAMESPACE_CREATE, 2, NO_EXPIRATION, "NS", null, null, null);
        int drop = image.append(MASK, TYPE_NAMESPACE_DROP, 3, NO_EXPIRATION, "NS", null, null, null);
        UnsafeBuffer b = image.buffer;

        assertThat(image.scan().recordOffsets()).containsExactly(tombstone, create, drop);
        assertThat(Records.type(b, tombstone)).isEqualTo(TYPE_TOMBSTONE);
        assertThat(Records.keyLength(b, tombstone)).isEqualTo(4);
        assertThat(Records.length(b, tombstone)).isEqualTo(recordLength(2, 4, 0, 0)).isEqualTo(48);
        assertThat(Records.type(b, create)).isEqualTo(TYPE_NAMESPACE_CREATE);
        assertThat(Records.keyLength(b, create)).isZero();
        assertThat(Records.length(b, create)).isEqualTo(48);
        assertThat(Records.type(b, drop)).isEqualTo(TYPE_NAMESPACE_DROP);
        assertThat(Records.sequence(b, drop)).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 1000})
    void everyRecordIsPaddedToTheNextMultipleOfEight(int valueLength) {
        SegmentImage image = new SegmentImage(CAPACITY);
        int first = image.put(1, "N", "k", null, new byte[valueLength]);
        int second = image.put(2, "N", "k", null, utf8("x"));

        int raw = RECORD_HEADER_LENGTH + 1 + 1 + valueLength;
        assertThat(second - first).isEqualTo(recordLength(1, 1, 0, valueLength))
                .isGreaterThanOrEqualTo(raw).isLessThan(raw + ALIGNMENT);
        assertThat(second % ALIGNMENT).isZero();
        assertThat(image.scan().recordOffsets()).containsExactly(first, second);
    }

    @Test
    void everySingleBitFlipOfARecordIsCaughtByOneOfItsTwoChecks() {
        SegmentImage image = new SegmentImage(CAPACITY);
        int offset = image.put(7, "AUTH", "tok", "{\"a\":1}", utf8("v1"));
        int length = image.tail() - offset;
        byte[] intact = image.bytes(offset, length);

        for (int bit = 0; bit < length * 8; bit++) {
            image.buffer.putBytes(offset, intact);
            image.flipBit(offset + bit / 8, bit % 8);
            boolean caught = Records.checkHeader(image.buffer, offset, CAPACITY, MASK) != Records.VALID
                    || !Records.bodyIsIntact(image.buffer, offset, MASK);
            assertThat(caught).as("flip of bit %d of byte %d", bit % 8, bit / 8).isTrue();
        }
    }

    @Test
    void aRunOfZerosNeverValidates() {
        SegmentImage image = new SegmentImage(CAPACITY);

        assertThat(Records.checkHeader(image.buffer, 64, CAPACITY, MASK)).isEqualTo(Records.BAD_FIELD);
        assertThat(Records.checkHeader(image.buffer, 64, CAPACITY, 0)).isEqualTo(Records.BAD_FIELD);
    }

    @Test
    void aRecordOfAnotherSegmentOrStoreFailsTheHeaderChecksum() {
        SegmentImage image = new SegmentImage(CAPACITY);
        int otherSegment = image.append(Checksums.mask(SegmentImage.STORE_ID, 2), TYPE_PUT, 1, NO_EXPIRATION,
                "N", "k", null, utf8("v"));
        int otherStore = image.append(Checksums.mask(SegmentImage.STORE_ID + 1, SegmentImage.SEGMENT_ID), TYPE_PUT,
                2, NO_EXPIRATION, "N", "k", null, utf8("v"));

        assertThat(Records.checkHeader(image.buffer, otherSegment, CAPACITY, MASK)).isEqualTo(Records.BAD_HEADER_CRC);
        assertThat(Records.checkHeader(image.buffer, otherStore, CAPACITY, MASK)).isEqualTo(Records.BAD_HEADER_CRC);
    }
}
