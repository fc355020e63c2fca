package dev.basalt.internal.tooling;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Checks {@code CURSOR_KEY}, the secret list cursors are signed with. Its layout is the one
 * documented on {@code dev.basalt.internal.listing.CursorKeyFile} (44 bytes, big-endian ints:
 * magic "BCKY", version 1, 32 key bytes, CRC32C of bytes 0..39); that class is package-private,
 * so the figures are repeated here and must change with it.
 *
 * <p>Missing is not damage (a directory last opened before listing existed has none; the next
 * open creates one, which invalidates no cursor since none was handed out); damaged is, since
 * the engine then refuses to open.
 */
final class CursorKeyCheck {
    static final String FILE_NAME = "CURSOR_KEY";
    private static final int MAGIC = 0x42434B59;
    private static final int FORMAT_VERSION = 1;
    private static final int VERSION_OFFSET = 4;
    private static final int CRC_OFFSET = 40;
    private static final int FILE_LENGTH = 44;

    private CursorKeyCheck() {
    }

    /** Null when the file is intact or absent (see {@code warning}); else what is wrong. */
    static Damage check(Path dir, java.util.function.Consumer<String> warning) {
        Path file = dir.resolve(FILE_NAME);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            warning.accept(FILE_NAME + " is missing; the next open creates it (list cursors need it)");
            return null;
        } catch (IOException e) {
            return new Damage(file, 0, 0, "cannot read " + FILE_NAME + ": " + e);
        }
        if (content.length != FILE_LENGTH) {
            return new Damage(file, 0, Math.max(1, content.length), FILE_NAME + " is " + content.length
                    + " bytes, expected " + FILE_LENGTH + "; the engine refuses to open");
        }
        ByteBuffer b = ByteBuffer.wrap(content).order(ByteOrder.BIG_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(content, 0, CRC_OFFSET);
        int computed = (int) crc.getValue();
        if (b.getInt(0) != MAGIC || b.getInt(CRC_OFFSET) != computed) {
            return new Damage(file, 0, FILE_LENGTH, FILE_NAME + " is damaged: magic=0x" + Integer.toHexString(b.getInt(0))
                    + " crc32c=0x" + Integer.toHexString(b.getInt(CRC_OFFSET)) + ", computed 0x"
                    + Integer.toHexString(computed) + "; the engine refuses to open");
        }
        if (b.getInt(VERSION_OFFSET) != FORMAT_VERSION) {
            return new Damage(file, VERSION_OFFSET, 4, FILE_NAME + " has format version=" + b.getInt(VERSION_OFFSET)
                    + ", this Basalt reads version " + FORMAT_VERSION);
        }
        return null;
    }
}
