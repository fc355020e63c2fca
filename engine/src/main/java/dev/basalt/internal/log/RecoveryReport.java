package dev.basalt.internal.log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What recovery found wrong, for the log and {@code stats}. Filled by one thread at open. */
public final class RecoveryReport {
    /** One damaged range: records in it were skipped. */
    public record Damage(Path file, long offset, long length, String reason) {
        @Override
        public String toString() {
            return file + " offset " + offset + " (" + length + " bytes): " + reason;
        }
    }

    private final List<Damage> corruptRecords = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private long tornTailBytes;

    /** Records damage found outside the log's own scan (for example by the store's sweep). */
    public void damagedRecord(Path file, long offset, long length, String reason) {
        corrupt(file, offset, length, reason);
    }

    void corrupt(Path file, long offset, long length, String reason) {
        corruptRecords.add(new Damage(file, offset, length, reason));
    }

    void warn(String warning) {
        warnings.add(warning);
    }

    void tornTail(long bytes) {
        tornTailBytes += bytes;
    }

    public List<Damage> corruptRecords() {
        return List.copyOf(corruptRecords);
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Bytes cut from the end of the active segment because they did not form intact records. */
    public long tornTailBytes() {
        return tornTailBytes;
    }
}
