package dev.basalt.reliability.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.reliability.support.ReliabilityReport;
import dev.basalt.reliability.support.Seeds;
import dev.basalt.testing.ManualClock;
import dev.basalt.testing.TestFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Hostile input at the API edge (API.md "Errors"): odd and path-traversing namespace names,
 * tampered and foreign cursors, keys, values, metadata and streams at their limit and one past
 * it, TTL and expiration edges, list limit edges. Every rejected call must throw the documented
 * {@link IllegalArgumentException} whose message names the figure and the limit, and must leave
 * every byte under the data directory's parent as it was: nothing written, no file created
 * inside or outside the directory. After a workload that rolls segments, writes hint files and
 * compacts, every file the engine created must be mode 0600 and every directory 0700.
 *
 * <p>The random parts (cursor bit flips, random base64) take their seed from
 * {@code -Dbasalt.hostile.seed}.
 */
class HostileInputTest {
    private static final long MAX_VALUE_BYTES = 64 * 1024;
    private static final long MIN_TTL_SECONDS = 60;
    private static final int RANDOM_CURSORS = 300;

    /** Figures gathered over the class's tests, written as one report line at the end. */
    private static final Map<String, Long> FIGURES = new java.util.LinkedHashMap<>();
    private static long seed;

    private Path parent;
    private Path dir;
    private ManualClock clock;
    private Basalt db;
    private KvNamespace ns;
    private int rejected;

    @BeforeEach
    void open() {
        parent = TestFiles.newTempDirectory("basalt-hostile");
        dir = parent.resolve("data");
        clock = new ManualClock();
        db = Basalt.open(dir, options(clock));
        ns = db.namespace("HOSTILE");
        for (int i = 0; i < 5; i++) {
            ns.put("key-" + i, "value-" + i);
        }
    }

    private static BasaltOptions options(ManualClock clock) {
        return BasaltOptions.defaults().withClock(clock).withMinExpirationTtl(Duration.ofSeconds(MIN_TTL_SECONDS))
                .withSegmentSize(1 << 20).withMaxValueSize(MAX_VALUE_BYTES).withDurability(Durability.SYNC_EACH_WRITE)
                .withBackgroundCompaction(false);
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
        TestFiles.deleteRecursively(parent);
    }

    @Test
    void namespaceNamesNeverBecomePaths() {
        List<String> names = List.of("../x", "/abs", "a/b", "..", ".", "a\u0000b", "\u0000", "x".repeat(65),
                "ключ", "名前", "emoji\uD83D\uDE00", "", " ", "a b", "a.b", "C:\\x", "%2e%2e", "a\\b", "LOCK\n",
                "..\\..\\etc", "x".repeat(10_000));
        Map<String, String> before = snapshot(parent);
        for (String name : names) {
            expectRejected(() -> db.namespace(name), "namespace name", "1..64");
            expectRejected(() -> db.dropNamespace(name), "namespace name", "1..64");
        }
        expectRejected(() -> db.namespace(null), "namespace name", "1..64");
        assertUnchanged(before);
        assertThat(db.namespaces()).containsExactly("HOSTILE");
        KvNamespace longest = db.namespace("N".repeat(64));
        longest.put("k", "v");
        assertThat(longest.get("k")).isEqualTo("v");
        assertNoFileOutside(before);
        figures("namespaceNamesRejected", rejected);
    }

