package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;

/**
 * A namespace rename built from the public API: copy every live key (value, metadata, absolute
 * expiration) from the old namespace into the new one, {@code sync()}, then drop the old one
 * and {@code sync()} again.
 *
 * <p>Not atomic, and this is what an interruption leaves: before the drop, both namespaces,
 * the old one whole and the new one holding a copy of some or all of its keys (each key whole:
 * a put is atomic); after the drop is durable, the rename is done. Nothing is lost at any
 * point, because the old namespace is dropped only once the copy is synced. Running the copy
 * again overwrites what the first run copied and finishes the job (the rename command's
 * {@code --resume}). Writers must keep off both namespaces meanwhile: a key written to the
 * old one after the copy passed it is lost with the drop.
 *
 * <p>A cleaner design would be an engine rename: one namespace record that re-labels the
 * namespace in the log, atomic by the same rule as a drop. It is left out here because the
 * engine's namespace records are being reworked.
 */
final class NamespaceCopy {
    /** Keys per list page (the most the engine returns). */
    private static final int PAGE = 1000;

    /** What a copy did: keys copied, and keys that expired between the listing and their copy. */
    record Result(long copied, long expired) {
    }

    private NamespaceCopy() {
    }

    /** Copies {@code from} into {@code to} (created if absent), syncs, drops {@code from}, syncs. */
    static Result copyThenDrop(Basalt db, String from, String to) {
        Result result = copy(db.namespace(from), db.namespace(to));
        db.sync();
        db.dropNamespace(from);
        db.sync();
        return result;
    }

    /** Copies every live key of {@code from} into {@code to}, overwriting keys {@code to} has. */
    static Result copy(KvNamespace from, KvNamespace to) {
        long copied = 0;
        long expired = 0;
        String cursor = null;
        do {
            ListOptions page = ListOptions.all().withLimit(PAGE);
            ListResult keys = from.list(cursor == null ? page : page.withCursor(cursor));
            for (KeyInfo key : keys.keys()) {
                if (copyOne(from, to, key)) {
                    copied++;
                } else {
                    expired++;
                }
            }
            cursor = keys.cursor();
        } while (cursor != null);
        return new Result(copied, expired);
    }

    private static boolean copyOne(KvNamespace from, KvNamespace to, KeyInfo key) {
        ValueWithMetadata<byte[]> entry = from.getWithMetadata(key.name(), ValueType.BYTES);
        if (entry.value() == null) {
            return false; // expired between the listing and the read
        }
        PutOptions options = PutOptions.none();
        if (key.expiration() != null) {
            options = options.withExpiration(key.expiration());
        }
        if (entry.metadata() != null && !entry.metadata().isNull()) {
            options = options.withMetadata(entry.metadata());
        }
        try {
            to.put(key.name(), entry.value(), options);
            return true;
        } catch (IllegalArgumentException expiredMeanwhile) {
            // The only rule a key that the engine stored can break on its way back in: an
            // expiration that passed between the read and the put.
            return false;
        }
    }
}
