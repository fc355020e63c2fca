package dev.basalt;

import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.store.NamespaceState;
import dev.basalt.internal.store.Store;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * An open Basalt store: one data directory holding any number of namespaces.
 *
 * <pre>{@code
 * try (Basalt db = Basalt.open(Path.of("data"))) {          // creates the directory if absent
 *     KvNamespace tokens = db.namespace("AUTH_TOKENS");      // creates the namespace if absent
 *     tokens.put("user:42", "secret", PutOptions.expirationTtl(3600));
 *     String value = tokens.get("user:42");
 * }
 * }</pre>
 *
 * <p>Basics: a directory is owned by one open {@code Basalt} at a time, across processes
 * (a {@code LOCK} file) and within one; a second open fails fast with a
 * {@link BasaltException}. Writes are durable per {@link BasaltOptions#durability()}
 * (by default a completed put is fsynced, with concurrent writers sharing one fsync).
 *
 * <p>JVM flags: on Java 17 Agrona and Chronicle Bytes need these, on every launcher of an
 * application that embeds Basalt; without them {@code open} fails at once naming the missing ones:
 * <pre>
 * --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
 * --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
 * --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
 * --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
 * --add-opens=java.base/java.util.zip=ALL-UNNAMED
 * </pre>
 * {@code open} also sets Chronicle's {@code background.releaser=false} (unless set), so that
 * segment maps are released on the closing thread and no library thread outlives {@link #close()}.
 *
 * <p>Monitoring: while open, the store's {@link #stats()} are a {@link BasaltMXBean} on the
 * platform MBean server, {@code dev.basalt:type=Basalt,name="<absolute directory>"}, and the
 * engine emits JDK Flight Recorder events ({@code dev.basalt.*}, off by default);
 * docs/observability.md shows both.
 *
 * <p>Caveats: {@code close()} is idempotent; any other call after it throws
 * {@link IllegalStateException}. A failed fsync stops the store accepting writes until it is
 * reopened: retrying an fsync can report success for lost data.
 */
public final class Basalt implements AutoCloseable {
    private static final Pattern NAMESPACE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Path directory;
    private final Store store;
    private final BasaltOptions options;
    private final ValueCodec codec = new ValueCodec(JsonMapper.builder().build());
    private final ConcurrentHashMap<NamespaceState, KvNamespace> handles = new ConcurrentHashMap<>();
    /** The store's {@link BasaltMXBean}, registered while it is open (issue #17). */
    private final BasaltJmx jmx;

    private Basalt(Path directory, Store store, BasaltOptions options) {
        this.directory = directory;
        this.store = store;
        this.options = options;
        this.jmx = BasaltJmx.register(directory, store::stats);
    }

    /**
     * Opens (creating if absent) the store in {@code directory} with default options.
     *
     * @param directory the data directory; created, with its parents, if absent
     * @return the open engine; close it to release the directory
     */
    public static Basalt open(Path directory) {
        return open(directory, BasaltOptions.defaults());
    }

    /**
     * Opens (creating if absent) the store in {@code directory}, recovering every acknowledged
     * write from its log.
     *
     * @param directory the data directory; created, with its parents, if absent
     * @param options the engine options ({@link BasaltOptions#defaults()} and its {@code with...} methods)
     * @return the open engine; close it to release the directory
     * @throws BasaltException when the directory is held by another open store, when the JVM
     *     lacks the flags above, or when the directory cannot be read or written
     * @throws IllegalArgumentException when the options do not fit together
     */
    public static Basalt open(Path directory, BasaltOptions options) {
        return open(directory, options, FileIo.real());
    }

    /**
     * {@link #open(Path, BasaltOptions)} with every file operation going through {@code io}.
     * Package-private on purpose: the seam is for the engine's own fault-injection tests
     * (reached through the test jar's {@code BasaltInternals}), never part of the API.
     */
    static Basalt open(Path directory, BasaltOptions options, FileIo io) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(io, "io");
        options.validate();
        return new Basalt(directory, Store.open(directory, options, io), options);
    }

    /**
     * The live namespace of this name, created if absent; the same object for the same name.
     *
     * @param name the namespace name: 1..64 characters of {@code [A-Za-z0-9_-]}
     * @return the live namespace
     * @throws IllegalArgumentException when the name is not 1..64 characters of [A-Za-z0-9_-]
     */
    public KvNamespace namespace(String name) {
        NamespaceState state = store.namespace(checkName(name));
        return handles.computeIfAbsent(state, s -> new KvNamespace(this, store, s, codec, options));
    }

    /**
     * The namespace of this name seen with raw byte keys ({@link BinaryNamespace}), created if
     * absent. Same names, same data as {@link #namespace(String)}: see {@link BinaryNamespace} for
     * what each view sees of keys the other wrote. Each call returns a new, equivalent view.
     *
     * @param name 1..64 characters of [A-Za-z0-9_-]
     * @return a view of the namespace with byte-array keys
     * @throws IllegalArgumentException when the name is not 1..64 characters of [A-Za-z0-9_-]
     */
    public BinaryNamespace binaryNamespace(String name) {
        NamespaceState state = store.namespace(checkName(name));
        return new BinaryNamespace(this, store, state, options.maxValueSizeBytes());
    }

    /**
     * The names of the namespaces, in sorted order.
     *
     * @return the names, sorted; an empty list when there are none
     */
    public List<String> namespaces() {
        return List.copyOf(store.namespaceNames());
    }

    /**
     * Deletes a namespace and its data; returns false when there was none of that name. Its
     * handles throw {@link IllegalStateException} from now on, also after a namespace of the
     * same name is created again.
     *
     * @param name the namespace name: 1..64 characters of {@code [A-Za-z0-9_-]}
     * @return true when a namespace was dropped, false when there was none of that name
     */
    public boolean dropNamespace(String name) {
        String checked = checkName(name);
        handles.keySet().removeIf(s -> s.name().equals(checked));
        return store.dropNamespace(checked);
    }

    /**
     * Figures about the store now.
     *
     * @return the figures at this moment
     */
    public BasaltStats stats() {
        return store.stats();
    }

    /**
     * Runs a compaction pass now: every sealed segment with dead records (overwritten, deleted,
     * expired or of a dropped namespace) is rewritten without them and deleted. The segment
     * being appended to is compacted once it is sealed. Safe at any moment: a crash in the middle
     * loses nothing and brings nothing back.
     *
     * @return what the pass did
     * @throws BasaltException when the disk lacks the free space the pass needs (nothing changes)
     */
    public CompactionResult compact() {
        return store.compact(0.0, (done, total) -> { });
    }

    /** Forces every acknowledged write to stable storage. */
    public void sync() {
        store.sync();
    }

    /** Waits for background work, syncs, and releases every file, mapping and off-heap block. */
    @Override
    public void close() {
        jmx.close();
        store.close();
        handles.clear();
    }

    /** The engine behind this handle; for the engine's own tests and tools, not part of the API. */
    Store store() {
        return store;
    }

    private static String checkName(String name) {
        if (name == null || !NAMESPACE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("namespace name " + (name == null ? "null" : "\"" + name + "\" ("
                    + name.length() + " characters)") + " is not 1..64 characters of [A-Za-z0-9_-]");
        }
        return name;
    }

    @Override
    public String toString() {
        return "Basalt[" + directory + "]";
    }
}
