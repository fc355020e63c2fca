package dev.basalt.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link TouchedKeys#withoutRepeats} against an insertion-ordered map whose {@code putIfAbsent}
 * is the promise: each key once, first location kept, in first-touch order. Hashes are drawn
 * from a handful of values so that distinct keys share them and the chains are exercised, and
 * keys are added from inside a larger buffer, as the replay hands them over.
 */
class TouchedKeysTest {
    @Property(tries = 300)
    void remembersEachKeyOnceWithItsFirstLocation(@ForAll("touches") List<String> keys,
            @ForAll @IntRange(min = 1, max = 5) int distinctHashes) {
        TouchedKeys touched = new TouchedKeys();
        Map<String, Long> model = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            byte[] bytes = key.getBytes(StandardCharsets.ISO_8859_1);
            byte[] framed = new byte[bytes.length + 7];
            System.arraycopy(bytes, 0, framed, 3, bytes.length);
            touched.add(hash(key, distinctHashes), new UnsafeBuffer(framed), 3, bytes.length, i, i, TouchedKeys.UNREAD,
                    100 + i);
            model.putIfAbsent(key, (long) i);
        }
        assertThat(touched.size()).as("every touch kept until asked").isEqualTo(keys.size());
        touched = touched.withoutRepeats();
        assertThat(touched.size()).isEqualTo(model.size());
        List<String> order = new ArrayList<>(model.keySet());
        for (int entry = 0; entry < touched.size(); entry++) {
            byte[] key = new byte[touched.keyLength(entry)];
            touched.keys().getBytes(touched.keyOffset(entry), key);
            String actual = new String(key, StandardCharsets.ISO_8859_1);
            assertThat(actual).as("entry %d", entry).isEqualTo(order.get(entry));
            assertThat(touched.before(entry)).as("location of %s", actual).isEqualTo(model.get(actual));
            assertThat(touched.firstLength(entry)).as("length of %s's first record", actual)
                    .isEqualTo(100 + model.get(actual));
            assertThat(touched.keyHash(entry)).isEqualTo(hash(actual, distinctHashes));
        }
    }

    /**
     * {@link TouchedKeys#keep} and {@link TouchedKeys#keptAsOwed} against the list of the kept
     * entries: the owed keys are the kept ones, in order, each with the noted location and
     * plainness it was kept with, whatever was skipped between them and however long the keys.
     */
    @Property(tries = 300)
    void keepsTheOwedKeysInPlaceAndHandsThemOver(@ForAll("touches") List<String> keys,
            @ForAll("keptEntries") List<Boolean> keptPattern) {
        TouchedKeys touched = new TouchedKeys();
        for (int i = 0; i < keys.size(); i++) {
            byte[] bytes = keys.get(i).getBytes(StandardCharsets.ISO_8859_1);
            touched.add(hash(keys.get(i), 3), new UnsafeBuffer(bytes), 0, bytes.length, i, i, TouchedKeys.UNREAD, 1);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (keptPattern.get(i % keptPattern.size())) {
                assertThat(touched.before(i)).as("entry %d's own figures, read before it is kept", i).isEqualTo(i);
                touched.keep(i, expected.size(), 1000L + i, (byte) (i % 3));
                expected.add(keys.get(i) + "@" + (1000L + i) + "/" + (i % 3));
            }
        }
        OwedKeys owed = touched.keptAsOwed(expected.size());
        assertThat(owed.size()).isEqualTo(expected.size());
        List<String> actual = new ArrayList<>();
        for (int i = 0; i < owed.size(); i++) {
            byte[] key = new byte[owed.keyLength(i)];
            owed.keys().getBytes(owed.keyOffset(i), key);
            actual.add(new String(key, StandardCharsets.ISO_8859_1) + "@" + owed.noted(i) + "/" + owed.plainness(i));
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(touched.size()).as("the touched keys are spent").isZero();
    }

    @Provide
    Arbitrary<List<Boolean>> keptEntries() {
        return Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(7);
    }

    @Provide
    Arbitrary<List<String>> touches() {
        // Few short keys (many repeats, keys that are prefixes of others), the empty key, and
        // enough of them to grow every array past its first capacity.
        Arbitrary<String> key = Arbitraries.strings().withChars('a', 'b', '\u00ff').ofMinLength(0).ofMaxLength(12);
        return key.list().ofMinSize(0).ofMaxSize(3000);
    }

    private static long hash(String key, int distinctHashes) {
        return Math.floorMod(key.hashCode(), distinctHashes) * 0x9E3779B97F4A7C15L;
    }
}
