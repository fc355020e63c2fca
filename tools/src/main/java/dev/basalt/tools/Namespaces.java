package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;

/** What the namespace commands share: the name rule, the existence check, a key count. */
final class Namespaces {
    /** The engine's namespace name rule, checked here so a bad name is a usage error before anything opens. */
    private static final String NAME_PATTERN = "[A-Za-z0-9_-]{1,64}";
    /** Keys per page when counting (the most the engine returns). */
    private static final int PAGE = 1000;

    private Namespaces() {
    }

    static void checkName(String name) {
        if (!name.matches(NAME_PATTERN)) {
            throw new UsageException("namespace name \"" + name + "\" is not 1..64 characters of [A-Za-z0-9_-]");
        }
    }

    /** Fails (exit 1) unless {@code name} exists in {@code db}. */
    static void requireExisting(Basalt db, String name, Object directory) {
        checkName(name);
        if (!db.namespaces().contains(name)) {
            throw new FailureException("namespace " + name + " does not exist in " + directory + " (namespaces: "
                    + (db.namespaces().isEmpty() ? "none" : String.join(", ", db.namespaces())) + ")");
        }
    }

    /** The live keys of a namespace, counted page by page. */
    static long countKeys(KvNamespace namespace) {
        long count = 0;
        String cursor = null;
        do {
            ListOptions page = ListOptions.all().withLimit(PAGE);
            ListResult keys = namespace.list(cursor == null ? page : page.withCursor(cursor));
            count += keys.keys().size();
            cursor = keys.cursor();
        } while (cursor != null);
        return count;
    }
}
