package dev.basalt.internal.env;

import com.sun.jna.Function;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import org.agrona.BufferUtil;

/**
 * Zeroed direct buffers for the engine's large structures (slot tables, listing arena chunks,
 * a checkpoint's copies of them), backed by transparent huge pages where Linux offers them; and
 * the one way the engine frees a direct buffer, whichever way it was allocated.
 *
 * <h2>Why</h2>
 * Every page of a fresh buffer is faulted in on its first touch, and on the project's 2-vCPU VMs
 * a fault costs about 11 µs: 730 ms to zero 256 MiB with 4 KiB pages. The same buffer in 2 MiB
 * pages took 20 ms (a fault per 512 pages; {@code docs/benchmarks.md}, "Fresh memory in huge
 * pages"). The engine touches fresh memory in bulk where it hurts most: when a slot table grows
 * under the append lock, when a checkpoint copies the indexes, and when an open after a crash
 * moves a mapped checkpoint's tables into memory of their own.
 *
 * <h2>How</h2>
 * A buffer of at least {@link #MIN_MAPPED_BYTES} is an anonymous private mapping of its own
 * ({@code mmap}), advised {@code MADV_HUGEPAGE} before its first touch, then touched page by page
 * so that it is resident when returned, as {@code ByteBuffer.allocateDirect} leaves it. Where the
 * system keeps huge pages off ({@code transparent_hugepage=never}) the advice does nothing and the
 * mapping behaves as before. Smaller buffers, other systems, and any failure to map take
 * {@code allocateDirect}. A mapped buffer is unmapped by {@link #free}; it has no cleaner, so a
 * buffer the engine forgets to free is never freed (an {@code allocateDirect} one would be, at a
 * garbage collection). {@link #free} of an {@code allocateDirect} buffer is {@link BufferUtil#free}.
 *
 * <p>Why not a bigger page size everywhere: the hot paths read these structures at random, and on
 * this VM they read no faster with huge pages (a list page and a read at 1 M keys, measured with
 * the system's huge pages on for everything); the gain is the fault count alone, so small and
 * short-lived buffers are left as they are.
 *
 * <p>Threads: any. A buffer is freed once, when nothing reads it any more (the callers' read
 * epochs see to that, as they did for {@code BufferUtil.free}).
 */
public final class DirectMemory {
    /** Smallest buffer that gets a mapping of its own: a listing arena's full-size chunk. */
    public static final int MIN_MAPPED_BYTES = 1 << 20;
    private static final int PAGE_BYTES = 4096;
    private static final System.Logger LOG = System.getLogger(DirectMemory.class.getName());
    /** Mapped buffers by address, with their mapping's length. */
    private static final ConcurrentHashMap<Long, Long> MAPPED = new ConcurrentHashMap<>();

    private DirectMemory() {
    }

    /** A zeroed direct buffer of {@code bytes}, every page resident. */
    public static ByteBuffer allocateZeroed(int bytes) {
        if (bytes < MIN_MAPPED_BYTES || !Binding.AVAILABLE) {
            return ByteBuffer.allocateDirect(bytes);
        }
        long length = (bytes + (long) PAGE_BYTES - 1) & -PAGE_BYTES;
        long address = Binding.map(length);
        if (address == 0) {
            return ByteBuffer.allocateDirect(bytes);
        }
        Binding.adviseHugePages(address, length);
        ByteBuffer buffer = new Pointer(address).getByteBuffer(0, bytes);
        for (int offset = 0; offset < bytes; offset += PAGE_BYTES) {
            buffer.put(offset, (byte) 0);
        }
        MAPPED.put(address, length);
        return buffer;
    }

    /** Frees {@code buffer}, from {@link #allocateZeroed} or elsewhere; nothing for null. */
    public static void free(ByteBuffer buffer) {
        if (buffer == null) {
            return;
        }
        if (buffer.isDirect()) {
            long address = BufferUtil.address(buffer);
            Long length = MAPPED.remove(address);
            if (length != null) {
                Binding.unmap(address, length);
                return;
            }
        }
        BufferUtil.free(buffer);
    }

    /** Whether buffers of {@link #MIN_MAPPED_BYTES} and more are mappings of their own here. */
    public static boolean mapsLargeBuffers() {
        return Binding.AVAILABLE;
    }

    /** Bytes of mappings allocated and not freed yet, for tests. */
    static long mappedBytes() {
        long total = 0;
        for (long length : MAPPED.values()) {
            total += length;
        }
        return total;
    }

    /** The native functions, bound on first use; null where they cannot be. */
    private static final class Binding {
        private static final int PROT_READ_WRITE = 0x1 | 0x2;
        /** {@code MAP_PRIVATE | MAP_ANONYMOUS} on Linux. */
        private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
        private static final int MADV_HUGEPAGE = 14;
        private static final long MAP_FAILED = -1;

        static final Function MMAP = bind("mmap");
        static final Function MADVISE = bind("madvise");
        static final Function MUNMAP = bind("munmap");
        static final boolean AVAILABLE = MMAP != null && MUNMAP != null;

        private static Function bind(String name) {
            if (!System.getProperty("os.name", "").startsWith("Linux")) {
                return null;
            }
            try {
                return Function.getFunction("c", name);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.INFO, "large buffers come from malloc (no " + name + "): " + e);
                return null;
            }
        }

        /** The address of a fresh mapping of {@code length} bytes, or 0 when it cannot be made. */
        static long map(long length) {
            long address = MMAP.invokeLong(new Object[] {null, length, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L});
            return address == MAP_FAILED ? 0 : address;
        }

        static void adviseHugePages(long address, long length) {
            if (MADVISE != null) {
                // Advice only: refused (a kernel without THP) it leaves ordinary pages.
                MADVISE.invokeInt(new Object[] {new Pointer(address), length, MADV_HUGEPAGE});
            }
        }

        static void unmap(long address, long length) {
            int result = MUNMAP.invokeInt(new Object[] {new Pointer(address), length});
            if (result != 0) {
                throw new IllegalStateException("munmap of " + length + " bytes at " + Long.toHexString(address)
                        + " failed");
            }
        }
    }
}
