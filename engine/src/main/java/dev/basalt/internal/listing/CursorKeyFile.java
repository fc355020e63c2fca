package dev.basalt.internal.listing;

import dev.basalt.BasaltException;
import dev.basalt.internal.env.DurableFiles;
import dev.basalt.internal.env.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The file {@code CURSOR_KEY} in a data directory: the secret that {@link Cursors} signs
 * cursors with, so that cursors stay valid across restarts of that directory and no other
 * directory accepts them.
 *
 * <pre>
 *   +-----------+-------------+----------------+-------------+
 *   | magic (4) | version (4) | key (32)       | crc32c (4)  |    44 bytes, big-endian ints
 *   +-----------+-------------+----------------+-------------+
 *   magic   = 0x42434B59 ("BCKY")
 *   version = 1
 *   crc32c  covers bytes 0..39 (magic, version, key)
 * </pre>
 *
 * <p>Created once with {@link SecureRandom} by the fsync protocol of {@link DurableFiles}
 * (write {@code CURSOR_KEY.tmp}, force, atomic move, force the directory), mode 0600. A
 * crash during creation leaves either no file (a new key is made on the next open; no cursor
 * was handed out with the lost one) or the complete file. Every open checks size, magic,
 * version and checksum, and a file that fails any of them is a {@link BasaltException} naming
 * the file: replacing a damaged key silently would turn every outstanding cursor into an
 * error without saying why. (A damaged key could never make a cursor return a wrong page: a
 * wrong key only makes every MAC check fail.) The caller holds the directory lock, so no
 * other process creates the file at the same time.
 */
final class CursorKeyFile {
    static final String FILE_NAME = "CURSOR_KEY";
    static final int MAGIC = 0x42434B59;
    static final int FORMAT_VERSION = 1;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = MAGIC_OFFSET + Integer.BYTES;
    static final int KEY_OFFSET = VERSION_OFFSET + Integer.BYTES;
    static final int CRC_OFFSET = KEY_OFFSET + Cursors.KEY_BYTES;
    static final int FILE_LENGTH = CRC_OFFSET + Integer.BYTES;

    private CursorKeyFile() {
    }

    static byte[] loadOrCreate(FileIo io, Path dir) {
        final Path file = dir.resolve(FILE_NAME);
        try {
            return load(file, io.readAll(checkedSize(io, file)));
        } catch (NoSuchFileException e) {
            return create(io, file);
        } catch (IOException e) {
            throw new BasaltException("cannot read cursor key file " + file + ": " + e, e);
        }
    }

    /** Fails before reading if the file is not exactly {@link #FILE_LENGTH} bytes. */
    private static Path checkedSize(FileIo io, Path file) throws IOException {
        final long size = io.size(file);
        if (size != FILE_LENGTH || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new BasaltException("cursor key file " + file + " is damaged: "
                + (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? "size=" + size : "not a regular file")
                + ", expected a regular file of size=" + FILE_LENGTH);
        }
        return file;
    }

    static byte[] load(Path file, byte[] content) {
        final ByteBuffer b = ByteBuffer.wrap(content).order(ByteOrder.BIG_ENDIAN);
        if (content.length != FILE_LENGTH) {
            throw damaged(file, "size=" + content.length + ", expected size=" + FILE_LENGTH);
        }
        final int magic = b.getInt(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw damaged(file, "magic=0x" + Integer.toHexString(magic) + ", expected magic=0x"
                + Integer.toHexString(MAGIC) + "; it is not a cursor key file");
        }
        final int storedCrc = b.getInt(CRC_OFFSET);
        final int actualCrc = crc(content);
        if (storedCrc != actualCrc) {
            throw damaged(file, "checksum mismatch: stored crc32c=0x" + Integer.toHexString(storedCrc)
                + ", computed crc32c=0x" + Integer.toHexString(actualCrc));
        }
        final int version = b.getInt(VERSION_OFFSET);
        if (version > FORMAT_VERSION) {
            throw new BasaltException("cursor key file " + file + " has format version=" + version
                + ", newer than this engine's version=" + FORMAT_VERSION + "; use a newer engine");
        }
        if (version != FORMAT_VERSION) {
            throw damaged(file, "format version=" + version + ", expected version=" + FORMAT_VERSION);
        }
        return Arrays.copyOfRange(content, KEY_OFFSET, KEY_OFFSET + Cursors.KEY_BYTES);
    }

    static byte[] encode(byte[] key) {
        assert key.length == Cursors.KEY_BYTES : "key of " + key.length + " bytes";
        final ByteBuffer b = ByteBuffer.allocate(FILE_LENGTH).order(ByteOrder.BIG_ENDIAN);
        b.putInt(MAGIC_OFFSET, MAGIC).putInt(VERSION_OFFSET, FORMAT_VERSION).put(KEY_OFFSET, key);
        b.putInt(CRC_OFFSET, crc(b.array()));
        return b.array();
    }

    private static byte[] create(FileIo io, Path file) {
        final byte[] key = new byte[Cursors.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        DurableFiles.writeAtomically(io, file, ByteBuffer.wrap(encode(key)));
        return key;
    }

    private static int crc(byte[] content) {
        final CRC32C crc = new CRC32C();
        crc.update(content, 0, CRC_OFFSET);
        return (int) crc.getValue();
    }

    private static BasaltException damaged(Path file, String detail) {
        return new BasaltException("cursor key file " + file + " is damaged: " + detail);
    }
}
