package dev.basalt.recovery;

import static dev.basalt.recovery.StoreFixture.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.internal.tooling.Verifier;
import dev.basalt.internal.tooling.VerifyReport;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An active segment whose file ends exactly where its data ends, past the segment size of the
 * open: a crash between recovery's truncation of the active segment and its extension back to
 * capacity leaves one (crash point RECOVERY_ACTIVE_TRUNCATED) when the segment is larger than
 * the size the next open asks for; a segment filled to its last byte is the same case.
 *
 * <p>Regression, found by the kill campaign (seed 4602242455967078037, cycles 36 and 39): the
 * next open took the file's length as the capacity and "extended" the file by writing one zero
 * byte at capacity - 1, which was the last byte of the last record. That record then failed its
 * checksum at the following open and was skipped: there, a delete was lost and the deleted key
 * came back. (Records are padded to 8 bytes; the zero lands on data only when a record's body
 * ends on the boundary, as this test's last record does.)
 */
class ActiveSegmentEndsAtDataRecoveryTest {
    /** 300 values of 4,000 bytes: about 1.2 MB, more than the 1 MiB segments the later opens ask for. */
    private static final int KEYS = 300;
    private static final int VALUE_BYTES = 4_000;
    private static final String LAST_VALUE = valueOf("k0-last", 4_004);

    @TempDir
    Path dir;

    @Test
    void anActiveSegmentCutAtItsDataEndKeepsItsLastRecord() throws IOException {
        // Written with 2 MiB segments, reopened with 1 MiB ones (as after `basalt compact`, which
        // opens with the default size): the active segment's data end passes the new segment size.
        try (Basalt db = Basalt.open(dir, StoreFixture.options(Durability.PERIODIC).withSegmentSize(2L << 20))) {
            KvNamespace ns = db.namespace("NS");
            for (int i = 0; i < KEYS; i++) {
                ns.put("k" + i, valueOf("k" + i, VALUE_BYTES));
            }
            // The last record ends on an 8-byte boundary (40-byte header + "NS" + "k0" + 4,004 bytes),
            // so its last byte is value, not padding. If it is lost, k0's older value comes back.
            ns.put("k0", LAST_VALUE);
        }
        Path active = DataDirectory.activeSegment(dir);
        long dataEnd = DataDirectory.dataEnd(active);
        try (FileChannel channel = FileChannel.open(active, StandardOpenOption.WRITE)) {
            channel.truncate(dataEnd); // what a crash right after recovery's truncation leaves
        }
        assertThat(Files.size(active)).isEqualTo(dataEnd).isGreaterThan(StoreFixture.SEGMENT_BYTES);

        for (int open = 1; open <= 2; open++) {
            try (Basalt db = StoreFixture.open(dir)) {
                KvNamespace ns = db.namespace("NS");
                assertThat(ns.get("k0")).as("open %d: the last write", open).isEqualTo(LAST_VALUE);
                for (int i = 1; i < KEYS; i++) {
                    assertThat(ns.get("k" + i)).as("open %d: k%d", open, i).isEqualTo(valueOf("k" + i, VALUE_BYTES));
                }
            }
            VerifyReport report = Verifier.verify(dir);
            assertThat(report.damage()).as("verify after open %d", open).isEmpty();
        }
        try (Basalt db = StoreFixture.open(dir)) {
            KvNamespace ns = db.namespace("NS");
            ns.put("after", "the segment takes writes again");
            assertThat(ns.get("after")).isEqualTo("the segment takes writes again");
        }
        try (Basalt db = StoreFixture.open(dir)) {
            assertThat(db.namespace("NS").get("after")).isEqualTo("the segment takes writes again");
            assertThat(db.namespace("NS").get("k0")).isEqualTo(LAST_VALUE);
        }
    }
}
