package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** API.md namespaces: created on first use, listed sorted, dropped with their data, names validated. */
class NamespacesTest extends AcceptanceTestBase {

    @Test
    void namespaceIsCreatedOnFirstUseAndListed() {
        assertThat(db.namespaces()).containsExactly(NAMESPACE);
        db.namespace("NEW_ONE");
        assertThat(db.namespaces()).contains("NEW_ONE");
    }

    @Test
    void namespacesAreListedSorted() {
        for (String name : List.of("zeta", "Alpha", "alpha", "_under", "-dash", "0digit", "beta")) {
            db.namespace(name);
        }
        List<String> names = db.namespaces();
        assertThat(names).isSorted();
        assertThat(names).containsExactlyInAnyOrder(
                NAMESPACE, "zeta", "Alpha", "alpha", "_under", "-dash", "0digit", "beta");
    }

    @Test
    void sameNameReturnsTheSameLiveNamespace() {
        KvNamespace first = db.namespace("SHARED");
        KvNamespace second = db.namespace("SHARED");
        first.put("k", "written through first");
        assertThat(second.get("k")).isEqualTo("written through first");
        second.delete("k");
        assertThat(first.get("k")).isNull();
        assertThat(db.namespaces()).containsOnlyOnce("SHARED");
    }

    @Test
    void namespacesAreIsolated() {
        KvNamespace other = db.namespace("OTHER");
        ns.put("k", "in acceptance", PutOptions.none().withMetadata("m"));
        other.put("k", "in other");
        assertThat(ns.get("k")).isEqualTo("in acceptance");
        assertThat(other.get("k")).isEqualTo("in other");
        assertThat(other.getWithMetadata("k").metadata()).isNull();
        other.delete("k");
        assertThat(ns.get("k")).isEqualTo("in acceptance");
    }

    @Test
    void namespaceNamesAreCaseSensitive() {
        db.namespace("Case").put("k", "upper");
        assertThat(db.namespace("case").get("k")).isNull();
    }

    @Test
    void nameOf64CharactersIsAccepted() {
        String name = "N".repeat(64);
        db.namespace(name).put("k", "v");
        assertThat(db.namespaces()).contains(name);
    }

    @Test
    void nameOf65CharactersIsRejectedNamingBothFigures() {
        assertThatThrownBy(() -> db.namespace("N".repeat(65)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65")
                .hasMessageContaining("64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../x", "..", ".", "a b", "a/b", "a\\b", "a.b", "caf\u00e9", "x\u0000", "~", "a:b", " "})
    void malformedNamesAreRejected(String name) {
        assertThatThrownBy(() -> db.namespace(name))
                .as("namespace(\"%s\")", name)
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> db.dropNamespace(name))
                .as("dropNamespace(\"%s\")", name)
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(db.namespaces()).containsExactly(NAMESPACE);
    }

    @Test
    void rejectedNameCreatesNothingOutsideTheDirectory() {
        assertThatThrownBy(() -> db.namespace("../escaped")).isInstanceOf(IllegalArgumentException.class);
        assertThat(dir.resolveSibling("escaped")).doesNotExist();
        assertThat(dir.getParent().resolve("escaped")).doesNotExist();
    }

    @Test
    void dropRemovesTheNamespaceAndItsData() {
        KvNamespace doomed = db.namespace("DOOMED");
        doomed.put("k", "v");
        db.dropNamespace("DOOMED");
        assertThat(db.namespaces()).doesNotContain("DOOMED");
        KvNamespace recreated = db.namespace("DOOMED");
        assertThat(recreated.get("k")).isNull();
        assertThat(db.namespaces()).contains("DOOMED");
    }

    @Test
    void dropLeavesOtherNamespacesAlone() {
        db.namespace("DOOMED").put("k", "v");
        ns.put("k", "kept");
        db.dropNamespace("DOOMED");
        assertThat(ns.get("k")).isEqualTo("kept");
    }

    @Test
    void droppedDataStaysGoneAfterReopen() {
        db.namespace("DOOMED").put("k", "v");
        db.dropNamespace("DOOMED");
        reopen();
        assertThat(db.namespaces()).doesNotContain("DOOMED");
        assertThat(db.namespace("DOOMED").get("k")).isNull();
    }

    @Test
    void recreatedNamespaceDataSurvivesReopenWithoutTheOldData() {
        db.namespace("PHOENIX").put("old", "v");
        db.dropNamespace("PHOENIX");
        db.namespace("PHOENIX").put("new", "v2");
        reopen();
        KvNamespace phoenix = db.namespace("PHOENIX");
        assertThat(phoenix.get("old")).isNull();
        assertThat(phoenix.get("new")).isEqualTo("v2");
    }

    @Test
    void droppedHandleThrowsIllegalStateException() {
        KvNamespace doomed = db.namespace("DOOMED");
        doomed.put("k", "v");
        db.dropNamespace("DOOMED");
        assertEveryCallIsIllegalState(doomed);
    }

    @Test
    void droppedHandleStaysDeadAfterTheNameIsCreatedAgain() {
        KvNamespace doomed = db.namespace("DOOMED");
        db.dropNamespace("DOOMED");
        KvNamespace reborn = db.namespace("DOOMED");
        reborn.put("k", "new life");
        assertEveryCallIsIllegalState(doomed);
        assertThat(reborn.get("k")).isEqualTo("new life");
    }

    @Test
    void namespacesSurviveReopen() {
        db.namespace("B_SECOND").put("k", "b");
        db.namespace("A_FIRST").put("k", "a");
        reopen();
        assertThat(db.namespaces()).isSorted().containsExactlyInAnyOrder("A_FIRST", "B_SECOND", NAMESPACE);
        assertThat(db.namespace("A_FIRST").get("k")).isEqualTo("a");
    }

    private static void assertEveryCallIsIllegalState(KvNamespace dead) {
        List<ThrowingCallable> calls = List.of(
                () -> dead.get("k"),
                () -> dead.get("k", ValueType.BYTES),
                () -> dead.get(List.of("k")),
                () -> dead.getWithMetadata("k"),
                () -> dead.getWithMetadata(List.of("k"), ValueType.TEXT),
                () -> dead.put("k", "v"),
                () -> dead.put("k", utf8("v")),
                () -> dead.put("k", ByteBuffer.wrap(utf8("v"))),
                () -> dead.put("k", new ByteArrayInputStream(utf8("v"))),
                () -> dead.put("k", "v", PutOptions.none()),
                () -> dead.delete("k"),
                () -> dead.read(ByteBuffer.wrap(utf8("k")), ByteBuffer.allocate(8)));
        for (int i = 0; i < calls.size(); i++) {
            assertThatThrownBy(calls.get(i)).as("call #%d on a dropped namespace", i)
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
