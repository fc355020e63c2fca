package dev.basalt.tools;

import dev.basalt.internal.tooling.Damage;
import dev.basalt.internal.tooling.SegmentDump;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code basalt dump-segment FILE}: the records of one segment file, one line each, for debugging. */
@Command(name = "dump-segment", mixinStandardHelpOptions = true,
        description = {"Print the records of one segment file, for debugging.",
            "One line a record: offset, type, sequence, expiration, namespace, key, metadata, value length and"
                + " checksum status; damaged ranges on lines of their own. Reads the file only (no lock); the"
                + " store id comes from STORE next to it."},
        footer = {"", "Exit codes: 0 no damage, 1 damage found, 2 usage error."})
final class DumpSegmentCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "a segment file, e.g. basalt-data/000000000001.seg")
    private Path file;

    private final Io io;

    DumpSegmentCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("no segment file at " + file.toAbsolutePath());
        }
        SegmentDump.Summary summary;
        try {
            summary = SegmentDump.dump(file, new Printer());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        io.text.printf("%s records, %s damaged ranges, data ends at offset %d%n", Figures.count(summary.records()),
                Figures.count(summary.damagedRanges()), summary.dataEnd());
        return summary.damagedRanges() == 0 ? 0 : BasaltCli.FAILURE;
    }

    private final class Printer implements SegmentDump.Visitor {
        @Override
        public void header(SegmentDump.Header header) {
            io.text.printf("segment %d of store %016x (store id from %s), %s bytes, header %s%n", header.segmentId(),
                    header.storeId(), header.storeIdSource(), Figures.count(header.sizeBytes()),
                    header.headerStatus());
        }

        @Override
        public void record(SegmentDump.Entry e) {
            StringBuilder line = new StringBuilder();
            line.append("offset=").append(e.offset()).append(" type=").append(e.type()).append(" seq=")
                    .append(e.sequence()).append(" exp=")
                    .append(e.expirationEpochSeconds() == 0 ? "-" : Long.toString(e.expirationEpochSeconds()))
                    .append(" ns=").append(quote(e.namespace()));
            if (!e.type().startsWith("NAMESPACE")) {
                line.append(" key=").append(quote(e.key()));
            }
            if (e.metadataJson() != null) {
                line.append(" meta=").append(e.metadataJson());
            }
            if (e.type().equals("PUT")) {
                line.append(" value=").append(e.valueLength()).append('B');
            }
            line.append(" crc=").append(e.checksum());
            io.text.println(line);
        }

        @Override
        public void damage(Damage damage) {
            io.text.printf("DAMAGED offset=%d length=%d: %s%n", damage.offset(), damage.length(), damage.reason());
        }

        /** A name as a JSON string: quotes, and escapes for control characters. */
        private String quote(String name) {
            return Json.MAPPER.writeValueAsString(name);
        }
    }
}
