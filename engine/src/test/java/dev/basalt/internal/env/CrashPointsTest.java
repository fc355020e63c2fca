package dev.basalt.internal.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Crash points are inert unless armed, the arming syntax is checked, and the enum and the
 * engine's call sites agree: every point is passed somewhere in the main sources, so a
 * campaign that arms it can reach it. (The kill campaign in the reliability module proves
 * each one is reached at run time; this test catches a point whose call was removed.)
 */
class CrashPointsTest {
    private static final Pattern REFERENCE = Pattern.compile("CrashPoint\\.([A-Z][A-Z0-9_]+)");

    @Test
    void unarmedPointsDoNothing() {
        assertThat(System.getProperty(CrashPoints.PROPERTY)).as("this JVM arms nothing").isNull();
        assertThat(CrashPoints.armed()).isFalse();
        for (CrashPoint point : CrashPoint.values()) {
            CrashPoints.hit(point); // would halt the test JVM if armed
        }
        for (CrashPoints.PublishStep step : CrashPoints.PublishStep.values()) {
            CrashPoints.publishing(Path.of("000000000001.hint"), step);
        }
        assertThat(CrashPoints.armed()).as("still alive and still unarmed").isFalse();
    }

    @Test
    void armingParsesNameAndHitCount() {
        assertThat(CrashPoints.Arming.parse(null)).isNull();
        assertThat(CrashPoints.Arming.parse(" ")).isNull();
        assertThat(CrashPoints.Arming.parse("ROLL_HINT_WRITTEN"))
                .isEqualTo(new CrashPoints.Arming(CrashPoint.ROLL_HINT_WRITTEN, 1));
        assertThat(CrashPoints.Arming.parse("RECOVERY_SCAN_RECORD:17"))
                .isEqualTo(new CrashPoints.Arming(CrashPoint.RECOVERY_SCAN_RECORD, 17));
        assertThatThrownBy(() -> CrashPoints.Arming.parse("NO_SUCH_POINT")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CrashPoints.Arming.parse("LOG_AFTER_FSYNC:0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }

    @Test
    void publishStepsMapToThePointsOfEachKindOfFile() {
        assertThat(CrashPoints.pointFor("000000000007.hint", CrashPoints.PublishStep.MOVED))
                .isEqualTo(CrashPoint.HINT_MOVED);
        assertThat(CrashPoints.pointFor("000000000007.seg", CrashPoints.PublishStep.BEFORE_MOVE))
                .isEqualTo(CrashPoint.SEGMENT_BEFORE_MOVE);
        assertThat(CrashPoints.pointFor("000000000007.seg", CrashPoints.PublishStep.TEMP_WRITTEN)).isNull();
        assertThat(CrashPoints.pointFor("COMPACTION_COMMIT", CrashPoints.PublishStep.TEMP_WRITTEN))
                .isEqualTo(CrashPoint.COMMIT_TEMP_WRITTEN);
        assertThat(CrashPoints.pointFor("STORE", CrashPoints.PublishStep.BEFORE_MOVE))
                .isEqualTo(CrashPoint.STORE_FILE_BEFORE_MOVE);
        assertThat(CrashPoints.pointFor("CURSOR_KEY", CrashPoints.PublishStep.MOVED))
                .isEqualTo(CrashPoint.CURSOR_KEY_MOVED);
        assertThat(CrashPoints.pointFor("LOCK", CrashPoints.PublishStep.MOVED)).isNull();
    }

    @Test
    void everyPointHasACallSiteInTheMainSources() throws IOException {
        Path sources = Path.of("src", "main", "java");
        assertThat(sources.resolve("dev/basalt/internal/env/CrashPoint.java"))
                .as("the test runs in the engine module's directory").exists();
        Set<CrashPoint> referenced = EnumSet.noneOf(CrashPoint.class);
        Set<String> unknown = new TreeSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                if (file.getFileName().toString().equals("CrashPoint.java")) {
                    continue; // the declarations themselves
                }
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    try {
                        referenced.add(CrashPoint.valueOf(m.group(1)));
                    } catch (IllegalArgumentException e) {
                        unknown.add(m.group(1));
                    }
                }
            }
        }
        assertThat(unknown).as("references to names that are not points").isEmpty();
        assertThat(EnumSet.complementOf(EnumSet.copyOf(referenced))).as("points without a call site").isEmpty();
    }
}
