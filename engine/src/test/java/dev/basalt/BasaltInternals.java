package dev.basalt;

import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.store.Store;
import java.nio.file.Path;

/** Test access to the engine behind a {@link Basalt}: for driving background work by hand. */
public final class BasaltInternals {
    private BasaltInternals() {
    }

    @SuppressWarnings("exports") // test code: Store is internal on purpose
    public static Store store(Basalt db) {
        return db.store();
    }

    /** Opens {@code directory} with every file operation going through {@code io} (fault injection). */
    @SuppressWarnings("exports") // test code: FileIo is internal on purpose
    public static Basalt open(Path directory, BasaltOptions options, FileIo io) {
        return Basalt.open(directory, options, io);
    }

    /** Runs expiry sweeps at {@code nowEpochSeconds} until nothing due is left; returns entries handled. */
    public static long sweepAllDue(Basalt db, long nowEpochSeconds) {
        long handled = 0;
        for (int n = db.store().expiry().sweep(nowEpochSeconds, 1000); n > 0; n = db.store().expiry().sweep(nowEpochSeconds, 1000)) {
            handled += n;
        }
        return handled;
    }
}
