package dev.basalt.recovery;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Opens test stores with 1 MiB segments, the smallest allowed, so that a few puts seal segments. */
final class StoreFixture {
    static final long SEGMENT_BYTES = 1 << 20;

    private StoreFixture() {
    }

    static BasaltOptions options(Durability durability) {
        return BasaltOptions.defaults().withSegmentSize(SEGMENT_BYTES).withDurability(durability)
                .withBackgroundCompaction(false);
    }

    /**
     * {@code PERIODIC}, no compaction thread, no floor on TTLs and a clock stopped at
     * {@code nowEpochSeconds}: the expirations a test's model holds stay in the future however
     * long it runs, and checkpoints come only when the test asks.
     */
    static BasaltOptions periodicStoppedAt(long nowEpochSeconds) {
        return options(Durability.PERIODIC).withMinExpirationTtl(java.time.Duration.ZERO)
                .withClock(java.time.Clock.fixed(java.time.Instant.ofEpochSecond(nowEpochSeconds),
                        java.time.ZoneOffset.UTC));
    }

    /** Deletes {@code root} and everything under it. */
    static void deleteRecursively(Path root) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(root)) {
            for (Path file : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                java.nio.file.Files.deleteIfExists(file);
            }
        }
    }

    static Basalt open(Path dir) {
        return Basalt.open(dir, options(Durability.SYNC_EACH_WRITE));
    }

    /** Opens, runs {@code work}, closes. */
    static void session(Path dir, Consumer<Basalt> work) {
        try (Basalt db = open(dir)) {
            work.accept(db);
        }
    }

    /** A value that is non-zero to its last byte and tells its key apart. */
    static String valueOf(String key, int length) {
        StringBuilder value = new StringBuilder(length).append(key).append('=');
        while (value.length() < length) {
            value.append((char) ('a' + value.length() % 26));
        }
        return value.substring(0, length);
    }
}
