package dev.basalt.reliability.corruption;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.PutOptions;
import dev.basalt.internal.tooling.Verifier;
import dev.basalt.internal.tooling.VerifyReport;
import dev.basalt.reliability.support.ReliabilityReport;
import dev.basalt.reliability.support.Scale;
import dev.basalt.reliability.support.Seeds;
import dev.basalt.testing.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint is derived data: whatever happens to it, an open serves exactly what the log
 * holds. One store (several 1 MiB segments, two namespaces, metadata, expirations, deletes) is
 * closed cleanly; then, per trial, its {@code CHECKPOINT} is damaged (a bit flip, a zeroed 4 KiB
 * page, a block of garbage, a truncation) or replaced by an older checkpoint of the same store
 * or by another store's. After each:
 *
 * <ul>
 *   <li>{@code Verifier.verify} reports the damaged or foreign checkpoint as damage of that file,
 *       and finds the older one in agreement with the log;</li>
 *   <li>the store opens: from the log for a rejected checkpoint, from the older checkpoint plus
 *       the log after it otherwise;</li>
 *   <li>every key reads exactly as the model of the writes says (value and metadata), the
 *       listing of each namespace is exactly the model's keys (nothing lost, nothing
 *       resurrected), and the store takes a new write.</li>
 * </ul>
 *
 * <p>Sizes: {@code basalt.checkpointdamage.trials} per damage kind (CI 60, soak 2,000); seed
 * {@code basalt.checkpointdamage.seed}.
 */
class CheckpointDamageTest {
    private static final List<String> NAMESPACES = List.of("ALPHA", "BETA");
    private static final long NOW = 1_900_000_000L;
    private static final int PAGE_BYTES = 4096;

    enum Kind { BIT_FLIP, ZERO_PAGE, GARBAGE, TRUNCATE, OLDER, FOREIGN }

    private Path root;

    @AfterEach
    void cleanUp() {
        if (root != null) {
            TestFiles.deleteRecursively(root);
        }
    }

    private static BasaltOptions options() {
        return BasaltOptions.defaults().withDurability(Durability.PERIODIC).withSegmentSize(1 << 20)
                .withBackgroundCompaction(false).withMinExpirationTtl(Duration.ZERO)
                .withClock(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    }

    @Test
    void anyCheckpointDamageOpensToExactlyWhatTheLogHolds() throws IOException {
        long seed = Seeds.seed("checkpointdamage", "basalt.checkpointdamage.seed");
        int trialsPerKind = Scale.count("basalt.checkpointdamage.trials", 60, 2_000);
        root = TestFiles.newTempDirectory("basalt-checkpoint-damage");
        Random random = new Random(seed);
        Path pristine = root.resolve("pristine");
        Map<String, Map<String, String>> model = new TreeMap<>();
        try (Basalt db = Basalt.open(pristine, options())) {
            write(db, model, random, 1500);
        }
        byte[] older = Files.readAllBytes(pristine.resolve("CHECKPOINT"));
        try (Basalt db = Basalt.open(pristine, options())) {
            write(db, model, random, 1500);
        }
        Path foreignDir = root.resolve("foreign");
        try (Basalt db = Basalt.open(foreignDir, options())) {
            write(db, new TreeMap<>(), new Random(seed + 1), 300);
        }
        byte[] foreign = Files.readAllBytes(foreignDir.resolve("CHECKPOINT"));
        byte[] current = Files.readAllBytes(pristine.resolve("CHECKPOINT"));

        Map<Kind, int[]> tally = new TreeMap<>(); // {trials, verify reported, opened from the log, opened from a checkpoint}
        List<String> failures = new ArrayList<>();
        Path work = root.resolve("work");
        for (Kind kind : Kind.values()) {
            int trials = kind == Kind.OLDER || kind == Kind.FOREIGN ? Math.max(3, trialsPerKind / 20) : trialsPerKind;
            for (int trial = 0; trial < trials; trial++) {
                Random damage = new Random(seed ^ (kind.ordinal() * 1_000_003L + trial));
                restore(pristine, work);
                Files.write(work.resolve("CHECKPOINT"), damaged(kind, current, older, foreign, damage));
                int[] counts = tally.computeIfAbsent(kind, k -> new int[4]);
                counts[0]++;
                String label = kind + ":" + trial;
                VerifyReport report = Verifier.verify(work);
                boolean reported = report.damage().stream()
                        .anyMatch(d -> d.file().getFileName().toString().equals("CHECKPOINT"));
                if (kind == Kind.OLDER ? !report.clean() : !reported) {
                    failures.add(label + ": verify " + (kind == Kind.OLDER ? "found damage " + report.damage()
                            : "did not report the checkpoint: " + report.checkpoint()));
                } else {
                    counts[1]++;
                }
                try (Basalt db = Basalt.open(work, options())) {
                    String replayed = BasaltInternals.store(db).replayedBecause();
                    counts[replayed == null ? 3 : 2]++;
                    String problem = differences(db, model);
                    if (problem != null) {
                        failures.add(label + ": " + problem);
                    }
                    db.namespace("ALPHA").put("after-" + label, "written");
                    if (!"written".equals(db.namespace("ALPHA").get("after-" + label))) {
                        failures.add(label + ": a new write did not read back");
                    }
                }
            }
        }
        ReliabilityReport.Line line = ReliabilityReport.line("CheckpointDamageTest", seed);
        for (Map.Entry<Kind, int[]> e : tally.entrySet()) {
            System.out.printf("CheckpointDamageTest %s: trials %d, verify exact %d, opened from the log %d,"
                    + " from a checkpoint %d%n", e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2],
                    e.getValue()[3]);
            line.figure(figureName(e.getKey()), e.getValue()[0]);
        }
        line.figure("failures", failures.size()).write();
        assertThat(failures).as("trials whose open or verify went wrong (seed " + seed + ")").isEmpty();
        assertThat(tally.get(Kind.OLDER)[3]).as("the older checkpoint is loaded and the log after it replayed")
                .isEqualTo(tally.get(Kind.OLDER)[0]);
        for (Kind kind : List.of(Kind.BIT_FLIP, Kind.ZERO_PAGE, Kind.GARBAGE, Kind.TRUNCATE, Kind.FOREIGN)) {
            assertThat(tally.get(kind)[2]).as(kind + ": a rejected checkpoint means a replay of the log")
                    .isEqualTo(tally.get(kind)[0]);
        }
    }

