package dev.basalt.internal.listing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Test helpers: byte keys, and scans that copy what they visit. */
final class Scans {
    /** The order the listing promises: unsigned lexicographic. */
    static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

    private Scans() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... values) {
        final byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static UnsafeBuffer buffer(byte[] key) {
        return new UnsafeBuffer(key);
    }

    static boolean insert(KeyListing listing, byte[] key) {
        return listing.insert(buffer(key), 0, key.length);
    }

    static boolean remove(KeyListing listing, byte[] key) {
        return listing.remove(buffer(key), 0, key.length);
    }

    static boolean contains(KeyListing listing, byte[] key) {
        return listing.contains(buffer(key), 0, key.length);
    }

    /** One listed key, as a visitor that takes keys one at a time sees it. */
    @FunctionalInterface
    interface PerKey {
        /** @return whether the key counts toward the scan's maxKeys */
        boolean visit(DirectBuffer buffer, int offset, int length);
    }

    /** A batch visitor that hands each key of a batch, in order, to {@code perKey}. */
    static KeyBatch.Visitor eachKey(PerKey perKey) {
        return batch -> {
            int counted = 0;
            for (int i = 0; i < batch.size(); i++) {
                counted += perKey.visit(batch.buffer(i), batch.offset(i), batch.length(i)) ? 1 : 0;
            }
            return counted;
        };
    }

    /** One scan in batches of 16 keys, every visited key counted; the keys copied out. */
    static List<byte[]> scan(KeyListing listing, byte[] from, boolean inclusive, byte[] prefix, int maxKeys) {
        return scan(listing, from, inclusive, prefix, maxKeys, 16);
    }

    /** One scan in batches of up to {@code batchKeys}, every visited key counted; the keys copied out. */
    static List<byte[]> scan(KeyListing listing, byte[] from, boolean inclusive, byte[] prefix, int maxKeys,
                             int batchKeys) {
        final List<byte[]> keys = new ArrayList<>();
        final int counted = listing.scan(buffer(from), 0, from.length, inclusive,
            buffer(prefix), 0, prefix.length, maxKeys, new KeyBatch(batchKeys), eachKey((buffer, offset, length) -> {
                final byte[] key = new byte[length];
                buffer.getBytes(offset, key);
                keys.add(key);
                return true;
            }));
        if (counted != keys.size()) {
            throw new AssertionError("scan returned " + counted + " but visited " + keys.size());
        }
        return keys;
    }

    /** Every key with the prefix, page by page, each page resuming strictly after the last key. */
    static List<List<byte[]>> pages(KeyListing listing, byte[] prefix, int pageSize) {
        final List<List<byte[]>> pages = new ArrayList<>();
        byte[] from = new byte[0];
        while (true) {
            final List<byte[]> page = scan(listing, from, false, prefix, pageSize);
            if (page.isEmpty()) {
                return pages;
            }
            pages.add(page);
            from = page.get(page.size() - 1);
        }
    }

    static List<byte[]> all(KeyListing listing) {
        return scan(listing, new byte[0], true, new byte[0], Integer.MAX_VALUE);
    }

    static List<String> strings(List<byte[]> keys) {
        final List<String> strings = new ArrayList<>();
        for (byte[] key : keys) {
            strings.add(new String(key, StandardCharsets.UTF_8));
        }
        return strings;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
