package dev.basalt.internal.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link IndexWalk} with the index changing between its steps: random puts of new and present
 * keys, removes, and growth by many inserts. Every key live from the walk's start to its end is
 * visited, each visit on the index's current table names a key live then at its location then,
 * and the walk ends after its own table's slots, however often the index grows meanwhile.
 */
class IndexWalkTest {

    @Property(tries = 200)
    void visitsEveryKeyLiveThroughoutWhateverChangesBetweenSteps(@ForAll @LongRange(min = 1) long seed,
            @ForAll @IntRange(min = 1, max = 64) int slotsPerStep,
            @ForAll @IntRange(min = 0, max = 400) int keysAtStart) {
        Random random = new Random(seed);
        KeyBook book = new KeyBook();
        Map<String, Long> live = new HashMap<>();
        int nextKey = 0;
        try (HashIndex index = new HashIndex(random.nextInt(64))) {
            for (; nextKey < keysAtStart; nextKey++) {
                put(index, book, live, "k" + nextKey);
            }
            Set<String> untouched = new HashSet<>(live.keySet());
            Set<String> visited = new HashSet<>();
            Map<Long, String> keyAt = new HashMap<>();
            live.forEach((key, location) -> keyAt.put(location, key));
            IndexWalk walk = new IndexWalk(index);
            int stepsForItsTable = (index.table().capacitySlots + slotsPerStep - 1) / slotsPerStep;
            int steps = 0;
            boolean more = true;
            while (more) {
                more = walk.step(slotsPerStep, (keyHash, location) -> {
                    String key = keyAt.get(location);
                    assertThat(key).as("a visit names a location some key was written at").isNotNull();
                    if (walk.onCurrentTable()) {
                        assertThat(live.get(key)).as("visited " + key + " at its location now").isEqualTo(location);
                    }
                    visited.add(key);
                });
                assertThat(++steps).as("the walk ends with its table").isLessThanOrEqualTo(stepsForItsTable);
                int changes = random.nextInt(4) == 0 ? 200 : random.nextInt(4); // now and then a growth spurt
                for (int c = 0; c < changes; c++) {
                    int roll = random.nextInt(4);
                    String key = "k" + (roll == 0 ? nextKey++ : random.nextInt(Math.max(1, nextKey)));
                    if (roll == 1 && live.containsKey(key)) {
                        UnsafeBuffer bytes = KeyBook.buffer(key);
                        index.remove(KeyBook.hash(bytes), bytes, 0, bytes.capacity(), book);
                        live.remove(key);
                        untouched.remove(key);
                    } else {
                        long location = put(index, book, live, key);
                        keyAt.put(location, key);
                    }
                }
            }
            assertThat(visited).as("every key live throughout").containsAll(untouched);
        }
    }

    @Example
    void aGrowthInTheMiddleLeavesTheWalkOnItsTable() {
        KeyBook book = new KeyBook();
        Map<String, Long> live = new HashMap<>();
        try (HashIndex index = new HashIndex(0)) {
            for (int i = 0; i < 10; i++) {
                put(index, book, live, "k" + i);
            }
            Map<String, Long> atStart = new HashMap<>(live);
            int slots = index.table().capacitySlots;
            IndexWalk walk = new IndexWalk(index);
            Set<Long> visited = new HashSet<>();
            assertThat(walk.step(4, (keyHash, location) -> visited.add(location))).isTrue();
            assertThat(walk.onCurrentTable()).isTrue();
            for (int i = 10; i < 100; i++) {
                put(index, book, live, "k" + i);
            }
            assertThat(walk.onCurrentTable()).as("the index grew").isFalse();
            int steps = 1;
            boolean more;
            do {
                more = walk.step(4, (keyHash, location) -> visited.add(location));
                steps++;
            } while (more);
            assertThat(steps).as("the first table's %d slots, 4 a step", slots).isEqualTo((slots + 3) / 4);
            assertThat(visited).containsAll(atStart.values()); // and maybe keys added before the growth
            assertThat(live.values()).containsAll(visited);
        }
    }

    /** Puts {@code key} at a fresh location (a new record of it); returns the location. */
    private static long put(HashIndex index, KeyBook book, Map<String, Long> live, String key) {
        UnsafeBuffer bytes = KeyBook.buffer(key);
        long location = book.write(bytes);
        index.put(KeyBook.hash(bytes), bytes, 0, bytes.capacity(), location, book);
        live.put(key, location);
        return location;
    }
}
