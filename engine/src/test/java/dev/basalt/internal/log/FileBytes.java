package dev.basalt.internal.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Damages and inspects real files between a close and the next open, through a plain
 * {@link FileChannel} (never through the engine), as a failing disk or a torn write would.
 * Public so that the store-level recovery tests use the same tool.
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
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer source = ByteBuffer.wrap(bytes);
            while (source.hasRemaining()) {
                channel.write(source, offset + source.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flips bit {@code bit} (0 is the lowest) of the byte at {@code offset}. */
    public static void flipBit(Path file, long offset, int bit) {
        byte[] one = read(file, offset, 1);
        one[0] ^= (byte) (1 << bit);
        write(file, offset, one);
    }

    /** Cuts {@code file} to {@code lengthBytes}. */
    public static void truncate(Path file, long lengthBytes) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(lengthBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
}
