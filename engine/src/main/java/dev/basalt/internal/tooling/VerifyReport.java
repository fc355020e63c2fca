package dev.basalt.internal.tooling;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Verifier#verify} found in a data directory.
 *
 * @param directory the directory checked (its real path)
 * @param storeIdSource where the store id came from: "STORE", or a segment header when STORE
 *     is missing or damaged
 * @param segmentsScanned segment files read and checked
 * @param bytesScanned bytes of segment files read
 * @param records intact records, by type
 * @param hintFilesChecked hint files read and compared with their segments
 * @param checkpoint what the check of the checkpoint found, in one line ("none", "agrees with the
 *     log: ...", "rejected", ...); its disagreements are in {@code damage}
 * @param damage every damaged range, in file order within each file
 * @param warnings what is odd but costs no data (a missing hint file, a leftover temporary
 *     file): the next open deals with each
 */
public record VerifyReport(Path directory, String storeIdSource, int segmentsScanned, long bytesScanned,
        RecordCounts records, int hintFilesChecked, String checkpoint, List<Damage> damage, List<String> warnings) {
    /** Intact records of each type. */
    public record RecordCounts(long puts, long tombstones, long namespaceCreates, long namespaceDrops) {
        /** Every intact record. */
        public long total() {
            return puts + tombstones + namespaceCreates + namespaceDrops;
        }
    }

    public VerifyReport {
        damage = List.copyOf(damage);
        warnings = List.copyOf(warnings);
    }

    /** True when nothing is damaged (warnings allowed). */
    public boolean clean() {
        return damage.isEmpty();
    }
}