    @Test
    void tamperedAndForeignCursorsAreRejected() {
        seed = Seeds.seed("hostile", "basalt.hostile.seed");
        Random random = new Random(seed);
        ListResult first = ns.list(ListOptions.all().withLimit(2));
        String cursor = first.cursor();
        assertThat(cursor).isNotNull();
        KvNamespace other = db.namespace("OTHER");
        other.put("key-0", "x");
        other.put("key-1", "x");
        other.put("key-2", "x");
        String otherNamespaceCursor = other.list(ListOptions.all().withLimit(2)).cursor();
        String otherPrefixCursor = ns.list(ListOptions.prefix("key-").withLimit(2)).cursor();
        String otherStoreCursor;
        try (Basalt foreign = Basalt.open(parent.resolve("foreign"), options(clock))) {
            KvNamespace same = foreign.namespace("HOSTILE");
            for (int i = 0; i < 5; i++) {
                same.put("key-" + i, "value-" + i);
            }
            otherStoreCursor = same.list(ListOptions.all().withLimit(2)).cursor();
        }
        Map<String, String> before = snapshot(parent);
        int tries = 0;
        byte[] bytes = Base64.getUrlDecoder().decode(cursor);
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] flipped = bytes.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(flipped);
            expectRejected(() -> ns.list(ListOptions.all().withLimit(2).withCursor(tampered)), "cursor");
            tries++;
        }
        for (int length = 1; length < cursor.length(); length++) {
            String truncated = cursor.substring(0, length);
            expectRejected(() -> ns.list(ListOptions.all().withCursor(truncated)), "cursor");
            tries++;
        }
        for (String foreign : List.of(otherNamespaceCursor, otherStoreCursor, cursor + "A", cursor + "=", " " + cursor)) {
            expectRejected(() -> ns.list(ListOptions.all().withCursor(foreign)), "cursor");
            tries++;
        }
        expectRejected(() -> ns.list(ListOptions.prefix("key-").withCursor(cursor)), "cursor");
        expectRejected(() -> ns.list(ListOptions.all().withCursor(otherPrefixCursor)), "cursor");
        expectRejected(() -> other.list(ListOptions.all().withCursor(cursor)), "cursor");
        tries += 3;
        for (int i = 0; i < RANDOM_CURSORS; i++) {
            byte[] noise = new byte[1 + random.nextInt(80)];
            random.nextBytes(noise);
            String garbage = Base64.getUrlEncoder().withoutPadding().encodeToString(noise);
            expectRejected(() -> ns.list(ListOptions.all().withCursor(garbage)), "cursor");
            tries++;
        }
        assertUnchanged(before);
        // The genuine cursor still works, and continues after the page it came from.
        ListResult second = ns.list(ListOptions.all().withLimit(2).withCursor(cursor));
        assertThat(second.keys()).extracting(k -> k.name()).containsExactly("key-2", "key-3");
        figures("cursorsRejected", tries);
    }

    @Test
    void oversizedKeysValuesMetadataAndStreamsWriteNothing() {
        Map<String, String> before = snapshot(parent);
        int limit = (int) MAX_VALUE_BYTES;
        expectNothingWritten("k".repeat(513), key -> ns.put(key, "v"), "key is 513 bytes", "512");
        String twoByteKey = "é".repeat(257); // 514 bytes of UTF-8
        expectNothingWritten(twoByteKey, key -> ns.put(key, "v"), "key is 514 bytes", "512");
        for (String bad : List.of("", ".", "..")) {
            expectRejected(() -> ns.put(bad, "v"), "key");
        }
        expectRejected(() -> ns.put("a\uD800b", "v"), "unpaired surrogate");
        expectNothingWritten("big-bytes", key -> ns.put(key, new byte[limit + 1]), "value is 65537 bytes",
                "limit is 65536");
        expectNothingWritten("big-buffer", key -> ns.put(key, ByteBuffer.allocate(limit + 1)), "value is 65537 bytes",
                "limit is 65536");
        expectNothingWritten("big-text", key -> ns.put(key, "x".repeat(limit + 1)), "65537", "65536");
        CountingStream endless = new CountingStream();
        expectNothingWritten("big-stream", key -> ns.put(key, endless), "more than 65536 bytes");
        assertThat(endless.read).as("a stream is read to at most the limit + 1 bytes").isLessThanOrEqualTo(limit + 1);
        // metadata: a JSON string of n characters is n + 2 bytes
        expectNothingWritten("big-meta", key -> ns.put(key, "v", PutOptions.none().withMetadata("m".repeat(1023))),
                "metadata is 1025 bytes", "1024");
        expectNothingWritten("big-bulk", key -> ns.get(bulkKeys(101)), "101", "1..100");
        assertUnchanged(before);

        ns.put("k".repeat(512), "v");
        ns.put("é".repeat(256), "v");
        ns.put("at-limit", new byte[limit]);
        ns.put("stream-at-limit", new ByteArrayInputStream(new byte[limit]));
        ns.put("meta-at-limit", "v", PutOptions.none().withMetadata("m".repeat(1022)));
        assertThat(ns.get("at-limit", ValueType.BYTES)).hasSize(limit);
        assertThat(ns.get("stream-at-limit", ValueType.BYTES)).hasSize(limit);
        assertThat(ns.getWithMetadata("meta-at-limit").metadata().asString()).hasSize(1022);
        assertThat(ns.get(bulkKeys(100))).hasSize(100);
        assertNoFileOutside(before);
        figures("oversizedRejected", rejected);
    }

    @Test
    void expirationEdges() {
        long now = clock.epochSecond();
        Map<String, String> before = snapshot(parent);
        expectNothingWritten("ttl-59", key -> ns.put(key, "v", PutOptions.expirationTtl(59)), "expirationTtl is 59",
                "minimum is 60");
        expectNothingWritten("ttl-0", key -> ns.put(key, "v", PutOptions.expirationTtl(0)), "expirationTtl is 0", "60");
        expectNothingWritten("ttl-neg", key -> ns.put(key, "v", PutOptions.expirationTtl(-1)), "expirationTtl is -1",
                "60");
        expectNothingWritten("ttl-huge", key -> ns.put(key, "v", PutOptions.expirationTtl(Long.MAX_VALUE)),
                "expirationTtl is " + Long.MAX_VALUE, "maximum");
        expectNothingWritten("exp-59", key -> ns.put(key, "v", PutOptions.expiration(now + 59)),
                "expiration " + (now + 59), "minimum is 60");
        expectNothingWritten("exp-now", key -> ns.put(key, "v", PutOptions.expiration(now)), "expiration " + now);
        expectNothingWritten("exp-past", key -> ns.put(key, "v", PutOptions.expiration(now - 3600)),
                "expiration " + (now - 3600));
        expectNothingWritten("exp-0", key -> ns.put(key, "v", PutOptions.expiration(0)), "expiration 0");
        expectNothingWritten("exp-neg", key -> ns.put(key, "v", PutOptions.expiration(-5)), "expiration -5");
        assertUnchanged(before);

        ns.put("ttl-60", "v", PutOptions.expirationTtl(60));
        ns.put("exp-60", "v", PutOptions.expiration(now + 60));
        ns.put("exp-far", "v", PutOptions.expiration(Long.MAX_VALUE));
        // expirationTtl wins over an expiration that alone would be rejected (API.md)
        ns.put("both", "v", PutOptions.expiration(now - 10).withExpirationTtl(60));
        assertThat(ns.get("ttl-60")).isEqualTo("v");
        clock.advanceSeconds(59);
        assertThat(ns.get("exp-60")).isEqualTo("v");
        clock.advanceSeconds(1);
        assertThat(ns.get("ttl-60")).as("gone at its second").isNull();
        assertThat(ns.get("exp-60")).isNull();
        assertThat(ns.get("both")).isNull();
        assertThat(ns.get("exp-far")).isEqualTo("v");
        figures("expirationRejected", rejected);
    }

    @Test
    void listLimitEdges() {
        Map<String, String> before = snapshot(parent);
        for (int limit : new int[] {0, -1, 1001, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            expectRejected(() -> ListOptions.all().withLimit(limit), "limit is " + limit, "1..1000");
        }
        expectRejected(() -> ns.list(ListOptions.prefix("p".repeat(513))), "513", "512");
        assertUnchanged(before);
        assertThat(ns.list(ListOptions.all().withLimit(1)).keys()).hasSize(1);
        assertThat(ns.list(ListOptions.all().withLimit(1000)).keys()).hasSize(5);
        assertThat(ns.list(ListOptions.prefix("p".repeat(512))).keys()).isEmpty();
        figures("listLimitsRejected", rejected);
    }

    @Test
    void everyFileIs0600AndEveryDirectory0700AfterRollsHintsAndCompaction() throws IOException {
        if (!Files.getFileStore(parent).supportsFileAttributeView("posix")) {
            // Skipped, never passed: the report names it and JUnit counts it as skipped.
            String reason = "the file system under " + parent + " has no POSIX permissions";
            System.out.println("hostile-modes: skipped, " + reason);
            ReliabilityReport.line("hostile-modes", 0).figure("skipped", reason).write();
            Assumptions.assumeTrue(false, reason);
        }
        byte[] value = new byte[30_000];
        new Random(1).nextBytes(value);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 60; i++) {
                ns.put("bulk-" + i, value);
            }
        }
        db.namespace("TEMP").put("k", value);
        db.dropNamespace("TEMP");
        db.namespace("AGAIN").put("k", "v", PutOptions.expirationTtl(60));
        db.compact();
        db.close();
        db = Basalt.open(dir, options(clock)); // reopen: hint files read, active segment rescanned
        db.namespace("AGAIN").put("after", "reopen");
        db.close();
        db = null;
        Set<PosixFilePermission> fileMode = PosixFilePermissions.fromString("rw-------");
        Set<PosixFilePermission> dirMode = PosixFilePermissions.fromString("rwx------");
        int files = 0;
        int segments = 0;
        int hints = 0;
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
                boolean directory = Files.isDirectory(path);
                if (!mode.equals(directory ? dirMode : fileMode)) {
                    wrong.add(dir.relativize(path) + " " + PosixFilePermissions.toString(mode));
                }
                if (!directory) {
                    files++;
                    segments += path.toString().endsWith(".seg") ? 1 : 0;
                    hints += path.toString().endsWith(".hint") ? 1 : 0;
                }
            }
        }
        assertThat(segments).as("the workload rolled segments").isGreaterThanOrEqualTo(2);
        assertThat(hints).as("the workload wrote hint files").isPositive();
        assertThat(wrong).as("files not 0600 / directories not 0700").isEmpty();
        figures("filesModeChecked", files);
        figures("wrongModes", wrong.size());
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> bulkKeys(int n) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add("bulk-key-" + i);
        }
        return keys;
    }

    /** A put of {@code key} that must be rejected and leave the key absent. */
    private void expectNothingWritten(String key, java.util.function.Consumer<String> put, String... fragments) {
        expectRejected(() -> put.accept(key), fragments);
        if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 512 && !key.startsWith("big-bulk")) {
            assertThat(ns.get(key)).as("%s is absent after the rejected put", key).isNull();
        }
    }

    private void expectRejected(Runnable call, String... fragments) {
        Throwable thrown = catchThrowable(call::run);
        assertThat(thrown).as("only IllegalArgumentException").isExactlyInstanceOf(IllegalArgumentException.class);
        assertThat(thrown.getMessage()).contains(fragments);
        rejected++;
    }

    /** Every path under {@code root} with its size and CRC32C (directories by name only). */
    private static Map<String, String> snapshot(Path root) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                String name = root.relativize(path).toString();
                if (Files.isDirectory(path)) {
                    files.put(name + "/", "dir");
                } else {
                    CRC32C crc = new CRC32C();
                    byte[] bytes = Files.readAllBytes(path);
                    crc.update(bytes);
                    files.put(name, bytes.length + ":" + Long.toHexString(crc.getValue()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Nothing under the data directory's parent changed since {@code before}: no byte, no file. */
    private void assertUnchanged(Map<String, String> before) {
        Map<String, String> after = snapshot(parent);
        figures("unchangedChecks", 1);
        figures("nothingWrittenViolations", after.equals(before) ? 0 : 1);
        assertThat(after).as("nothing written, no file created by rejected calls").isEqualTo(before);
    }

    /** No path outside the data directory appeared since {@code before}. */
    private void assertNoFileOutside(Map<String, String> before) {
        List<String> outside = new ArrayList<>();
        for (String name : snapshot(parent).keySet()) {
            if (!name.equals("data/") && !name.startsWith("data/") && !before.containsKey(name)) {
                outside.add(name);
            }
        }
        figures("filesOutsideDirectory", outside.size());
        assertThat(outside).as("files created outside the data directory").isEmpty();
    }

    private static void figures(String test, long value) {
        FIGURES.merge(test, value, Long::sum);
    }

    /** One line for the whole class: rejected calls per group, and the modes check. */
    @AfterAll
    static void report() {
        ReliabilityReport.Line line = ReliabilityReport.line("hostile", seed);
        FIGURES.forEach(line::figure);
        line.write();
    }

    /** An endless stream that counts what was read from it. */
    private static final class CountingStream extends InputStream {
        long read;

        @Override
        public int read() {
            read++;
            return 'x';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Arrays.fill(b, off, off + len, (byte) 'x');
            read += len;
            return len;
        }
    }
}
