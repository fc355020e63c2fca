package dev.basalt.internal.listing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque, authenticated list cursors. A cursor carries only the last key returned; the
 * namespace and prefix always come from the call, and the MAC binds the cursor to them and to
 * this directory's secret key, so a cursor cannot be forged, edited, or replayed against
 * another namespace, prefix or directory.
 *
 * <pre>
 *   cursor = base64url-without-padding(bytes)
 *   bytes:
 *   +-------------+--------------------+--------------------------+-------------------+
 *   | version (1) | keyLength (2, BE)  | lastKey (keyLength)      | mac (16)          |
 *   +-------------+--------------------+--------------------------+-------------------+
 *   version   = 1
 *   keyLength = 1..512
 *   mac       = first 16 bytes of HMAC-SHA256(directoryKey,
 *                 version | u16 len(ns) | ns | u16 len(prefix) | prefix | u16 len(lastKey) | lastKey)
 *               where ns is the namespace name in UTF-8 and lengths are big-endian
 * </pre>
 *
 * <h2>Why these choices</h2>
 * <ul>
 *   <li>Length-prefixed MAC fields rather than 0x00 separators: keys and prefixes may contain
 *       0x00, and with separators the cursor for prefix "p", last key "p\0q" would carry the
 *       same MAC input as prefix "p\0p", last key "q".</li>
 *   <li>16 bytes of the MAC: forging one takes 2^128 guesses, and a cursor stays short
 *       (a 16-byte key gives a 47-character cursor, a 512-byte key 708 characters).</li>
 *   <li>The key is in the clear: it is a key the caller was just shown. The cursor hides
 *       nothing, it only cannot be altered.</li>
 *   <li>Decoding checks the string's length before decoding anything, the version before
 *       reading further, the length field against the actual length, then the MAC in constant
 *       time ({@link MessageDigest#isEqual}); only non-canonical base64 (padding, stray bits)
 *       is rejected too, so every accepted cursor has exactly one spelling.</li>
 * </ul>
 *
 * <p>Thread-safe and immutable: every call makes its own {@link Mac} (microseconds, against a
 * page of up to 1000 keys).
 */
public final class Cursors {
    /** The only cursor version this engine writes and reads. */
    public static final int VERSION = 1;
    /** Size of the directory key, in bytes. */
    public static final int KEY_BYTES = 32;
    static final int MAX_KEY_BYTES = NodeLayout.MAX_KEY_BYTES;
    static final int MAX_PREFIX_BYTES = NodeLayout.MAX_KEY_BYTES;
    /** Namespace names are at most 64 bytes; the u16 length field bounds what a MAC can bind. */
    static final int MAX_NAMESPACE_BYTES = 0xFFFF;

    static final int VERSION_OFFSET = 0;
    static final int VERSION_LENGTH = 1;
    static final int KEY_LENGTH_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    static final int KEY_LENGTH_LENGTH = Short.BYTES;
    static final int KEY_OFFSET = KEY_LENGTH_OFFSET + KEY_LENGTH_LENGTH;
    static final int MAC_LENGTH = 16;
    static final int MIN_CURSOR_BYTES = KEY_OFFSET + 1 + MAC_LENGTH;
    static final int MAX_CURSOR_BYTES = KEY_OFFSET + MAX_KEY_BYTES + MAC_LENGTH;
    /** Base64 without padding: 4 characters per 3 bytes, rounded up. */
    static final int MIN_CURSOR_CHARS = base64Chars(MIN_CURSOR_BYTES);
    static final int MAX_CURSOR_CHARS = base64Chars(MAX_CURSOR_BYTES);

    private static final String MAC_ALGORITHM = "HmacSHA256";
    private static final String MALFORMED = "cursor is malformed";
    private static final String FOREIGN = "cursor does not belong to this namespace and prefix (or was tampered with)";

    private final SecretKeySpec macKey;

    /**
     * Cursors signed with {@code macKey}, a directory's secret ({@link #loadOrCreateKey}).
     *
     * @throws IllegalArgumentException if the key is not {@link #KEY_BYTES} bytes
     */
    public Cursors(byte[] macKey) {
        if (macKey == null || macKey.length != KEY_BYTES) {
            throw new IllegalArgumentException("cursor MAC key is "
                + (macKey == null ? "null" : macKey.length + " bytes") + "; it must be " + KEY_BYTES + " bytes");
        }
        this.macKey = new SecretKeySpec(macKey, MAC_ALGORITHM);
    }

    /**
     * The directory's cursor key from {@code dir/CURSOR_KEY}, created with fresh random bytes
     * if the file does not exist. See {@link CursorKeyFile} for the file's format.
     *
     * @throws dev.basalt.BasaltException naming the file if it is damaged or cannot be read
     *                                    or written
     */
    public static byte[] loadOrCreateKey(Path dir) {
        return loadOrCreateKey(dev.basalt.internal.env.FileIo.real(), dir);
    }

    /** {@link #loadOrCreateKey(Path)} through the given file system. */
    public static byte[] loadOrCreateKey(dev.basalt.internal.env.FileIo io, Path dir) {
        return CursorKeyFile.loadOrCreate(io, dir);
    }

    /**
     * The cursor that continues a listing of {@code namespace} and {@code prefixUtf8} after
     * {@code lastKeyUtf8}.
     *
     * @throws IllegalArgumentException if the last key is not 1..512 bytes, the prefix is over
     *                                  512 bytes, or the last key does not start with the prefix
     */
    public String encode(String namespace, byte[] prefixUtf8, byte[] lastKeyUtf8) {
        final byte[] ns = namespaceBytes(namespace);
        checkPrefix(prefixUtf8);
        if (lastKeyUtf8 == null || lastKeyUtf8.length < 1 || lastKeyUtf8.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("cursor key is "
                + (lastKeyUtf8 == null ? "null" : lastKeyUtf8.length + " bytes") + "; it must be 1.." + MAX_KEY_BYTES);
        }
        if (!startsWith(lastKeyUtf8, prefixUtf8)) {
            throw new IllegalArgumentException("cursor key does not start with the prefix");
        }
        final ByteBuffer bytes = ByteBuffer.allocate(KEY_OFFSET + lastKeyUtf8.length + MAC_LENGTH)
            .order(ByteOrder.BIG_ENDIAN);
        bytes.put((byte) VERSION).putShort((short) lastKeyUtf8.length).put(lastKeyUtf8);
        bytes.put(mac(ns, prefixUtf8, lastKeyUtf8), 0, MAC_LENGTH);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /**
     * The last key that {@code cursor} continues after, once the cursor is proven to have been
     * made by {@link #encode} with this directory's key, namespace and prefix.
     *
     * @return a fresh copy of the last key, 1..512 bytes, starting with the prefix
     * @throws IllegalArgumentException if the cursor is malformed, of another version, or
     *                                  made for another namespace, prefix or directory, or
     *                                  altered in any way
     */
    public byte[] decode(String cursor, String namespace, byte[] prefixUtf8) {
        final byte[] ns = namespaceBytes(namespace);
        checkPrefix(prefixUtf8);
        final byte[] bytes = decodeBase64(cursor);
        final int version = bytes[VERSION_OFFSET] & 0xFF;
        if (version != VERSION) {
            throw new IllegalArgumentException("cursor version " + version + " is not supported; expected " + VERSION);
        }
        final int keyLength = (bytes[KEY_LENGTH_OFFSET] & 0xFF) << 8 | bytes[KEY_LENGTH_OFFSET + 1] & 0xFF;
        if (keyLength < 1 || keyLength > MAX_KEY_BYTES || bytes.length != KEY_OFFSET + keyLength + MAC_LENGTH) {
            throw new IllegalArgumentException(MALFORMED + ": its key length field says " + keyLength
                + " bytes, its " + bytes.length + " bytes hold " + (bytes.length - KEY_OFFSET - MAC_LENGTH));
        }
        final byte[] lastKey = Arrays.copyOfRange(bytes, KEY_OFFSET, KEY_OFFSET + keyLength);
        final byte[] expected = Arrays.copyOf(mac(ns, prefixUtf8, lastKey), MAC_LENGTH);
        final byte[] actual = Arrays.copyOfRange(bytes, KEY_OFFSET + keyLength, bytes.length);
        if (!MessageDigest.isEqual(expected, actual) || !startsWith(lastKey, prefixUtf8)) {
            throw new IllegalArgumentException(FOREIGN);
        }
        return lastKey;
    }

    private static byte[] decodeBase64(String cursor) {
        if (cursor == null) {
            throw new IllegalArgumentException(MALFORMED + ": it is null");
        }
        if (cursor.length() < MIN_CURSOR_CHARS || cursor.length() > MAX_CURSOR_CHARS) {
            throw new IllegalArgumentException(MALFORMED + ": it is " + cursor.length()
                + " characters; a cursor has " + MIN_CURSOR_CHARS + ".." + MAX_CURSOR_CHARS);
        }
        final byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(MALFORMED + ": it is not URL-safe base64", e);
        }
        // One spelling per cursor: the decoder tolerates padding and stray low bits.
        if (bytes.length < MIN_CURSOR_BYTES
            || !Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(cursor)) {
            throw new IllegalArgumentException(MALFORMED + ": it is not canonical unpadded base64 of "
                + MIN_CURSOR_BYTES + ".." + MAX_CURSOR_BYTES + " bytes");
        }
        return bytes;
    }

    private byte[] mac(byte[] namespace, byte[] prefix, byte[] lastKey) {
        final Mac mac;
        try {
            mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(macKey);
        } catch (GeneralSecurityException e) {
            // Every Java SE runtime must provide HmacSHA256.
            throw new IllegalStateException(MAC_ALGORITHM + " is not available: " + e, e);
        }
        mac.update((byte) VERSION);
        updateField(mac, namespace);
        updateField(mac, prefix);
        updateField(mac, lastKey);
        return mac.doFinal();
    }

    private static void updateField(Mac mac, byte[] field) {
        assert field.length <= 0xFFFF : "field of " + field.length + " bytes";
        mac.update((byte) (field.length >>> 8));
        mac.update((byte) field.length);
        mac.update(field);
    }

    private static byte[] namespaceBytes(String namespace) {
        if (namespace == null) {
            throw new IllegalArgumentException("namespace is null");
        }
        final byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
        if (ns.length > MAX_NAMESPACE_BYTES) {
            throw new IllegalArgumentException("namespace is " + ns.length + " bytes; the limit is " + MAX_NAMESPACE_BYTES);
        }
        return ns;
    }

    private static void checkPrefix(byte[] prefixUtf8) {
        if (prefixUtf8 == null) {
            throw new IllegalArgumentException("prefix is null; use an empty array for no prefix");
        }
        if (prefixUtf8.length > MAX_PREFIX_BYTES) {
            throw new IllegalArgumentException("prefix is " + prefixUtf8.length + " bytes of UTF-8; the limit is "
                + MAX_PREFIX_BYTES);
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static int base64Chars(int bytes) {
        return (bytes * 4 + 2) / 3;
    }
}
