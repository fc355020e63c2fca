package dev.basalt.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.junit.jupiter.api.Test;

/**
 * Slot tables, a checkpoint's copies and owned copies of mapped chunks are anonymous mappings
 * of their own ({@code DirectMemory}), which have no cleaner: {@code BufferUtil.free} leaves one
 * mapped for good. So every direct buffer the engine frees goes through {@code DirectMemory.free},
 * which unmaps its own and hands any other buffer to {@code BufferUtil.free}.
 */
class DirectMemoryFreedInOnePlaceTest {
    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.basalt");

    @Test
    void onlyDirectMemoryCallsBufferUtilFree() {
        noClasses().that().doNotHaveFullyQualifiedName("dev.basalt.internal.env.DirectMemory")
                .should().callMethod(BufferUtil.class, "free", ByteBuffer.class)
                .because("a buffer from DirectMemory.allocateZeroed is unmapped only by DirectMemory.free")
                .check(ENGINE);
    }
}
