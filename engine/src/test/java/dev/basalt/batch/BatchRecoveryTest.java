package dev.basalt.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.WriteBatch;
import dev.basalt.internal.log.FileBytes;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.SegmentScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write batch is all or nothing on disk: a batch cut short at the log's end (a crash during
 * its append) or damaged in the middle is not replayed in part; records around it are.
 */
class BatchRecoveryTest {
    private static final int BATCH = 10;

    @TempDir
    Path dir;

    private static BasaltOptions options() {
        return BasaltOptions.defaults().withDurability(Durability.PERIODIC).withSegmentSize(1 << 20)
                .withMinExpirationTtl(Duration.ZERO).withBackgroundCompaction(false);
    }

    @Test
    void aBatchCutShortAtTheTailIsDroppedWhole() throws IOException {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            ns.put("before", "kept");
            ns.write(batch("cut:"));
        }
        Path segment = onlySegment();
        Files.deleteIfExists(hintOf(segment)); // as after a kill: the whole segment is scanned
        int sixth = batchRecordOffsets(segment).get(5);
        zeroFrom(segment, sixth, Files.size(segment)); // records 6..10 never reached the disk
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            assertThat(ns.get("before")).isEqualTo("kept");
            for (int i = 0; i < BATCH; i++) {
                assertThat(ns.get("cut:" + i)).as("batch key " + i).isNull();
            }
            ns.put("after", "written where the batch was");
        }
        try (Basalt db = Basalt.open(dir, options())) {
            assertThat(db.namespace("NS").get("after")).isEqualTo("written where the batch was");
            assertThat(db.namespace("NS").get("cut:0")).isNull();
        }
    }

    @Test
    void aBatchDamagedInTheMiddleIsNotReplayedInPart() throws IOException {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            ns.write(batch("whole:"));
            ns.write(batch("hurt:"));
            ns.put("after", "kept");
        }
        Path segment = onlySegment();
        Files.deleteIfExists(hintOf(segment));
        List<Integer> offsets = batchRecordOffsets(segment);
        int thirdOfSecond = offsets.get(BATCH + 2);
        flipByte(segment, thirdOfSecond + LogFormat.FIXED_HEADER_LENGTH + 4);
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            for (int i = 0; i < BATCH; i++) {
                assertThat(ns.get("whole:" + i)).as("intact batch key " + i).isEqualTo("v" + i);
                assertThat(ns.get("hurt:" + i)).as("damaged batch key " + i).isNull();
            }
            assertThat(ns.get("after")).isEqualTo("kept");
            assertThat(db.stats().corruptRecordsSkipped()).isPositive();
        }
    }

    private static WriteBatch batch(String prefix) {
        WriteBatch batch = WriteBatch.create();
        for (int i = 0; i < BATCH; i++) {
            batch.put(prefix + i, "v" + i);
        }
        return batch;
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> segments = files.filter(p -> p.toString().endsWith(LogFormat.SEGMENT_SUFFIX)).toList();
            assertThat(segments).hasSize(1);
            return segments.get(0);
        }
    }

    private static Path hintOf(Path segment) {
        String name = segment.getFileName().toString();
        return segment.resolveSibling(name.replace(LogFormat.SEGMENT_SUFFIX, LogFormat.HINT_SUFFIX));
    }

    /** Offsets of the records written as batch members, in file order. */
    private static List<Integer> batchRecordOffsets(Path segment) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        UnsafeBuffer buffer = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(bytes.length)); // CRC32C reads off-heap
        buffer.putBytes(0, bytes);
        int mask = maskOf(buffer);
        List<Integer> offsets = new ArrayList<>();
        SegmentScanner.scan(buffer, bytes.length, mask, new SegmentScanner.Listener() {
            @Override
            public void record(DirectBuffer b, int offset) {
                if ((Records.batchFlags(b, offset) & LogFormat.BATCH_MEMBER) != 0) {
                    offsets.add(offset);
                }
            }

            @Override
            public void corrupt(int offset, int length, String reason) {
            }
        });
        assertThat(offsets).as("batch records found").hasSizeGreaterThanOrEqualTo(BATCH);
        return offsets;
    }

    private static int maskOf(UnsafeBuffer segment) {
        long storeId = segment.getLong(LogFormat.SEGMENT_STORE_ID_OFFSET, LogFormat.BYTE_ORDER);
        long segmentId = segment.getLong(LogFormat.SEGMENT_ID_OFFSET, LogFormat.BYTE_ORDER);
        return dev.basalt.internal.log.Checksums.mask(storeId, segmentId);
    }

    private static void zeroFrom(Path file, long from, long to) {
        FileBytes.write(file, from, new byte[(int) (to - from)]);
    }

    private static void flipByte(Path file, long at) {
        FileBytes.flipBit(file, at, 6);
    }
}
