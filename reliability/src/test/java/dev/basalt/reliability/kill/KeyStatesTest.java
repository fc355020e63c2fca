package dev.basalt.reliability.kill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.testing.ChildOutput;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill campaign's checker on states made by hand: a batch in flight that shows on some of
 * its keys and not on others is reported torn, an acknowledged batch missing a key is reported
 * incomplete, and a key a later operation took over no longer counts for the batch. Without
 * these the campaign's "torn 0" could hold because the check never looks.
 */
class KeyStatesTest {
    private static final String BATCH = "BEGIN BATCH t0-c0-s5 3 P t0-k1 t0-c0-s5-0 10 0 D t0-k2 P t0-k40 t0-c0-s5-2 7 0";
    private static final String BEFORE = "ACK PUT t0-k2 t0-c0-s4 12 0";

    @TempDir
    Path dir;

    @Test
    void aBatchInFlightShowingOnSomeKeysOnlyIsTorn() {
        KeyStates states = new KeyStates();
        KeyStates.Tally tally = new KeyStates.Tally();
        states.apply(List.of(BEFORE, BATCH), tally);
        try (Basalt db = open()) {
            KvNamespace ns = db.namespace(KillChild.NAMESPACE);
            ns.put("t0-k2", ChildOutput.valueFor("t0-c0-s4", 12)); // the delete did not land ...
            ns.put("t0-k1", ChildOutput.valueFor("t0-c0-s5-0", 10)); // ... but this put did
            List<String> violations = states.check(ns, "hand-made", tally, System::currentTimeMillis);
            assertThat(violations).singleElement().asString().contains("t0-c0-s5", "torn");
        }
        assertThat(tally.tornBatches).isEqualTo(1);
        assertThat(tally.lost + tally.resurrected).as("each key alone is a possible outcome").isZero();
    }

    @Test
    void aBatchInFlightIsWholeOrGone() {
        KeyStates landed = new KeyStates();
        KeyStates.Tally tally = new KeyStates.Tally();
        landed.apply(List.of(BEFORE, BATCH), tally);
        KeyStates gone = new KeyStates();
        gone.apply(List.of(BEFORE, BATCH), tally);
        try (Basalt db = open()) {
            KvNamespace ns = db.namespace(KillChild.NAMESPACE);
            ns.put("t0-k2", ChildOutput.valueFor("t0-c0-s4", 12));
            assertThat(gone.check(ns, "gone", tally, System::currentTimeMillis)).isEmpty();
            ns.delete("t0-k2");
            ns.put("t0-k1", ChildOutput.valueFor("t0-c0-s5-0", 10));
            ns.put("t0-k40", ChildOutput.valueFor("t0-c0-s5-2", 7));
            assertThat(landed.check(ns, "landed", tally, System::currentTimeMillis)).isEmpty();
        }
        assertThat(tally.inFlightBatchesDropped).isEqualTo(1);
        assertThat(tally.inFlightBatchesLanded).isEqualTo(1);
        assertThat(tally.tornBatches).isZero();
    }

    @Test
    void anAcknowledgedBatchMissingAKeyIsIncompleteAndALaterOperationReleasesItsKey() {
        KeyStates states = new KeyStates();
        KeyStates.Tally tally = new KeyStates.Tally();
        // The batch is acknowledged, then a put on t0-k1 is left in flight: t0-k1 is no longer the batch's.
        states.apply(List.of(BEFORE, BATCH, "ACK BATCH t0-c0-s5", "BEGIN PUT t0-k1 t0-c0-s6 3 0"), tally);
        try (Basalt db = open()) {
            KvNamespace ns = db.namespace(KillChild.NAMESPACE);
            ns.put("t0-k1", ChildOutput.valueFor("t0-c0-s6", 3));
            List<String> violations = states.check(ns, "hand-made", tally, System::currentTimeMillis);
            assertThat(violations).hasSize(2).anySatisfy(v -> assertThat(v).contains("acknowledged batch t0-c0-s5",
                    "incomplete", "1 of 2 keys", "t0-k40"));
        }
        assertThat(tally.batchesAcknowledged).isEqualTo(1);
        assertThat(tally.acknowledgedBatchesIncomplete).isEqualTo(1);
        assertThat(tally.lost).as("t0-k40, acknowledged, is absent").isEqualTo(1);
    }

    private Basalt open() {
        return Basalt.open(dir, KillChild.options(Durability.PERIODIC));
    }
}
