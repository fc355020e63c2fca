package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;
import dev.basalt.testing.ManualClock;
import dev.basalt.testing.TestFiles;
import dev.basalt.testing.Utf8Arbitraries;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.JsonNode;

/**
 * Issue 14: {@code put(ByteBuffer, ByteBuffer, PutOptions)} stores exactly what
 * {@code put(String, byte[], PutOptions)} stores. Each try runs the same random puts (keys of
 * 1..512 bytes of mostly multi-byte UTF-8, values of 0..300 bytes, every buffer layout, with and
 * without expiration and metadata) through both, into two namespaces of one engine, and keeps a
 * map model; then values, metadata, expirations and listings of both namespaces must equal the
 * model's, before and after a reopen, and no put may have moved a buffer's position or limit.
 */
class BufferPutPropertyTest {
    private static final long TTL_SECONDS = 3600;

    /** Where the key and value bytes sit: the buffer kinds and layouts a caller may hand in. */
    enum Layout { HEAP, HEAP_WINDOW, DIRECT, DIRECT_WINDOW, READ_ONLY, SLICE }

    enum Extras { NONE, TTL, METADATA, TTL_AND_METADATA }

    record Op(int keyIndex, byte[] value, Layout keyLayout, Layout valueLayout, Extras extras) {
    }

    /** What the model holds for a key: value, metadata as JSON text (or null), expiration (or null). */
    record Stored(byte[] value, String metadata, Long expiration) {
    }

    @Property(tries = 40)
    void theBufferPutStoresWhatTheStringPutStores(@ForAll("keySets") List<String> keys,
            @ForAll("opLists") List<Op> ops) {
        Path dir = TestFiles.newTempDirectory("buffer-put-property");
        ManualClock clock = new ManualClock();
        BasaltOptions options = BasaltOptions.defaults().withClock(clock).withMinExpirationTtl(Duration.ZERO)
                .withSegmentSize(1 << 20);
        Map<String, Stored> model = new HashMap<>();
        try {
            try (Basalt db = Basalt.open(dir, options)) {
                KvNamespace viaBuffers = db.namespace("BUFFERS");
                KvNamespace viaStrings = db.namespace("STRINGS");
                for (Op op : ops) {
                    String key = keys.get(op.keyIndex() % keys.size());
                    PutOptions putOptions = optionsOf(op, key);
                    ByteBuffer keyBuffer = buffer(key.getBytes(StandardCharsets.UTF_8), op.keyLayout());
                    ByteBuffer valueBuffer = buffer(op.value(), op.valueLayout());
                    int keyPosition = keyBuffer.position();
                    int keyLimit = keyBuffer.limit();
                    int valuePosition = valueBuffer.position();
                    int valueLimit = valueBuffer.limit();

                    viaBuffers.put(keyBuffer, valueBuffer, putOptions);
                    viaStrings.put(key, op.value(), putOptions);
                    model.put(key, new Stored(op.value(), metadataOf(op, key),
                            hasTtl(op) ? clock.epochSecond() + TTL_SECONDS : null));

                    assertThat(new int[] {keyBuffer.position(), keyBuffer.limit(), valueBuffer.position(),
                            valueBuffer.limit()}).as("positions and limits after the put of " + op)
                            .containsExactly(keyPosition, keyLimit, valuePosition, valueLimit);
                }
                assertAgree(viaBuffers, viaStrings, model);
            }
            try (Basalt db = Basalt.open(dir, options)) {
                assertAgree(db.namespace("BUFFERS"), db.namespace("STRINGS"), model);
            }
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    private static void assertAgree(KvNamespace viaBuffers, KvNamespace viaStrings, Map<String, Stored> model) {
        for (Map.Entry<String, Stored> entry : model.entrySet()) {
            String key = entry.getKey();
            Stored expected = entry.getValue();
            for (KvNamespace ns : List.of(viaBuffers, viaStrings)) {
                ValueWithMetadata<byte[]> stored = ns.getWithMetadata(key, ValueType.BYTES);
                assertThat(stored.value()).as(ns.name() + " value of " + key).isEqualTo(expected.value());
                JsonNode metadata = stored.metadata();
                assertThat(metadata == null ? null : metadata.toString()).as(ns.name() + " metadata of " + key)
                        .isEqualTo(expected.metadata());
            }
        }
        List<KeyInfo> listed = viaBuffers.listAll("").toList();
        assertThat(listed).as("the two namespaces' listings").isEqualTo(viaStrings.listAll("").toList());
        assertThat(listed.stream().map(KeyInfo::name).toList()).as("listed keys")
                .containsExactlyInAnyOrderElementsOf(new TreeSet<>(model.keySet()));
        for (KeyInfo info : listed) {
            assertThat(info.expiration()).as("expiration of " + info.name())
                    .isEqualTo(model.get(info.name()).expiration());
        }
    }

    private static boolean hasTtl(Op op) {
        return op.extras() == Extras.TTL || op.extras() == Extras.TTL_AND_METADATA;
    }

    private static PutOptions optionsOf(Op op, String key) {
        PutOptions options = hasTtl(op) ? PutOptions.expirationTtl(TTL_SECONDS) : PutOptions.none();
        return metadataOf(op, key) == null ? options : options.withMetadata(Map.of("len", op.value().length));
    }

    private static String metadataOf(Op op, String key) {
        boolean has = op.extras() == Extras.METADATA || op.extras() == Extras.TTL_AND_METADATA;
        return has ? "{\"len\":" + op.value().length + "}" : null;
    }

    /** {@code bytes} as the buffer's position..limit, laid out as {@code layout} says. */
    private static ByteBuffer buffer(byte[] bytes, Layout layout) {
        switch (layout) {
            case HEAP:
                return ByteBuffer.wrap(bytes.clone());
            case READ_ONLY:
                return ByteBuffer.wrap(bytes.clone()).asReadOnlyBuffer();
            case HEAP_WINDOW:
                return window(ByteBuffer.allocate(bytes.length + 11), bytes);
            case DIRECT:
                return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            case DIRECT_WINDOW:
                return window(ByteBuffer.allocateDirect(bytes.length + 11), bytes);
            case SLICE:
                return window(ByteBuffer.allocateDirect(bytes.length + 11), bytes).slice();
            default:
                throw new AssertionError(layout);
        }
    }

    /** The bytes at position 5 of a larger buffer filled with 0x7F, the limit 6 bytes short of capacity. */
    private static ByteBuffer window(ByteBuffer buffer, byte[] bytes) {
        while (buffer.hasRemaining()) {
            buffer.put((byte) 0x7F);
        }
        buffer.clear().position(5);
        buffer.put(bytes);
        return buffer.limit(5 + bytes.length).position(5);
    }

    @Provide
    Arbitrary<List<String>> keySets() {
        Arbitrary<String> keys = Arbitraries.oneOf(
                Utf8Arbitraries.wellFormedOfUtf8Length(1, 512),
                Utf8Arbitraries.wellFormedOfUtf8Length(1, 8),
                Arbitraries.of("a", "/", "\u0000", ".a", "...", "k:1", "k:2"))
                .filter(key -> !key.equals(".") && !key.equals(".."));
        return keys.list().uniqueElements().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<Op>> opLists() {
        Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300);
        return Combinators.combine(Arbitraries.integers().between(0, 5), values, Arbitraries.of(Layout.class),
                        Arbitraries.of(Layout.class), Arbitraries.of(Extras.class))
                .as(Op::new)
                .list().ofMinSize(1).ofMaxSize(25);
    }
}
