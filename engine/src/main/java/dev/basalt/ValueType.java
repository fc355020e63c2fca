package dev.basalt;

import java.io.InputStream;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * How a read returns a stored value: the Java type the caller gets and how the stored bytes
 * become that type. The counterpart of the {@code type} argument of Workers KV's {@code get}.
 *
 * <table>
 *   <caption>The kinds of value a read can return</caption>
 *   <tr><th>constant</th><th>returns</th><th>from the stored bytes</th></tr>
 *   <tr><td>{@link #TEXT}</td><td>{@code String}</td><td>decoded as UTF-8 (Workers KV
 *       "text"); malformed sequences become U+FFFD</td></tr>
 *   <tr><td>{@link #JSON}</td><td>{@link JsonNode}</td><td>parsed as JSON by Jackson 3;
 *       a value that is not JSON, or is empty, fails the read with {@link BasaltException}</td></tr>
 *   <tr><td>{@link #json(Class) json(type)}</td><td>{@code T}</td><td>parsed and mapped by
 *       Jackson into {@code type} (a record, a bean, a {@code Map}, ...); the same failures as
 *       {@code JSON}, plus a JSON shape Jackson cannot map into {@code type}</td></tr>
 *   <tr><td>{@link #BYTES}</td><td>{@code byte[]}</td><td>a fresh copy of the bytes
 *       (Workers KV "arrayBuffer")</td></tr>
 *   <tr><td>{@link #STREAM}</td><td>{@link InputStream}</td><td>read from the log as the
 *       caller consumes it, so a 25 MiB value is never copied onto the heap at once
 *       (Workers KV "stream"); not accepted by bulk get</td></tr>
 * </table>
 *
 * <p>Instances are immutable and thread-safe. Two {@code ValueType}s are equal when they
 * return the same kind of value, so {@code json(Foo.class).equals(json(Foo.class))}.
 *
 * @param <T> the Java type a read with this {@code ValueType} returns
 */
public final class ValueType<T> {
    /** What the engine does with the stored bytes; see the class table. */
    enum Kind { TEXT, JSON, JSON_MAPPED, BYTES, STREAM }

    /** The value decoded as UTF-8 text. */
    public static final ValueType<String> TEXT = new ValueType<>(Kind.TEXT, String.class);

    /** The value parsed as a JSON tree. */
    public static final ValueType<JsonNode> JSON = new ValueType<>(Kind.JSON, JsonNode.class);

    /** A copy of the value's bytes. */
    public static final ValueType<byte[]> BYTES = new ValueType<>(Kind.BYTES, byte[].class);

    /** The value as a stream read from the log on demand; the caller closes it. */
    public static final ValueType<InputStream> STREAM =
            new ValueType<>(Kind.STREAM, InputStream.class);

    private final Kind kind;
    private final Class<T> javaType;

    private ValueType(Kind kind, Class<T> javaType) {
        this.kind = kind;
        this.javaType = javaType;
    }

    /**
     * The value parsed as JSON and mapped by Jackson into {@code type}, for example a record.
     * Mapping follows the engine's Jackson 3 mapper with its default settings.
     *
     * @param type the class to map into; not null
     * @param <T> the type a read returns
     * @return a {@code ValueType} equal to every other {@code json(type)} of the same class
     * @throws NullPointerException if {@code type} is null
     */
    public static <T> ValueType<T> json(Class<T> type) {
        return new ValueType<>(Kind.JSON_MAPPED, Objects.requireNonNull(type, "type"));
    }

    /** What the engine does with the stored bytes. */
    Kind kind() {
        return kind;
    }

    /** The class Jackson maps into for {@link Kind#JSON_MAPPED}; null for every other kind. */
    Class<T> mappedType() {
        return kind == Kind.JSON_MAPPED ? javaType : null;
    }

    /**
     * The class a read returns, so the engine can {@code javaType().cast(...)} without an
     * unchecked cast. For a mapped primitive type ({@code json(int.class)}) this is the
     * primitive class, which cannot cast; map such values through {@link #mappedType()}.
     */
    Class<T> javaType() {
        return javaType;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ValueType<?> that
                && kind == that.kind
                && javaType.equals(that.javaType);
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + javaType.hashCode();
    }

    /** {@code "ValueType.TEXT"}, or {@code "ValueType.json(Foo)"} for a mapped type. */
    @Override
    public String toString() {
        if (kind != Kind.JSON_MAPPED) {
            return "ValueType." + kind.name();
        }
        String simpleName = javaType.getSimpleName();
        return "ValueType.json(" + (simpleName.isEmpty() ? javaType.getName() : simpleName) + ")";
    }
}
