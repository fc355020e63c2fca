package dev.basalt.internal.env;

import com.sun.jna.Function;
import com.sun.jna.Pointer;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import org.agrona.BufferUtil;

/**
 * Zeroed direct memory for the structures that are written whole the moment they exist (the
 * hash index's slot tables, a checkpoint's copies of the indexes, the private copies an open
 * makes of a checkpoint's mapped chunks, and the listing's arena chunks), resident before it is
 * returned, in transparent huge pages where Linux offers them; and the one way the engine frees a
 * direct buffer, whichever way it was allocated.
 *
 * <h2>Why</h2>
 * Every page of fresh memory is faulted in on its first touch, and on the project's 2-vCPU VMs a
 * fault costs 11-13 µs: {@code ByteBuffer.allocateDirect} of 256 MiB takes 650-760 ms, and the
 * same memory in 2 MiB pages 15 ms once the kernel has free 2 MiB blocks (230-340 ms when it must
 * make them; {@code docs/benchmarks.md}, "Slot tables in huge pages"). At 10 M keys an open after
 * a kill moves the checkpoint's table of 8 M slots into one of 16 M, and those faults were 0.75-1
 * s of the open. These structures are resident whole either way (every slot must read empty, a
 * copy writes every byte, {@code allocateDirect} zeroes what it returns), so the larger page
 * costs no memory beyond rounding up to 2 MiB.
 * Buffers under a huge page are not rounded up to one (an earlier build that mapped every large
 * buffer in huge pages raised the resident memory after a 1 M-key load by half: "Fresh memory in
 * huge pages: tried, not kept"); from {@link #MIN_POPULATED_BYTES} up they are still mappings of
 * their own in 4 KiB pages, which the kernel makes resident in the {@code mmap} call itself
 * ({@code MAP_POPULATE}): 48 MiB took 155-163 ms touched page by page and 15-16 ms populated,
 * so a checkpoint's copies of a listing's 1 MiB chunks no longer pay a trap a page
 * ({@code docs/benchmarks.md}, "Fresh memory populated by the kernel").
 *
 * <h2>How</h2>
 * A buffer of at least {@link #MIN_MAPPED_BYTES} is an anonymous private mapping of its own
 * ({@code mmap}), its start aligned to a huge page, advised {@code MADV_HUGEPAGE}, then made
 * resident ({@code MADV_POPULATE_WRITE}; page by page where the kernel, before 5.14, refuses
 * it), zero as {@code allocateDirect} leaves it. Where the system keeps huge pages off the advice
 * does nothing and the mapping behaves as {@code allocateDirect}'s memory. A buffer from
 * {@link #MIN_POPULATED_BYTES} up to a huge page is a populated mapping of whole 4 KiB pages.
 * Smaller buffers (a mapping each would spend the process's map count on a few pages), other
 * systems and any failure to map take {@code allocateDirect}. {@link #free} unmaps a mapped
 * buffer at once and hands any other buffer to {@link BufferUtil#free}, so the engine frees every
 * direct buffer here (an architecture test holds it to that); a mapped buffer nothing references
 * any more is unmapped at the next allocation or free here, or by the next
 * {@link FreedMemory#release} (every ten seconds while a store is open), as
 * {@code allocateDirect}'s memory is freed by its cleaner.
 *
 * <p>Threads: any. A buffer is freed once, when nothing reads it any more (the callers' read
 * epochs see to that).
 */
public final class DirectMemory {
    /** Smallest buffer that gets a mapping of its own in huge pages: one huge page. */
    public static final int MIN_MAPPED_BYTES = 2 << 20;
    /** Smallest buffer that gets a mapping of its own, in 4 KiB pages populated by the kernel: 16 pages. */
    public static final int MIN_POPULATED_BYTES = 64 << 10;
    private static final long HUGE_PAGE_BYTES = 2L << 20;
    private static final int PAGE_BYTES = 4096;
    /** Mapped buffers by address. */
    private static final ConcurrentHashMap<Long, Mapping> MAPPED = new ConcurrentHashMap<>();
    /**
     * Mapped buffers the GC found unreferenced: a grown index leaves its old table to the GC,
     * since lock-free readers may still be on it, as it left {@code allocateDirect}'s memory to
     * that buffer's cleaner. Drained by every allocation and free here and by
     * {@link FreedMemory#release}, not by a thread of its own: a store leaves no thread behind.
     */
    private static final ReferenceQueue<ByteBuffer> UNREFERENCED = new ReferenceQueue<>();

    private DirectMemory() {
    }

    /** A zeroed direct buffer of {@code bytes}, every page resident. */
    public static ByteBuffer allocateZeroed(int bytes) {
        unmapUnreferenced();
        if (bytes < MIN_POPULATED_BYTES || !Binding.AVAILABLE) {
            return ByteBuffer.allocateDirect(bytes);
        }
        return bytes < MIN_MAPPED_BYTES ? populated(bytes) : inHugePages(bytes);
    }

    private static ByteBuffer populated(int bytes) {
        long length = (bytes + PAGE_BYTES - 1) & -PAGE_BYTES;
        long address = Binding.mapPopulated(length);
        return address == 0 ? ByteBuffer.allocateDirect(bytes) : registered(address, length, bytes);
    }

