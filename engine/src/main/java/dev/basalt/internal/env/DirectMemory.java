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
 * hash index's slot tables, a checkpoint's copies of the indexes, and the private copies an open
 * makes of a checkpoint's mapped chunks), in transparent huge pages where Linux offers them; and
 * the one way the engine frees a direct buffer, whichever way it was allocated.
 *
 * <h2>Why</h2>
 * Every page of fresh memory is faulted in on its first touch, and on the project's 2-vCPU VMs a
 * fault costs about 11 µs: {@code ByteBuffer.allocateDirect} of 256 MiB takes 650-760 ms, and the
 * same memory in 2 MiB pages 15 ms once the kernel has free 2 MiB blocks (230-340 ms when it must
 * make them; {@code docs/benchmarks.md}, "Slot tables in huge pages"). At 10 M keys an open after
 * a kill moves the checkpoint's table of 8 M slots into one of 16 M, and those faults were 0.75-1
 * s of the open. These structures are resident whole either way (every slot must read empty, a
 * copy writes every byte), so the larger page costs no memory beyond rounding up to 2 MiB.
 * Structures used in part as they grow (a listing arena's own chunks, hint chunks) keep 4 KiB
 * pages: an earlier build that mapped every large buffer so raised the resident memory after a
 * 1 M-key load by half ("Fresh memory in huge pages: tried, not kept").
 *
 * <h2>How</h2>
 * A buffer of at least {@link #MIN_MAPPED_BYTES} is an anonymous private mapping of its own
 * ({@code mmap}), its start aligned to a huge page, advised {@code MADV_HUGEPAGE} before its
 * first touch, then touched page by page so that it is resident and zero when returned, as
 * {@code allocateDirect} leaves it. Where the system keeps huge pages off the advice does nothing
 * and the mapping behaves as {@code allocateDirect}'s memory. Smaller buffers, other systems and
 * any failure to map take {@code allocateDirect}. {@link #free} unmaps a mapped buffer at once
 * and hands any other buffer to {@link BufferUtil#free}, so the engine frees every direct buffer
 * here (an architecture test holds it to that); a mapped buffer nothing references any more is
 * unmapped at the next allocation or free here, or by the next {@link FreedMemory#release}
 * (every ten seconds while a store is open), as {@code allocateDirect}'s memory is freed by its
 * cleaner.
 *
 * <p>Threads: any. A buffer is freed once, when nothing reads it any more (the callers' read
 * epochs see to that).
 */
public final class DirectMemory {
    /** Smallest buffer that gets a mapping of its own: one huge page. */
    public static final int MIN_MAPPED_BYTES = 2 << 20;
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
        if (bytes < MIN_MAPPED_BYTES || !Binding.AVAILABLE) {
            return ByteBuffer.allocateDirect(bytes);
        }
        long length = (bytes + HUGE_PAGE_BYTES - 1) & -HUGE_PAGE_BYTES;
        long address = Binding.mapAligned(length);
        if (address == 0) {
            return ByteBuffer.allocateDirect(bytes);
        }
        Binding.adviseHugePages(address, length);
        ByteBuffer buffer = new Pointer(address).getByteBuffer(0, bytes);
        for (int offset = 0; offset < bytes; offset += PAGE_BYTES) {
            buffer.put(offset, (byte) 0);
        }
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

    /** Whether buffers of {@link #MIN_MAPPED_BYTES} and more are mappings of their own here. */
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
        private static final int MADV_HUGEPAGE = 14;
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
