package dev.basalt.benchmarks;

import dev.basalt.internal.env.DirectMemory;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.agrona.BufferUtil;

/**
 * What a fresh direct buffer costs before the engine stores its first byte: for each round,
 * {@code ByteBuffer.allocateDirect} of the given MiB (malloc, zeroed, faulted in 4 KiB pages)
 * against the engine's {@code DirectMemory.allocateZeroed} (a mapping of its own, advised into
 * transparent huge pages where the system has them, touched page by page), each freed again. It
 * prints one line per round with both times and their cost per 4 KiB page.
 *
 * <p>Not a JMH benchmark: the cost is the first touch of memory, which JMH's repeated calls on
 * warm memory would hide. Run it alone on the machine:
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.basalt.benchmarks.FreshMemory 256 5</pre>
 *
 * <p>Single-threaded.
 */
public final class FreshMemory {
    private static final double PAGES_PER_MIB = 256.0;

    private FreshMemory() {
    }

    public static void main(String[] args) {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int bytes = Math.multiplyExact(mib, 1 << 20);
        System.out.printf(Locale.ROOT, "fresh direct buffers of %d MiB; huge-page mappings available: %s%n", mib,
                DirectMemory.mapsLargeBuffers());
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            ByteBuffer plain = ByteBuffer.allocateDirect(bytes);
            long plainNanos = System.nanoTime() - start;
            BufferUtil.free(plain);
            start = System.nanoTime();
            ByteBuffer mapped = DirectMemory.allocateZeroed(bytes);
            long mappedNanos = System.nanoTime() - start;
            DirectMemory.free(mapped);
            System.out.printf(Locale.ROOT,
                    "round %d: allocateDirect %.1f ms (%.2f µs a page), DirectMemory %.1f ms (%.2f µs a page)%n",
                    round, plainNanos / 1e6, plainNanos / 1e3 / (mib * PAGES_PER_MIB), mappedNanos / 1e6,
                    mappedNanos / 1e3 / (mib * PAGES_PER_MIB));
        }
    }
}
