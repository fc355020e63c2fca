package dev.basalt.recovery;

import static dev.basalt.recovery.StoreFixture.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.KvNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deletes and namespace drops are records too: a reopen never brings back what they removed. */
class DeleteAndDropRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void deletedKeyStaysDeletedAfterReopen() {
        StoreFixture.session(dir, db -> {
            KvNamespace ns = db.namespace("NS");
            ns.put("gone", "v");
            ns.put("kept", "v");
            ns.delete("gone");
        });

        for (int open = 0; open < 2; open++) {
            StoreFixture.session(dir, db -> {
                assertThat(db.namespace("NS").get("gone")).isNull();
                assertThat(db.namespace("NS").get("kept")).isEqualTo("v");
                assertThat(db.stats().liveKeys()).isEqualTo(1);
            });
        }
    }

    @Test
    void putDeleteReopenPutReopenReadsTheNewValue() {
        StoreFixture.session(dir, db -> {
            db.namespace("NS").put("k", "v1");
            db.namespace("NS").delete("k");
        });
        StoreFixture.session(dir, db -> {
            assertThat(db.namespace("NS").get("k")).isNull();
            db.namespace("NS").put("k", "v2");
        });
        StoreFixture.session(dir, db -> assertThat(db.namespace("NS").get("k")).isEqualTo("v2"));
    }

    @Test
    void deleteInALaterSegmentHidesAPutInASealedOneWithOrWithoutHints() throws IOException {
        StoreFixture.session(dir, db -> {
            KvNamespace ns = db.namespace("NS");
            ns.put("old", "v");
            for (int i = 0; i < 12; i++) {
                ns.put("filler" + i, valueOf("filler" + i, 100 * 1024)); // rolls past segment 1
            }
            ns.delete("old");
        });
        assertThat(DataDirectory.newest(dir, "old").segment()).isNotEqualTo(DataDirectory.segments(dir).get(0));

        StoreFixture.session(dir, db -> assertThat(db.namespace("NS").get("old")).isNull());
        for (Path segment : DataDirectory.segments(dir)) {
            Files.deleteIfExists(DataDirectory.hintOf(segment));
        }
        StoreFixture.session(dir, db -> {
            assertThat(db.namespace("NS").get("old")).as("after full scans").isNull();
            assertThat(db.stats().liveKeys()).isEqualTo(12);
        });
    }

    @Test
    void droppedNamespaceIsGoneAfterReopen() {
        StoreFixture.session(dir, db -> {
            db.namespace("DROPPED").put("k", "v");
            db.namespace("KEPT").put("k", "kept");
            assertThat(db.dropNamespace("DROPPED")).isTrue();
        });

        StoreFixture.session(dir, db -> {
            assertThat(db.namespaces()).containsExactly("KEPT");
            assertThat(db.stats().namespaces()).isEqualTo(1);
            assertThat(db.stats().liveKeys()).isEqualTo(1);
            assertThat(db.namespace("KEPT").get("k")).isEqualTo("kept");
        });
    }

    @Test
    void droppedAndRecreatedNamespaceHoldsOnlyTheNewData() {
        StoreFixture.session(dir, db -> {
            KvNamespace old = db.namespace("NS");
            old.put("old-only", "1");
            old.put("both", "old");
            db.dropNamespace("NS");
            KvNamespace fresh = db.namespace("NS");
            fresh.put("both", "new");
            fresh.put("new-only", "2");
        });

        for (int open = 0; open < 2; open++) {
            StoreFixture.session(dir, db -> {
                assertThat(db.namespaces()).containsExactly("NS");
                KvNamespace ns = db.namespace("NS");
                assertThat(ns.get("old-only")).isNull();
                assertThat(ns.get("both")).isEqualTo("new");
                assertThat(ns.get("new-only")).isEqualTo("2");
                assertThat(db.stats().liveKeys()).isEqualTo(2);
            });
        }
    }

    @Test
    void namespaceDroppedInOneSessionAndRecreatedInTheNextHoldsOnlyTheNewData() {
        StoreFixture.session(dir, db -> {
            db.namespace("NS").put("k", "old");
            db.namespace("NS").put("old-only", "1");
            db.dropNamespace("NS");
        });
        StoreFixture.session(dir, db -> {
            assertThat(db.namespaces()).isEmpty();
            db.namespace("NS").put("k", "new");
        });
        StoreFixture.session(dir, db -> {
            assertThat(db.namespace("NS").get("k")).isEqualTo("new");
            assertThat(db.namespace("NS").get("old-only")).isNull();
        });
    }
}
