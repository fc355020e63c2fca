package dev.basalt.internal.tooling;

import java.nio.file.Path;

/**
 * One damaged range found by a check: {@code length} bytes of {@code file} from {@code offset}
 * (a whole file when offset is 0 and length its size), and what is wrong with them.
 *
 * @param file the damaged file
 * @param offset the first damaged byte
 * @param length how many bytes the damage spans, at least 1 (0 for a file that is missing)
 * @param reason what is wrong, and what the engine does about it where that is not obvious
 */
public record Damage(Path file, long offset, long length, String reason) {
    @Override
    public String toString() {
        return file + " offset " + offset + " (" + length + " bytes): " + reason;
    }
}
