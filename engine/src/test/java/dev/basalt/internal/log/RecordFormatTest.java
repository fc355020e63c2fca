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
    void theWorkedExampleIs40BytesAndTheNextRecordStartsAt104() {
        SegmentImage image = new SegmentImage(CAPACITY);

        int offset = image.put(7, "AUTH", "tok", null, utf8("v1"));

        assertThat(offset).isEqualTo(64);
        assertThat(recordLength(4, 3, 0, 2, NO_EXPIRATION, false)).isEqualTo(40);
        assertThat(image.tail()).isEqualTo(104);
        UnsafeBuffer b = image.buffer;
        // The header as the spec lays it out, read raw and little-endian.
        assertThat(b.getLong(offset + 8, BYTE_ORDER)).as("sequence").isEqualTo(7);
        assertThat(b.getInt(offset + 16, BYTE_ORDER)).as("valueLen").isEqualTo(2);
        assertThat(b.getShort(offset + 20, BYTE_ORDER)).as("keyLen").isEqualTo((short) 3);
        assertThat(b.getByte(offset + 22)).as("typeFlags: a put, no optional field").isEqualTo(TYPE_PUT);
        assertThat(b.getByte(offset + 23)).as("nsLen").isEqualTo((byte) 4);
        assertThat(new String(image.bytes(offset + 24, 9), StandardCharsets.UTF_8)).isEqualTo("AUTHtokv1");
        assertThat(image.bytes(offset + 33, 7)).as("padding").containsOnly(0);
        assertThat(Records.checkHeader(b, offset, CAPACITY, MASK)).isEqualTo(Records.VALID);
        assertThat(Records.bodyIsIntact(b, offset, MASK)).isTrue();
    }

    @Test
    void theWorkedExampleWithExpirationAndMetadataHasA34ByteHeaderAndIs56Bytes() {
        SegmentImage image = new SegmentImage(CAPACITY);

        int offset = image.append(MASK, TYPE_PUT, 7, 1_900_000_000L, "AUTH", "tok", "{\"a\":1}", utf8("v1"));

        assertThat(image.tail() - offset).isEqualTo(56)
                .isEqualTo(recordLength(4, 3, 7, 2, 1_900_000_000L, false));
        UnsafeBuffer b = image.buffer;
        assertThat(b.getByte(offset + 22)).as("typeFlags: a put, EXPIRES, HAS_METADATA").isEqualTo((byte) 0x31);
        assertThat(b.getLong(offset + 24, BYTE_ORDER)).as("expiration").isEqualTo(1_900_000_000L);
        assertThat(b.getShort(offset + 32, BYTE_ORDER)).as("metaLen").isEqualTo((short) 7);
        assertThat(new String(image.bytes(offset + 34, 16), StandardCharsets.UTF_8)).isEqualTo("AUTHtok{\"a\":1}v1");
        assertThat(Records.headerLength(b, offset)).isEqualTo(34);
        assertThat(b.getInt(offset + HEADER_CRC_OFFSET, BYTE_ORDER))
                .isEqualTo(Checksums.crc32c(b, offset + 8, 34 - 8) ^ MASK);
        assertThat(b.getInt(offset + BODY_CRC_OFFSET, BYTE_ORDER))
                .isEqualTo(Checksums.crc32c(b, offset + 34, 56 - 34) ^ MASK);
    }

    @Test
    void aBatchMemberCarriesItsPositionAfterTheOtherOptionalFields() {
        SegmentImage image = new SegmentImage(CAPACITY);

        int first = image.appendBatchMember(1, 1_900_000_000L, "N", "a", "{}", utf8("v"), 2,
                (short) (BATCH_MEMBER | BATCH_FIRST));
        int middle = image.appendBatchMember(2, NO_EXPIRATION, "N", "b", null, utf8("v"), 1, BATCH_MEMBER);
        int last = image.appendBatchMember(3, NO_EXPIRATION, "N", "c", null, utf8("v"), 0, BATCH_MEMBER);

        UnsafeBuffer b = image.buffer;
        assertThat(b.getByte(first + 22)).isEqualTo((byte) (TYPE_PUT | EXPIRES | HAS_METADATA | BATCH_MEMBER
                | BATCH_FIRST));
        assertThat(b.getShort(first + 34, BYTE_ORDER)).as("batchFollowing after expiration and metaLen")
                .isEqualTo((short) 2);
        assertThat(Records.headerLength(b, first)).isEqualTo(36);
        assertThat(Records.headerLength(b, middle)).isEqualTo(26);
        assertThat(Records.batchFlags(b, first)).isEqualTo((short) (BATCH_MEMBER | BATCH_FIRST));
        assertThat(Records.batchFollowing(b, first)).isEqualTo(2);
        assertThat(Records.batchFlags(b, middle)).isEqualTo(BATCH_MEMBER);
        assertThat(Records.batchFollowing(b, middle)).isEqualTo(1);
        assertThat(Records.batchFollowing(b, last)).isZero();
        assertThat(Records.expirationEpochSeconds(b, first)).isEqualTo(1_900_000_000L);
        assertThat(Records.metadataLength(b, first)).isEqualTo(2);
        assertThat(Records.expirationEpochSeconds(b, middle)).isEqualTo(NO_EXPIRATION);
        assertThat(Records.length(b, first)).isEqualTo(recordLength(1, 1, 2, 1, 1_900_000_000L, true));
        assertThat(image.scan().recordOffsets()).containsExactly(first, middle, last);
    }

    /** Each header that breaks one rule of the one encoding, with a header CRC that matches it. */
    @ParameterizedTest
    @ValueSource(strings = {"bit 3 set", "EXPIRES with expiration 0", "HAS_METADATA with metaLen 0",
            "BATCH_FIRST alone", "a first record with nothing following", "batchFollowing at the batch limit",
            "metadata on a tombstone"})
    void aHeaderOutsideItsOneEncodingIsABadField(String rule) {
        SegmentImage image = new SegmentImage(CAPACITY);
        int offset;
        switch (rule) {
            case "bit 3 set":
                offset = image.put(1, "N", "k", null, utf8("v"));
                setTypeFlags(image, offset, TYPE_PUT | 0x08);
                break;
            case "EXPIRES with expiration 0":
                offset = image.append(MASK, TYPE_PUT, 1, 1_900_000_000L, "N", "k", null, utf8("v"));
                image.buffer.putLong(offset + 24, 0, BYTE_ORDER);
                break;
            case "HAS_METADATA with metaLen 0":
                offset = image.put(1, "N", "k", "{}", utf8("v"));
                image.buffer.putShort(offset + 24, (short) 0, BYTE_ORDER);
                break;
            case "BATCH_FIRST alone":
                offset = image.put(1, "N", "k", null, utf8("v"));
                setTypeFlags(image, offset, TYPE_PUT | BATCH_FIRST);
                break;
            case "a first record with nothing following":
                offset = image.appendBatchMember(1, NO_EXPIRATION, "N", "k", null, utf8("v"), 1,
                        (short) (BATCH_MEMBER | BATCH_FIRST));
                image.buffer.putShort(offset + 24, (short) 0, BYTE_ORDER);
                break;
            case "batchFollowing at the batch limit":
                offset = image.appendBatchMember(1, NO_EXPIRATION, "N", "k", null, utf8("v"), 1, BATCH_MEMBER);
                image.buffer.putShort(offset + 24, (short) MAX_BATCH_ENTRIES, BYTE_ORDER);
                break;
            default:
                offset = image.append(MASK, TYPE_TOMBSTONE, 1, NO_EXPIRATION, "N", "k", null, null);
                setTypeFlags(image, offset, TYPE_TOMBSTONE | HAS_METADATA);
                break;
        }
        int headerLength = Records.headerLength(image.buffer, offset);
        image.buffer.putInt(offset + HEADER_CRC_OFFSET,
                Checksums.crc32c(image.buffer, offset + 8, headerLength - 8) ^ MASK, BYTE_ORDER);

        assertThat(Records.checkHeader(image.buffer, offset, CAPACITY, MASK)).as(rule).isEqualTo(Records.BAD_FIELD);
    }

    private static void setTypeFlags(SegmentImage image, int offset, int typeFlags) {
        image.buffer.putByte(offset + TYPE_OFFSET, (byte) typeFlags);
    }

    @Test
    void theChecksumsAreMaskedCrc32cOfTheRangesTheSpecNames() {
        SegmentImage image = new SegmentImage(CAPACITY);
        int offset = image.put(7, "AUTH", "tok", null, utf8("v1"));
        UnsafeBuffer b = image.buffer;

        assertThat(b.getInt(offset + HEADER_CRC_OFFSET, BYTE_ORDER))
                .isEqualTo(Checksums.crc32c(b, offset + 8, 16) ^ MASK);
        assertThat(b.getInt(offset + BODY_CRC_OFFSET, BYTE_ORDER))
                .isEqualTo(Checksums.crc32c(b, offset + 24, 40 - 24) ^ MASK);
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
        assertThat(b.getStringWithoutLengthUtf8(Records.namespaceOffset(b, offset), Records.namespaceLength(b, offset)))
                .isEqualTo(namespace);
        assertThat(b.getStringWithoutLengthUtf8(Records.keyOffset(b, offset), Records.keyLength(b, offset)))
                .isEqualTo(key);
        assertThat(b.getStringWithoutLengthUtf8(Records.metadataOffset(b, offset), Records.metadataLength(b, offset)))
                .isEqualTo(metadata);
        assertThat(Records.valueLength(b, offset)).isEqualTo(value.length);
        assertThat(image.bytes(Records.valueOffset(b, offset), value.length)).isEqualTo(value);
        assertThat(Records.length(b, offset)).isEqualTo(image.tail() - offset)
                .isEqualTo(recordLength(utf8(namespace).length, utf8(key).length, utf8(metadata).length, value.length,
                        expiration, false));
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
        assertThat(Records.length(b, tombstone)).isEqualTo(recordLength(2, 4, 0, 0, NO_EXPIRATION, false)).isEqualTo(32);
        assertThat(Records.type(b, create)).isEqualTo(TYPE_NAMESPACE_CREATE);
        assertThat(Records.keyLength(b, create)).isZero();
        assertThat(Records.length(b, create)).isEqualTo(32);
        assertThat(Records.type(b, drop)).isEqualTo(TYPE_NAMESPACE_DROP);
        assertThat(Records.sequence(b, drop)).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 1000})
    void everyRecordIsPaddedToTheNextMultipleOfEight(int valueLength) {
        SegmentImage image = new SegmentImage(CAPACITY);
        int first = image.put(1, "N", "k", null, new byte[valueLength]);
        int second = image.put(2, "N", "k", null, utf8("x"));

        int raw = FIXED_HEADER_LENGTH + 1 + 1 + valueLength;
        assertThat(second - first).isEqualTo(recordLength(1, 1, 0, valueLength, NO_EXPIRATION, false))
                .isGreaterThanOrEqualTo(raw).isLessThan(raw + ALIGNMENT);
        assertThat(second % ALIGNMENT).isZero();
        assertThat(image.scan().recordOffsets()).containsExactly(first, second);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everySingleBitFlipOfARecordIsCaughtByOneOfItsTwoChecks(boolean everyOptionalField) {
        SegmentImage image = new SegmentImage(CAPACITY);
        int offset = everyOptionalField
                ? image.appendBatchMember(7, 1_900_000_000L, "AUTH", "tok", "{\"a\":1}", utf8("v1"), 3,
                        (short) (BATCH_MEMBER | BATCH_FIRST))
                : image.put(7, "AUTH", "tok", "{\"a\":1}", utf8("v1"));
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
