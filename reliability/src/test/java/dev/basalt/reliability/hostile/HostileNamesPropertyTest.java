package dev.basalt.reliability.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ValueType;
import dev.basalt.testing.TestFiles;
import dev.basalt.testing.Utf8Arbitraries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random namespace names and keys against one open store: a name is either legal (1..64
 * characters of {@code [A-Za-z0-9_-]}) and works, or it is an {@link IllegalArgumentException}
 * naming the rule; a key is either legal (1..512 bytes of well-formed UTF-8, not "." or "..")
 * and round-trips exactly, or it is an {@link IllegalArgumentException}. Either way the data
 * directory holds only the engine's own file names and nothing appears beside it.
 *
 * <p>The store is shared by the tries of the class (opened before the first, checked and
 * deleted after the last); jqwik prints the seed of a failing try.
 */
class HostileNamesPropertyTest {
    private static final Pattern LEGAL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** The only names the engine gives files in a data directory (docs/format.md). */
    private static final Pattern ENGINE_FILE = Pattern.compile("\\d{12}\\.(seg|hint)|STORE|LOCK|CURSOR_KEY|CHECKPOINT");
    private static Path parent;
    private static Path dir;
    private static Basalt db;

    @BeforeContainer
    static void open() {
        parent = TestFiles.newTempDirectory("basalt-hostile-names");
        dir = parent.resolve("data");
        db = Basalt.open(dir, BasaltOptions.defaults().withSegmentSize(1 << 20)
                .withDurability(Durability.PERIODIC).withBackgroundCompaction(false));
    }

    @AfterContainer
    static void close() {
        try {
            db.close();
            assertThat(listNames(parent)).as("nothing beside the data directory").containsExactly("data");
            assertThat(listNames(dir)).allMatch(name -> ENGINE_FILE.matcher(name).matches());
        } finally {
            TestFiles.deleteRecursively(parent);
        }
    }

    @Property(tries = 400)
    void namespaceNamesAreLegalOrRejected(@ForAll("names") String name) {
        if (name != null && LEGAL_NAME.matcher(name).matches()) {
            KvNamespace ns = db.namespace(name);
            ns.put("k", name);
            assertThat(ns.get("k")).isEqualTo(name);
        } else {
            Throwable thrown = catchThrowable(() -> db.namespace(name));
            assertThat(thrown).isExactlyInstanceOf(IllegalArgumentException.class);
            assertThat(thrown.getMessage()).contains("namespace name", "1..64");
        }
        assertThat(listNames(dir)).allMatch(file -> ENGINE_FILE.matcher(file).matches());
    }

    @Property(tries = 400)
    void keysRoundTripOrAreRejected(@ForAll("keys") String key) {
        KvNamespace ns = db.namespace("KEYS");
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        boolean wellFormed = StandardCharsets.UTF_8.newEncoder().canEncode(key);
        boolean legal = wellFormed && utf8.length >= 1 && utf8.length <= 512 && !key.equals(".") && !key.equals("..");
        Statistics.label("case").collect(!wellFormed ? "not well-formed" : legal ? "legal"
                : utf8.length > 512 && key.chars().anyMatch(ch -> ch > 0x7f) ? "well-formed multi-byte, over 512"
                : "other illegal");
        // The generator must reach the edge it claims: well-formed multi-byte keys just over 512 bytes.
        Statistics.label("case").coverage(c -> {
            c.check("well-formed multi-byte, over 512").count(n -> n >= 5);
            c.check("legal").count(n -> n >= 5);
        });
        if (legal) {
            ns.put(key, utf8);
            assertThat(ns.get(key, ValueType.BYTES)).isEqualTo(utf8);
            assertThat(ns.list(ListOptions.prefix(key)).keys()).extracting(k -> k.name()).contains(key);
            ns.delete(key);
            assertThat(ns.get(key)).isNull();
        } else {
            Throwable thrown = catchThrowable(() -> ns.put(key, "v"));
            assertThat(thrown).isExactlyInstanceOf(IllegalArgumentException.class);
            assertThat(thrown.getMessage()).contains("key");
        }
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("./\\\u0000 aZ9_-é:%~").ofMaxLength(70),
                Arbitraries.strings().withCharRange('a', 'z').withChars("_-").ofMinLength(60).ofMaxLength(68),
                Arbitraries.strings().all().ofMaxLength(20),
                Arbitraries.of("..", ".", "../x", "/abs", "a/b", "", "\u0000", "ключ"));
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().ascii().ofMinLength(505).ofMaxLength(520),
                Arbitraries.strings().withChars("é€\uD83D\uDE00/").ofMinLength(120).ofMaxLength(260),
                // Random chars above are all but never well-formed at 512 bytes (an unpaired
                // surrogate is near certain at that length); these are, on both sides of 512.
                Utf8Arbitraries.wellFormedOfUtf8Length(505, 520),
                Arbitraries.of("", ".", "..", "/", "../x", "\u0000", "a\uD800", "\uDC00b"));
    }

    private static List<String> listNames(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