    /** "bitFlipTrials", "olderTrials", ...: the report's camel case. */
    private static String figureName(Kind kind) {
        StringBuilder name = new StringBuilder();
        for (String part : kind.name().toLowerCase(java.util.Locale.ROOT).split("_")) {
            name.append(name.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return name + "Trials";
    }

    private static byte[] damaged(Kind kind, byte[] current, byte[] older, byte[] foreign, Random random) {
        byte[] bytes = current.clone();
        switch (kind) {
            case BIT_FLIP: {
                int at = random.nextInt(bytes.length);
                bytes[at] ^= (byte) (1 << random.nextInt(8));
                return bytes;
            }
            case ZERO_PAGE: {
                int page = random.nextInt((bytes.length + PAGE_BYTES - 1) / PAGE_BYTES);
                java.util.Arrays.fill(bytes, page * PAGE_BYTES, Math.min(bytes.length, (page + 1) * PAGE_BYTES),
                        (byte) 0);
                if (java.util.Arrays.equals(bytes, current)) {
                    bytes[page * PAGE_BYTES] ^= 1; // the page was all zeros already: damage it anyway
                }
                return bytes;
            }
            case GARBAGE: {
                int length = 1 + random.nextInt(512);
                int at = random.nextInt(Math.max(1, bytes.length - length));
                byte[] garbage = new byte[length];
                random.nextBytes(garbage);
                System.arraycopy(garbage, 0, bytes, at, Math.min(length, bytes.length - at));
                if (java.util.Arrays.equals(bytes, current)) {
                    bytes[at] ^= 1;
                }
                return bytes;
            }
            case TRUNCATE:
                return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case OLDER:
                return older.clone();
            default:
                return foreign.clone();
        }
    }

    /** Null when the store holds exactly the model; else the first difference. */
    private static String differences(Basalt db, Map<String, Map<String, String>> model) {
        for (String name : NAMESPACES) {
            KvNamespace ns = db.namespace(name);
            Map<String, String> keys = model.getOrDefault(name, Map.of());
            List<String> listed = ns.listAll(ListOptions.all()).map(KeyInfo::name).collect(Collectors.toList());
            if (!listed.equals(new ArrayList<>(keys.keySet()))) {
                return name + " lists " + listed.size() + " keys, the model " + keys.size();
            }
            for (Map.Entry<String, String> e : keys.entrySet()) {
                String value = ns.get(e.getKey());
                if (!e.getValue().equals(value)) {
                    return name + " " + e.getKey() + " reads " + (value == null ? "nothing" : "other bytes");
                }
            }
        }
        return null;
    }

    private static void write(Basalt db, Map<String, Map<String, String>> model, Random random, int operations) {
        for (int i = 0; i < operations; i++) {
            String name = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
            KvNamespace ns = db.namespace(name);
            Map<String, String> keys = model.computeIfAbsent(name, n -> new TreeMap<>());
            String key = "key/" + random.nextInt(150);
            if (random.nextInt(8) == 0) {
                ns.delete(key);
                keys.remove(key);
                continue;
            }
            String value = "v" + i + "-" + "x".repeat(100 + random.nextInt(2000));
            switch (random.nextInt(3)) {
                case 0 -> ns.put(key, value, PutOptions.none().withMetadata(Map.of("i", i)));
                case 1 -> ns.put(key, value, PutOptions.expiration(NOW + 1_000_000));
                default -> ns.put(key, value);
            }
            keys.put(key, value);
        }
    }

    /** The pristine directory again, modification times kept (so its checkpoint is usable). */
    private static void restore(Path pristine, Path work) {
        TestFiles.deleteRecursively(work);
        try (Stream<Path> files = Files.list(pristine)) {
            Files.createDirectories(work);
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!file.getFileName().toString().equals("LOCK")) {
                    Files.copy(file, work.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
