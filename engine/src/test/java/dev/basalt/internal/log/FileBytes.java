package dev.basalt.internal.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;

/**
 * Damages and inspects real files between a close and the next open, through a plain
 * {@link FileChannel} (never through the engine), as a failing disk or a torn write would.
 * Public so that the store-level recovery tests use the same tool.
 *
 * <p>Every change dates the file a second after its previous modification time. File systems
 * keep that time to a clock tick, so a change made within the tick of the engine's last write
 * (a close a millisecond earlier) would keep it, and an open trusts a checkpointed segment
 * whose time is unchanged without reading it (docs/format.md, "When an open uses it"). A test
 * damages a file to see what an open that notices makes of it; a later tick is what a real
 * change after a close gets, so every run takes the same path.
 */
public final class FileBytes {
    private FileBytes() {
    }

    /** {@code length} bytes of {@code file} from {@code offset} (fewer past the end of the file). */
    public static byte[] read(Path file, long offset, int length) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocate(length);
            while (bytes.hasRemaining() && channel.read(bytes, offset + bytes.position()) > 0) {
                // keep reading
            }
            byte[] copy = new byte[bytes.position()];
            bytes.flip().get(copy);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Overwrites {@code file} at {@code offset} with {@code bytes}; the file may grow. */
    public static void write(Path file, long offset, byte[] bytes) {
        changeDatedAfterTheLast(file, () -> {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ByteBuffer source = ByteBuffer.wrap(bytes);
                while (source.hasRemaining()) {
                    channel.write(source, offset + source.position());
                }
            }
        });
    }

    /** Flips bit {@code bit} (0 is the lowest) of the byte at {@code offset}. */
    public static void flipBit(Path file, long offset, int bit) {
        byte[] one = read(file, offset, 1);
        one[0] ^= (byte) (1 << bit);
        write(file, offset, one);
    }

    /** Cuts {@code file} to {@code lengthBytes}. */
    public static void truncate(Path file, long lengthBytes) {
        changeDatedAfterTheLast(file, () -> {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(lengthBytes);
            }
        });
    }

    /**
     * Runs {@code change} on {@code file}, then sets the file's modification time to a second
     * after the one it had before (see the class comment).
     */
    private static void changeDatedAfterTheLast(Path file, FileChange change) {
        try {
            FileTime before = Files.getLastModifiedTime(file);
            change.run();
            Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 1_000));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A change to a file that may fail with an {@link IOException}. */
    @FunctionalInterface
    private interface FileChange {
        /** Makes the change. */
        void run() throws IOException;
    }

    /** The offset of the first non-zero byte at or after {@code from}, or -1 when there is none. */
    public static long firstNonZeroAtOrAfter(Path file, long from) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long at = from;
            int read;
            while ((read = channel.read(chunk.clear(), at)) > 0) {
                for (int i = 0; i < read; i++) {
                    if (chunk.get(i) != 0) {
                        return at + i;
                    }
                }
                at += read;
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where {@code wanted} first occurs in {@code file}, or -1. */
    public static int indexOf(Path file, byte[] wanted) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        outer:
        for (int i = 0; i + wanted.length <= bytes.length; i++) {
            for (int j = 0; j < wanted.length; j++) {
                if (bytes[i + j] != wanted[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
