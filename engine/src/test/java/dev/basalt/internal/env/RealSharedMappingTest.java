package dev.basalt.internal.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * The shared mapping appends copy into maps one window of the file at a time
 * ({@link RealSharedMapping#WINDOW_BYTES}). Against a byte-array model of the file: writes at
 * any position and length, across window boundaries, backwards as well as forwards, land where
 * they were asked to, and nothing else changes; a write past the end is refused and changes
 * nothing; an interrupted caller's write lands, and its interrupt flag is still set after.
 */
class RealSharedMappingTest {
    private static final int WINDOW = RealSharedMapping.WINDOW_BYTES;
    /** Three windows and a part of a fourth: the last window is shorter. */
    private static final int CAPACITY = 3 * WINDOW + 12_345;

    private Path dir;
    private Path file;

    record Write(long position, int length, int seed, boolean interrupted) {
    }

    @BeforeTry
    void createFile() throws IOException {
        dir = Files.createTempDirectory("basalt-mapping-");
        file = dir.resolve("segment");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(CAPACITY);
        }
    }

    @AfterTry
    void deleteFile() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @Property(tries = 40)
    void writesLandWhereTheyWereAskedToWhateverWindowTheyFallIn(@ForAll("writes") List<Write> writes)
            throws IOException {
        byte[] model = new byte[CAPACITY];
        try (SharedMapping mapping = FileIo.real().mapShared(file, CAPACITY)) {
            assertThat(mapping.capacity()).isEqualTo(CAPACITY);
            for (Write write : writes) {
                byte[] bytes = bytes(write);
                ByteBuffer source = ByteBuffer.wrap(bytes);
                if (write.position() + write.length() > CAPACITY) {
                    assertThatThrownBy(() -> mapping.write(source, write.position()))
                            .isInstanceOf(IOException.class).hasMessageContaining("do not fit");
                    assertThat(source.remaining()).as("nothing consumed").isEqualTo(write.length());
                    continue;
                }
                if (write.interrupted()) {
                    Thread.currentThread().interrupt();
                }
                mapping.write(source, write.position());
                assertThat(Thread.interrupted()).as("the caller's interrupt flag, kept").isEqualTo(write.interrupted());
                assertThat(source.remaining()).as("all consumed").isZero();
                System.arraycopy(bytes, 0, model, (int) write.position(), bytes.length);
            }
        }
        assertThat(Files.readAllBytes(file)).as("the file against the model").isEqualTo(model);
    }

    @Provide
    Arbitrary<List<Write>> writes() {
        // Positions near window boundaries are the interesting ones; some anywhere.
        Arbitrary<Long> nearBoundary = Combinators.combine(Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(-300, 300)).as((w, d) -> Math.max(0L, (long) w * WINDOW + d));
        Arbitrary<Long> anywhere = Arbitraries.longs().between(0, CAPACITY);
        Arbitrary<Long> positions = Arbitraries.oneOf(nearBoundary, anywhere);
        Arbitrary<Integer> lengths = Arbitraries.oneOf(Arbitraries.integers().between(1, 600),
                Arbitraries.integers().between(1, WINDOW + 1000));
        return Combinators.combine(positions, lengths, Arbitraries.integers(), Arbitraries.of(false, false, true))
                .as(Write::new).list().ofMinSize(1).ofMaxSize(30);
    }

    private static byte[] bytes(Write write) {
        byte[] bytes = new byte[write.length()];
        new SplittableRandom(write.seed()).nextBytes(bytes);
        return bytes;
    }
}
