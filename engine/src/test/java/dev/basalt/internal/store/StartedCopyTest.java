package dev.basalt.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.internal.checkpoint.CheckpointContent;
import dev.basalt.internal.env.CopySpace;
import dev.basalt.internal.env.TrackedCopy;
import dev.basalt.internal.env.TrackedCopySteps;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.IndexImage;
import dev.basalt.internal.listing.KeyListing;
import dev.basalt.internal.listing.ListingImage;
import dev.basalt.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A namespace's copies for a background checkpoint, caught up between the copying and the
 * capture ({@link NamespaceImages.StartedCopy}): when the index grew into a new table meanwhile,
 * the mark starts a copy of the new table, which the catch-up takes whole, and the finished copy
 * equals the live index byte for byte. One thread drives the steps the checkpoint and the writer
 * take in turn, with the background checkpoints and listing catch-ups off.
 */
class StartedCopyTest {
    /** The steps of one test, with a store whose background checkpoints and listing catch-ups are off. */
    @FunctionalInterface
    private interface Steps {
        void run(Basalt db, KvNamespace ns, NamespaceState state, CopySpace space) throws Exception;
    }

    private static void inStore(Steps steps) throws Exception {
        Path dir = Files.createTempDirectory("basalt-started-copy");
        BasaltOptions options = BasaltOptions.defaults().withDurability(Durability.PERIODIC).withCheckpointInterval(0)
                .withBackgroundCompaction(false);
        AutoCloseable paused = Store.pauseListingCatchUps();
        try (Basalt db = Basalt.open(dir, options);
                CopySpace space = new CopySpace()) {
            steps.run(db, db.namespace("alpha"), BasaltInternals.store(db).namespace("alpha"), space);
        } finally {
            paused.close();
            TestFiles.deleteRecursively(dir);
        }
    }

    @Test
    void anIndexThatGrewBeforeTheMarkIsCopiedAgainAndFinishesExact() throws Exception {
        inStore((db, ns, state, space) -> {
            put(ns, 0, 100);
            NamespaceImages.StartedCopy started = NamespaceImages.startCopy(state);
            started.copy(space);
            TrackedCopy first = started.index();
            put(ns, 100, 30_000); // the index grows several times: new tables

            started.mark(state);
            assertThat(started.index()).as("a copy of the new table started").isNotSameAs(first);
            put(ns, 30_000, 31_000); // after the mark: only the new copy's trail knows
            started.catchUp(space);
            put(ns, 31_000, 31_500); // after the catch-up

            assertExactAndClose(NamespaceImages.finishCopy(state, started, space), state);
        });
    }

    @Test
    void anIndexThatKeptItsTableIsCaughtUpAndFinishesExact() throws Exception {
        inStore((db, ns, state, space) -> {
            put(ns, 0, 20_000);
            NamespaceImages.StartedCopy started = NamespaceImages.startCopy(state);
            started.copy(space);
            TrackedCopy first = started.index();
            overwrite(ns, 0, 5_000);

            started.mark(state);
            assertThat(started.index()).as("the same table: the same copy").isSameAs(first);
            overwrite(ns, 5_000, 6_000);
            started.catchUp(space);
            overwrite(ns, 6_000, 6_500);

            assertExactAndClose(NamespaceImages.finishCopy(state, started, space), state);
        });
    }

    /**
     * A namespace dropped after the copies started has its memory released by the drop: the
     * copying, the mark and the catch-up leave it alone (the mark would find its index closed),
     * and the other namespace's copy still finishes exact.
     */
    @Test
    void aNamespaceDroppedAfterTheStartIsLeftAloneByTheCopyingTheMarkAndTheCatchUp() throws Exception {
        inStore((db, alpha, alphaState, space) -> {
            KvNamespace beta = db.namespace("beta");
            put(alpha, 0, 3_000);
            put(beta, 0, 3_000);
            NamespaceState betaState = BasaltInternals.store(db).namespace("beta");
            PreCopies copies = PreCopies.start(java.util.List.of(alphaState, betaState));
            try {
                assertThat(db.dropNamespace("beta")).isTrue();
                assertThat(betaState.dropped()).isTrue();
                copies.copy(space);
                put(alpha, 3_000, 4_000);
                copies.mark();
                put(alpha, 4_000, 5_000);
                copies.catchUp(space);
                put(alpha, 5_000, 6_000);

                assertExactAndClose(copies.finish(alphaState, space), alphaState);
            } finally {
                copies.discardRest(); // the dropped namespace's copy: freed, never finished
            }
        });
    }

    /** The finished copy equals the namespace's index and listing byte for byte; then it is freed. */
    private static void assertExactAndClose(CheckpointContent.Namespace image, NamespaceState state) {
        try {
            assertThat(slots(image.index())).isEqualTo(slots(state.index()));
            assertThat(memory(image.listing())).isEqualTo(memory(state.relaid().current()));
        } finally {
            image.index().close();
            image.listing().close();
        }
    }

    private static void put(KvNamespace ns, int from, int to) {
        for (int i = from; i < to; i++) {
            ns.put("key-" + i, "value-" + i);
        }
    }

    private static void overwrite(KvNamespace ns, int from, int to) {
        for (int i = from; i < to; i++) {
            ns.put("key-" + (i * 7919 % 20_000), "again-" + i);
        }
    }

    private static byte[] slots(HashIndex index) {
        return TrackedCopySteps.bytesOf(each -> IndexImage.copyOut(index, each::accept));
    }

    private static byte[] memory(KeyListing listing) {
        return TrackedCopySteps.bytesOf(each -> ListingImage.copyOut(listing, each::accept));
    }
}
