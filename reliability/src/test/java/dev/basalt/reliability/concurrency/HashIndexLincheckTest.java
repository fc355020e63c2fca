package dev.basalt.reliability.concurrency;

import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.KeyMatcher;
import org.agrona.concurrent.UnsafeBuffer;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lincheck (stress mode) on the off-heap hash index's publication: readers call
 * {@link HashIndex#get} on any thread while one writer puts, removes, compare-and-sets
 * ({@link HashIndex#replace}, compaction's repointing) and grows the table. Lincheck runs random
 * small scenarios on several threads many times and checks every outcome against a sequential
 * run of the same operations; a torn word, a location of the wrong key or a key missed during a
 * growth would show up as a result no sequential order can give.
 *
 * <p>Each scenario starts from a table holding {@value #PREFILLED} keys, one below its 16-slot
 * load limit, so the second new key of a scenario makes the writer rehash under the readers.
 * Keys 1..6 come in pairs that share one full 64-bit hash, so lookups must also get past a
 * colliding key's slot (the matcher decides). Writer operations share a non-parallel group:
 * the index has one writer by contract (the store's append lock).
 */
@Param(name = "key", gen = IntGen.class, conf = "1:6")
@Param(name = "version", gen = IntGen.class, conf = "0:4")
@Tag("lincheck") // its own JVM: see reliability/pom.xml
public class HashIndexLincheckTest {
    private static final int VERSION_BITS = 20;
    private static final int PREFILLED = 11;
    private static final int PREFILLED_FIRST_ID = 100;
    private static final KeyMatcher ID_MATCHER = (location, key, offset, length) ->
            length == Long.BYTES && key.getLong(offset) == location >>> VERSION_BITS;

    private final HashIndex index = new HashIndex(0);
    /** Writer-only. */
    private final UnsafeBuffer writerKey = new UnsafeBuffer(new byte[Long.BYTES]);
    /** Writer-only: versions of new locations, so every put gets a distinct one. */
    private int nextVersion = 1;

    public HashIndexLincheckTest() {
        for (int id = PREFILLED_FIRST_ID; id < PREFILLED_FIRST_ID + PREFILLED; id++) {
            writerKey.putLong(0, id);
            index.put(hashOf(id), writerKey, 0, Long.BYTES, location(id, 0), ID_MATCHER);
        }
    }

    /** Pairs (1,2), (3,4), (5,6) share a hash; prefilled keys spread out. Never 0. */
    private static long hashOf(long id) {
        return id < PREFILLED_FIRST_ID ? 0x1234_5678_0000_0001L * ((id + 1) / 2) : (id * 0x9E37_79B9_7F4A_7C15L) | 1;
    }

    private static long location(long id, int version) {
        return id << VERSION_BITS | version;
    }

    /** Any thread: the location, or -1. */
    @Operation
    public long get(@Param(name = "key") int id) {
        UnsafeBuffer key = new UnsafeBuffer(new byte[Long.BYTES]);
        key.putLong(0, id);
        return index.get(hashOf(id), key, 0, Long.BYTES, ID_MATCHER);
    }

    /** Any thread: a prefilled key, present throughout unless the writer's growth loses it. */
    @Operation
    public long getPrefilled(@Param(name = "version") int which) {
        long id = PREFILLED_FIRST_ID + which;
        UnsafeBuffer key = new UnsafeBuffer(new byte[Long.BYTES]);
        key.putLong(0, id);
        return index.get(hashOf(id), key, 0, Long.BYTES, ID_MATCHER);
    }

    @Operation(nonParallelGroup = "writer")
    public long put(@Param(name = "key") int id) {
        writerKey.putLong(0, id);
        return index.put(hashOf(id), writerKey, 0, Long.BYTES, location(id, nextVersion++), ID_MATCHER);
    }

    @Operation(nonParallelGroup = "writer")
    public long remove(@Param(name = "key") int id) {
        writerKey.putLong(0, id);
        return index.remove(hashOf(id), writerKey, 0, Long.BYTES, ID_MATCHER);
    }

    /** Compaction's compare-and-set: repoint only if the key is still at version {@code expected}. */
    @Operation(nonParallelGroup = "writer")
    public boolean relocate(@Param(name = "key") int id, @Param(name = "version") int expected) {
        return index.replace(hashOf(id), location(id, expected), location(id, nextVersion++));
    }

    @Test
    void readersSeeASequentiallyConsistentIndexWhileTheWriterGrowsIt() {
        StressOptions options = new StressOptions()
                .iterations(LincheckBudget.iterations())
                .invocationsPerIteration(LincheckBudget.invocationsPerIteration())
                .threads(3)
                .actorsPerThread(4)
                .actorsBefore(2)
                .actorsAfter(1);
        // LinChecker.check throws, with the scenario, on a failure.
        LincheckBudget.checkAndReport("lincheck-hash-index", "stress", LincheckBudget.iterations(),
                LincheckBudget.invocationsPerIteration(), () -> LinChecker.check(HashIndexLincheckTest.class, options));
    }
}
