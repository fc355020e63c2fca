package dev.basalt.server.registry;

import dev.basalt.Basalt;
import dev.basalt.KvNamespace;
import dev.basalt.server.envelope.ApiException;
import dev.basalt.server.envelope.KvErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import dev.basalt.server.envelope.Envelope;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The server's map from Cloudflare namespace ids (32 lowercase hex characters) to titles and
 * engine namespaces, kept in {@value #FILE_NAME} in the data directory beside the engine's own
 * files (LOCK, STORE, CURSOR_KEY, *.seg, *.hint; none of them starts with "server-").
 *
 * <p>The engine's namespace list is the truth about which namespaces exist; this file only adds
 * ids and titles. {@link #reconcile()} adopts an engine namespace it does not know (made
 * through the Java API) with a fresh id and its engine name as title, and forgets an entry
 * whose engine namespace is gone. Create writes the engine namespace first and the file second,
 * so a crash between the two loses only the title (the namespace comes back titled by its id).
 *
 * <p>The file is replaced crash-safely: written to {@code NAME.tmp}, forced, moved atomically
 * over {@code NAME}, then the directory is forced. Thread-safety: every method is synchronized;
 * namespace operations are rare next to key operations.
 */
public final class NamespaceRegistry {
    /** The registry file's name in the data directory. */
    public static final String FILE_NAME = "server-namespaces.json";
    private static final int FORMAT_VERSION = 1;
    /** Cloudflare gives no figure for titles; 512 bytes keeps the file small and is plenty. */
    public static final int MAX_TITLE_BYTES = 512;
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

    private final Basalt db;
    private final Path file;
    private final SecureRandom random = new SecureRandom();
    /** id to entry, in insertion order. */
    private final Map<String, NamespaceEntry> entries = new LinkedHashMap<>();

    private NamespaceRegistry(Basalt db, Path directory) {
        this.db = db;
        this.file = directory.resolve(FILE_NAME);
    }

    /** Loads the registry of {@code directory} (an empty one when the file is absent) and reconciles it. */
    public static NamespaceRegistry open(Basalt db, Path directory) {
        NamespaceRegistry registry = new NamespaceRegistry(db, directory);
        registry.load();
        registry.reconcile();
        return registry;
    }

    /** Every namespace, after adopting engine namespaces the file does not know. */
    public synchronized List<NamespaceEntry> list() {
        reconcile();
        return new ArrayList<>(entries.values());
    }

    /**
     * The namespace with {@code id}.
     *
     * @throws ApiException 400 (10011) for an id that is not 32 hex characters, 404 (10013) for
     *     an unknown one
     */
    public synchronized NamespaceEntry resolve(String id) {
        if (!ID.matcher(id).matches()) {
            throw KvErrors.badRequest(KvErrors.MALFORMED_NAMESPACE_ID, "namespace id " + KvErrors.quote(id)
                    + " is malformed; it must be 32 lowercase hex characters");
        }
        NamespaceEntry entry = entries.get(id);
        if (entry == null) {
            reconcile(); // made through the Java API since the last look?
            entry = entries.get(id);
        }
        if (entry == null) {
            throw KvErrors.namespaceNotFound(id);
        }
        return entry;
    }

    /**
     * The engine namespace behind {@code id}, resolved under the registry's lock so that a
     * concurrent delete cannot make {@code db.namespace} create it again.
     */
    public synchronized KvNamespace namespace(String id) {
        return db.namespace(resolve(id).engineName());
    }

    /** Creates a namespace titled {@code title}; titles are unique, as in Cloudflare. */
    public synchronized NamespaceEntry create(String title) {
        checkTitle(title, null);
        String id = newId();
        db.namespace(id);
        NamespaceEntry entry = new NamespaceEntry(id, title, id);
        entries.put(id, entry);
        save();
        return entry;
    }

    /** Renames namespace {@code id}; only the title changes. */
    public synchronized NamespaceEntry rename(String id, String title) {
        NamespaceEntry entry = resolve(id);
        checkTitle(title, id);
        NamespaceEntry renamed = new NamespaceEntry(id, title, entry.engineName());
        entries.put(id, renamed);
        save();
        return renamed;
    }

    /** Drops namespace {@code id} and all its keys. */
    public synchronized void delete(String id) {
        NamespaceEntry entry = resolve(id);
        db.dropNamespace(entry.engineName());
        entries.remove(id);
        save();
    }

    private void checkTitle(String title, String renaming) {
        if (title == null || title.isBlank()) {
            throw KvErrors.badRequest(KvErrors.MISSING_TITLE, "title is missing or blank");
        }
        int bytes = title.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_TITLE_BYTES) {
            throw KvErrors.badRequest(KvErrors.MISSING_TITLE, "title is " + bytes + " bytes of UTF-8; the limit is "
                    + MAX_TITLE_BYTES);
        }
        for (NamespaceEntry other : entries.values()) {
            if (other.title().equals(title) && !other.id().equals(renaming)) {
                throw KvErrors.badRequest(KvErrors.NAMESPACE_EXISTS, "a namespace titled " + KvErrors.quote(title)
                        + " already exists (id " + other.id() + ")");
            }
        }
    }

    private String newId() {
        while (true) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            String id = HexFormat.of().formatHex(bytes);
            if (!entries.containsKey(id)) {
                return id;
            }
        }
    }

    /** Makes the entries match the engine's namespaces; saves when anything changed. */
    private synchronized void reconcile() {
        List<String> engineNames = db.namespaces();
        boolean changed = entries.values().removeIf(entry -> !engineNames.contains(entry.engineName()));
        Map<String, String> known = new LinkedHashMap<>();
        entries.values().forEach(entry -> known.put(entry.engineName(), entry.id()));
        for (String name : engineNames) {
            if (!known.containsKey(name)) {
                // A namespace the server made carries its id as its name: give it that id back.
                String id = ID.matcher(name).matches() && !entries.containsKey(name) ? name : newId();
                String title = uniqueTitle(name);
                entries.put(id, new NamespaceEntry(id, title, name));
                changed = true;
            }
        }
        if (changed) {
            save();
        }
    }

    private String uniqueTitle(String wanted) {
        String title = wanted;
        for (int n = 2; titleTaken(title); n++) {
            title = wanted + " (" + n + ")";
        }
        return title;
    }

    private boolean titleTaken(String title) {
        return entries.values().stream().anyMatch(entry -> entry.title().equals(title));
    }

    private void load() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try {
            JsonNode root = Envelope.MAPPER.readTree(bytes);
            int version = root.path("version").asInt(-1);
            if (version != FORMAT_VERSION) {
                throw new IllegalStateException(file + " has format version " + version + "; this server reads "
                        + FORMAT_VERSION);
            }
            for (JsonNode node : root.path("namespaces")) {
                NamespaceEntry entry = new NamespaceEntry(node.path("id").asString(), node.path("title").asString(),
                        node.path("engine").asString());
                if (!ID.matcher(entry.id()).matches() || entry.title().isEmpty() || entry.engineName().isEmpty()) {
                    throw new IllegalStateException(file + " has a malformed entry: " + node);
                }
                entries.put(entry.id(), entry);
            }
        } catch (JacksonException e) {
            throw new IllegalStateException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private void save() {
        ObjectNode root = Envelope.object();
        root.put("version", FORMAT_VERSION);
        ArrayNode list = root.putArray("namespaces");
        for (NamespaceEntry entry : entries.values()) {
            list.addObject().put("id", entry.id()).put("title", entry.title()).put("engine", entry.engineName());
        }
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try {
            Files.write(tmp, Envelope.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------")); // as the engine's files
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot rename " + tmp + " atomically", e);
            }
            try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
