package dev.basalt.internal.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.PutOptions;
import dev.basalt.internal.log.LogFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentDumpTest {
    private static final long NOW = 1_700_000_000L;

    @Test
    void listsEveryRecordWithItsFields(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults().withClock(clock))) {
            db.namespace("AUTH").put("tok", "v1", PutOptions.expirationTtl(3600).withMetadata(Map.of("ip", "10.0.0.7")));
            db.namespace("AUTH").delete("tok");
        }
        List<SegmentDump.Entry> entries = new ArrayList<>();
        List<SegmentDump.Header> headers = new ArrayList<>();
        SegmentDump.Summary summary = SegmentDump.dump(dir.resolve(LogFormat.segmentFileName(1)), new Collector(
                headers, entries, new ArrayList<>()));

        assertThat(headers).singleElement().satisfies(h -> {
            assertThat(h.segmentId()).isEqualTo(1);
            assertThat(h.storeIdSource()).isEqualTo("STORE");
            assertThat(h.headerStatus()).isEqualTo("ok");
        });
        assertThat(entries).extracting(SegmentDump.Entry::type).containsExactly("NAMESPACE_CREATE", "PUT", "TOMBSTONE");
        SegmentDump.Entry put = entries.get(1);
        assertThat(put.offset()).isEqualTo(entries.get(0).offset() + entries.get(0).length());
        assertThat(put.namespace()).isEqualTo("AUTH");
        assertThat(put.key()).isEqualTo("tok");
        assertThat(put.expirationEpochSeconds()).isEqualTo(NOW + 3600);
        assertThat(put.metadataJson()).isEqualTo("{\"ip\":\"10.0.0.7\"}");
        assertThat(put.valueLength()).isEqualTo(2);
        assertThat(put.checksum()).isEqualTo("ok");
        assertThat(entries.get(2).sequence()).isGreaterThan(put.sequence());
        assertThat(summary.records()).isEqualTo(3);
        assertThat(summary.damagedRanges()).isZero();
        assertThat(summary.dataEnd()).isEqualTo(entries.get(2).offset() + entries.get(2).length());
    }

    @Test
    void aRecordWithADamagedBodyIsShownWithItsChecksumStatusAndTheRange(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        TestStores.write(dir, 5);
        Path segment = dir.resolve(LogFormat.segmentFileName(1));
        long offset = TestStores.recordOffset(segment, "USERS", "key-2", TestStores.value(2));
        TestStores.flipByte(segment, offset + 60);
        List<SegmentDump.Entry> entries = new ArrayList<>();
        List<Damage> damage = new ArrayList<>();

        SegmentDump.dump(segment, new Collector(new ArrayList<>(), entries, damage));

        assertThat(entries).filteredOn(e -> e.key().equals("key-2")).singleElement()
                .satisfies(e -> assertThat(e.checksum()).isEqualTo("body checksum mismatch"));
        assertThat(damage).singleElement().satisfies(d -> assertThat(d.offset()).isEqualTo(offset));
        assertThat(entries).filteredOn(e -> e.checksum().equals("ok")).hasSize(6); // create, 4 puts, tombstone
    }

    private record Collector(List<SegmentDump.Header> headers, List<SegmentDump.Entry> entries, List<Damage> damage)
            implements SegmentDump.Visitor {
        @Override
        public void header(SegmentDump.Header header) {
            headers.add(header);
        }

        @Override
        public void record(SegmentDump.Entry entry) {
            entries.add(entry);
        }

        @Override
        public void damage(Damage found) {
            damage.add(found);
        }
    }
}
