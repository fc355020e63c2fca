package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import dev.basalt.ValueWithMetadata;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * API.md "Errors": an invalid argument is an IllegalArgumentException and nothing is
 * written — the key keeps its old value, metadata and expiration, and the stats do not move.
 */
class RejectedWritesTest extends AcceptanceTestBase {
    private static final String KEY = "victim";
    private static final long OLD_TTL_SECONDS = 1000;

    static Stream<Arguments> invalidWrites() {
        long limit = MAX_VALUE_BYTES;
        return Stream.of(
                invalid("value String one byte over the limit",
                        ns -> ns.put(KEY, asciiOfLength((int) limit + 1))),
                invalid("value byte[] one byte over the limit",
                        ns -> ns.put(KEY, patternBytes((int) limit + 1))),
                invalid("value ByteBuffer one byte over the limit",
                        ns -> ns.put(KEY, ByteBuffer.wrap(patternBytes((int) limit + 1)))),
                invalid("value InputStream endless",
                        ns -> ns.put(KEY, new ValuesTest.CountingStream(Long.MAX_VALUE))),
                invalid("metadata of 1025 bytes",
                        ns -> ns.put(KEY, "new", PutOptions.none().withMetadata(asciiOfLength(1023)))),
                invalid("TTL of 0",
                        ns -> ns.put(KEY, "new", PutOptions.expirationTtl(0))),
                invalid("negative TTL",
                        ns -> ns.put(KEY, "new", PutOptions.expirationTtl(-60))),
                invalid("expiration in the past",
                        ns -> ns.put(KEY, "new", PutOptions.expiration(1))),
                invalid("TTL of 0 with valid metadata and stream",
                        ns -> ns.put(KEY, InputStream.nullInputStream(),
                                PutOptions.expirationTtl(0).withMetadata("new-meta"))),
                invalid("valid value under an invalid key",
                        ns -> ns.put(KEY + "\uD800", "new")),
                invalid("valid value under a 513-byte key",
                        ns -> ns.put("k".repeat(513), "new")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidWrites")
    void invalidWriteLeavesEverythingAsItWas(String description, Consumer<KvNamespace> write) {
        long start = clock.epochSecond();
        ns.put(KEY, "old", PutOptions.expirationTtl(OLD_TTL_SECONDS).withMetadata("old-meta"));
        Object statsBefore = db.stats();

        assertThatThrownBy(() -> write.accept(ns)).as(description).isInstanceOf(IllegalArgumentException.class);

        assertThat(db.stats()).as("stats after: " + description).isEqualTo(statsBefore);
        assertOldVersion();
        reopen();
        assertOldVersion();
        clock.setEpochSecond(start + OLD_TTL_SECONDS - 1);
        assertThat(ns.get(KEY)).isEqualTo("old");
        clock.setEpochSecond(start + OLD_TTL_SECONDS);
        assertThat(ns.get(KEY)).as("old expiration still counts").isNull();
    }

    private void assertOldVersion() {
        ValueWithMetadata<String> got = ns.getWithMetadata(KEY);
        assertThat(got.value()).isEqualTo("old");
        assertThat(got.metadata().asString()).isEqualTo("old-meta");
    }

    private static Arguments invalid(String description, Consumer<KvNamespace> write) {
        return Arguments.of(description, write);
    }
}
