package dev.basalt.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/design.md, checked on the engine's compiled classes: every part may
 * import only the parts below it, written once here.
 *
 * <pre>
 *   API face (dev.basalt)
 *     -> engine (internal.store)            tooling (internal.tooling) beside the engine
 *       -> checkpoint
 *       -> compaction
 *         -> log
 *           -> listing, index, expiry
 *             -> events (JFR event types)
 *               -> env
 * </pre>
 *
 * The API's value types (options, results, the exception) are the vocabulary every part shares
 * and import nothing but {@code env}; the rest of {@code dev.basalt} is the face that only users
 * call. The build fails on any edge against these rules.
 */
class LayeringTest {
    /** The public types the internals may use: what they take and give back, never the face. */
    static final Set<String> API_VOCABULARY = Set.of("dev.basalt.BasaltException", "dev.basalt.BasaltOptions",
            "dev.basalt.BasaltStats", "dev.basalt.CompactionResult", "dev.basalt.Durability");

    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.basalt");

    @Test
    void eachPartImportsOnlyThePartsBelowIt() {
        layers().check(ENGINE);
    }

    @Test
    void theApiFaceDoesNotParseTheLog() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.basalt")
                .should().dependOnClassesThat().resideInAPackage("dev.basalt.internal.log..")
                .because("reads hand the API a RecordView; the log's layout stays behind the engine");
        rule.check(ENGINE);
    }

    @Test
    void theSharedVocabularyImportsNoPartButEnv() {
        noClasses().that(apiVocabulary()).should().dependOnClassesThat().resideInAnyPackage(
                "dev.basalt.internal.store..", "dev.basalt.internal.tooling..", "dev.basalt.internal.compaction..",
                "dev.basalt.internal.log..", "dev.basalt.internal.listing..", "dev.basalt.internal.index..",
                "dev.basalt.internal.expiry..")
                .because("the engine uses these types, so they must not lead back into it")
                .check(ENGINE);
    }

    @Test
    void theInternalPackagesHaveNoCycle() {
        slices().matching("dev.basalt.internal.(*)..").should().beFreeOfCycles().check(ENGINE);
    }

    static ArchRule layers() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("API face").definedBy(apiFace())
                .layer("API vocabulary").definedBy(apiVocabulary())
                .layer("Tooling").definedBy("dev.basalt.internal.tooling..")
                .layer("Engine").definedBy("dev.basalt.internal.store..")
                .layer("Checkpoint").definedBy("dev.basalt.internal.checkpoint..")
                .layer("Compaction").definedBy("dev.basalt.internal.compaction..")
                .layer("Log").definedBy("dev.basalt.internal.log..")
                .layer("Listing").definedBy("dev.basalt.internal.listing..")
                .layer("Index").definedBy("dev.basalt.internal.index..")
                .layer("Expiry").definedBy("dev.basalt.internal.expiry..")
                .layer("Events").definedBy("dev.basalt.internal.events..")
                .layer("Env").definedBy("dev.basalt.internal.env..")
                .whereLayer("API face").mayNotBeAccessedByAnyLayer()
                .whereLayer("Tooling").mayNotBeAccessedByAnyLayer()
                .whereLayer("Engine").mayOnlyBeAccessedByLayers("API face", "Tooling")
                .whereLayer("Checkpoint").mayOnlyBeAccessedByLayers("Engine", "Tooling")
                .whereLayer("Compaction").mayOnlyBeAccessedByLayers("API face", "Engine", "Tooling")
                .whereLayer("Log").mayOnlyBeAccessedByLayers("Engine", "Checkpoint", "Compaction", "Tooling")
                .whereLayer("Listing").mayOnlyBeAccessedByLayers("API face", "Engine", "Checkpoint", "Compaction", "Log",
                        "Tooling")
                .whereLayer("Index").mayOnlyBeAccessedByLayers("API face", "Engine", "Checkpoint", "Compaction", "Log",
                        "Tooling")
                .whereLayer("Expiry").mayOnlyBeAccessedByLayers("API face", "Engine", "Compaction", "Log",
                        "Tooling")
                .whereLayer("Events").mayOnlyBeAccessedByLayers("Engine", "Checkpoint", "Compaction", "Log", "Tooling")
                .whereLayer("API vocabulary").mayOnlyBeAccessedByLayers("API face", "Tooling", "Engine",
                        "Checkpoint", "Compaction", "Log", "Listing", "Index", "Expiry", "Env");
    }

    private static DescribedPredicate<JavaClass> apiVocabulary() {
        return DescribedPredicate.describe("the API's value types",
                c -> API_VOCABULARY.contains(outermost(c).getName()));
    }

    private static DescribedPredicate<JavaClass> apiFace() {
        return DescribedPredicate.describe("the API face",
                c -> c.getPackageName().equals("dev.basalt") && !API_VOCABULARY.contains(outermost(c).getName()));
    }

    private static JavaClass outermost(JavaClass c) {
        JavaClass outer = c;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        return outer;
    }
}