    private static ByteBuffer inHugePages(int bytes) {
        long length = (bytes + HUGE_PAGE_BYTES - 1) & -HUGE_PAGE_BYTES;
        long address = Binding.mapAligned(length);
        if (address == 0) {
            return ByteBuffer.allocateDirect(bytes);
        }
        Binding.adviseHugePages(address, length);
        ByteBuffer buffer = registered(address, length, bytes);
        if (!Binding.populate(address, length)) {
            for (int offset = 0; offset < bytes; offset += PAGE_BYTES) {
                buffer.put(offset, (byte) 0);
            }
        }
        return buffer;
    }

    private static ByteBuffer registered(long address, long length, int bytes) {
        ByteBuffer buffer = new Pointer(address).getByteBuffer(0, bytes);
        MAPPED.put(address, new Mapping(buffer, address, length));
        return buffer;
    }

    /** Frees {@code buffer}, from {@link #allocateZeroed} or elsewhere; nothing for null. */
    public static void free(ByteBuffer buffer) {
        unmapUnreferenced();
        if (buffer == null) {
            return;
        }
        if (buffer.isDirect()) {
            long address = BufferUtil.address(buffer);
            Mapping mapping = MAPPED.remove(address);
            if (mapping != null) {
                mapping.clear(); // never enqueued now: it is unmapped once, here
                Binding.unmap(address, mapping.length);
                return;
            }
        }
        BufferUtil.free(buffer);
    }

    /** Whether buffers of {@link #MIN_POPULATED_BYTES} and more are mappings of their own here. */
    public static boolean mapsLargeBuffers() {
        return Binding.AVAILABLE;
    }

    /** The length of the mapping at {@code address}, 0 when none is mapped there; for tests. */
    static long mappedLength(long address) {
        Mapping mapping = MAPPED.get(address);
        return mapping == null ? 0 : mapping.length;
    }

    /**
     * Bytes held in mappings of this class's own, after unmapping those found unreferenced: what
     * the JDK's "direct" buffer pool does not count, for leak checks. Any thread.
     */
    public static long mappedBytes() {
        unmapUnreferenced();
        long total = 0;
        for (Mapping mapping : MAPPED.values()) {
            total += mapping.length;
        }
        return total;
    }

    /** Unmaps the mapped buffers the GC found unreferenced since the last call. Any thread. */
    public static void unmapUnreferenced() {
        Reference<? extends ByteBuffer> found;
        while ((found = UNREFERENCED.poll()) != null) {
            Mapping mapping = (Mapping) found;
            if (MAPPED.remove(mapping.address, mapping)) {
                Binding.unmap(mapping.address, mapping.length);
            }
        }
    }

    /** A mapped buffer's address and length, enqueued once the buffer is unreferenced. */
    private static final class Mapping extends PhantomReference<ByteBuffer> {
        final long address;
        final long length;

        Mapping(ByteBuffer buffer, long address, long length) {
            super(buffer, UNREFERENCED);
            this.address = address;
            this.length = length;
        }
    }

    /** The native functions, bound on first use; not available where they cannot be. */
    private static final class Binding {
        private static final int PROT_READ_WRITE = 0x1 | 0x2;
        /** {@code MAP_PRIVATE | MAP_ANONYMOUS} on Linux. */
        private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
        /** {@code MAP_POPULATE} on Linux: the pages are faulted in by the {@code mmap} call. */
        private static final int MAP_POPULATE = 0x8000;
        private static final int MADV_HUGEPAGE = 14;
        /** {@code MADV_POPULATE_WRITE}, Linux 5.14 and later: the range faulted in, writable. */
        private static final int MADV_POPULATE_WRITE = 23;
        private static final long MAP_FAILED = -1;

        static final Function MMAP = LibC.function("mmap", "large buffers come from malloc");
        static final Function MADVISE = LibC.function("madvise", "large buffers in 4 KiB pages");
        static final Function MUNMAP = LibC.function("munmap", "large buffers come from malloc");
        static final boolean AVAILABLE = MMAP != null && MUNMAP != null;

        /**
         * The address of a fresh mapping of {@code length} bytes (a multiple of a huge page) that
         * starts on a huge page, or 0 when it cannot be made: a huge page is used only where the
         * mapping covers one whole, aligned, and {@code mmap} aligns to 4 KiB.
         */
        static long mapAligned(long length) {
            long address = MMAP.invokeLong(new Object[] {null, length + HUGE_PAGE_BYTES, PROT_READ_WRITE,
                MAP_PRIVATE_ANONYMOUS, -1, 0L});
            if (address == MAP_FAILED || address == 0) {
                return 0;
            }
            long aligned = (address + HUGE_PAGE_BYTES - 1) & -HUGE_PAGE_BYTES;
            if (aligned > address) {
                unmap(address, aligned - address);
            }
            long end = address + length + HUGE_PAGE_BYTES;
            if (end > aligned + length) {
                unmap(aligned + length, end - (aligned + length));
            }
            return aligned;
        }

        /** The address of a fresh mapping of {@code length} bytes, every page resident, or 0 when it cannot be made. */
        static long mapPopulated(long length) {
            long address = MMAP.invokeLong(new Object[] {null, length, PROT_READ_WRITE,
                MAP_PRIVATE_ANONYMOUS | MAP_POPULATE, -1, 0L});
            return address == MAP_FAILED ? 0 : address;
        }

        /** Faults in the range as a writer would, in one call; false where the kernel cannot. */
        static boolean populate(long address, long length) {
            return MADVISE != null
                    && MADVISE.invokeInt(new Object[] {new Pointer(address), length, MADV_POPULATE_WRITE}) == 0;
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
