package dev.basalt.internal.store;

import java.util.function.Supplier;

/**
 * How the background thread reads a namespace's listing without the append lock, beside the
 * writers (a relayout's walk, a merge's): inside a read epoch, so no node it may reach is reused,
 * and with the namespaces' memory held, so a drop cannot free the listing under it (a drop
 * releases a namespace's memory inside the same monitor).
 */
final class UnlockedListingRead {
    private UnlockedListingRead() {
    }

    /** Runs {@code read}; null, without running it, when {@code ns} was dropped. */
    static <T> T run(ReadEpochs epochs, Object namespaceMemory, NamespaceState ns, Supplier<T> read) {
        synchronized (namespaceMemory) {
            if (ns.dropped()) {
                return null;
            }
            int token = epochs.enter();
            try {
                return read.get();
            } finally {
                epochs.exit(token);
            }
        }
    }
}
