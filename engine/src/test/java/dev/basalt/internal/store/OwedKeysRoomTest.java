package dev.basalt.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.internal.checkpoint.UnlistedKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A capture's copy of the owed keys ({@link OwedKeys#copyKeys}) saves the same keys, locations
 * and plainness whether it lands in a room reserved before the lock or in arrays of its own; it
 * uses the room exactly when the keys fit, and leaves a room too small untouched.
 */
class OwedKeysRoomTest {
    private static final byte[] PLAINNESS = {OwedKeys.PLAIN, OwedKeys.NOT_PLAIN, OwedKeys.UNKNOWN};

    @Property(tries = 200)
    void theKeysAreSavedTheSameInARoomOrInArraysOfTheirOwn(
            @ForAll @Size(max = 60) List<@StringLength(min = 1, max = 24) @AlphaChars String> keys,
            @ForAll @IntRange(max = 70) int roomKeys, @ForAll @IntRange(max = 900) int roomBytes) {
        OwedKeys owed = new OwedKeys();
        int bytes = 0;
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = keys.get(i).getBytes(StandardCharsets.UTF_8);
            owed.add(new UnsafeBuffer(key), 0, key.length, 1_000L * i + 8, PLAINNESS[i % PLAINNESS.length]);
            bytes += key.length;
        }
        OwedKeysRoom room = OwedKeysRoom.exactly(roomKeys, roomBytes);

        List<String> inRoom = saved(owed.copyKeys(room));
        List<String> ownArrays = saved(owed.copyKeys(null));

        assertThat(inRoom).isEqualTo(ownArrays).hasSize(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            assertThat(ownArrays.get(i)).isEqualTo(keys.get(i) + "@" + (1_000L * i + 8) + "/"
                    + PLAINNESS[i % PLAINNESS.length]);
        }
        boolean fits = keys.size() < roomKeys + 1 && bytes <= roomBytes;
        assertThat(room.fits(keys.size(), bytes)).isEqualTo(fits);
        String roomText = new String(room.keyBytes, 0, Math.min(bytes, roomBytes), StandardCharsets.UTF_8);
        if (fits) {
            assertThat(roomText).as("the keys copied into the room").isEqualTo(String.join("", keys));
        } else {
            assertThat(roomText.chars()).as("a room too small is left as it was").allMatch(c -> c == 0);
        }
    }

    private static List<String> saved(UnlistedKeys unlisted) {
        List<String> out = new ArrayList<>();
        unlisted.forEach((buffer, offset, length, location, plainness) -> {
            byte[] key = new byte[length];
            buffer.getBytes(offset, key);
            out.add(new String(key, StandardCharsets.UTF_8) + "@" + location + "/" + plainness);
        });
        return out;
    }
}
