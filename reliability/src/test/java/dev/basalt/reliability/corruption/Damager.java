package dev.basalt.reliability.corruption;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Applies one damage of a {@link Kind} to one file of a restored data directory and says
 * exactly which bytes changed, by comparing with the pristine image.
 *
 * <p>Where damage lands: a segment file is mostly its zero tail (it is created at full capacity),
 * so 85% of the damage to a segment lands in its data (header and records, below the data end)
 * and 15% anywhere in the file, tail included; a quarter of the trials (30% of truncations)
 * damage a hint file instead.
 *
 * <p>Stateless apart from the image and the model it reads.
 */
final class Damager {
    /** The kinds of damage the campaign applies, one per trial. */
    enum Kind {
        BIT_FLIP, ZERO_PAGE, GARBAGE, TRUNCATE
    }

    static final int PAGE_BYTES = 4096;
    /** Garbage blocks are 1..this many bytes: up to a page, so one block can span several records. */
    static final int MAX_GARBAGE_BYTES = 4096;
    private static final double IN_DATA_SHARE = 0.85;

    /**
     * One applied damage: {@code changed} holds {start, end} ranges of bytes that differ from the
     * pristine file (for a truncation, everything from the cut to the old end).
     */
    record Applied(Kind kind, String file, boolean hint, long offset, long length, long truncatedTo,
            List<long[]> changed, String description) {
        boolean noOp() {
            return changed.isEmpty();
        }

        boolean truncated() {
            return truncatedTo >= 0;
        }

        /** True when a byte of {@code [start, end)} changed (or was cut off). */
        boolean touches(long start, long end) {
            for (long[] range : changed) {
                if (range[0] < end && start < range[1]) {
                    return true;
                }
            }
            return false;
        }
    }

    private final PristineImage image;
    private final LogModel model;
    private final List<String> hintNames;

    Damager(PristineImage image, LogModel model, List<String> hintNames) {
        this.image = image;
        this.model = model;
        this.hintNames = List.copyOf(hintNames);
    }

    Applied apply(Kind kind, Random random, Path dir) {
        boolean hint = !hintNames.isEmpty() && random.nextDouble() < (kind == Kind.TRUNCATE ? 0.30 : 0.25);
        String file;
        long dataEnd;
        if (hint) {
            file = hintNames.get(random.nextInt(hintNames.size()));
            dataEnd = image.bytes(file).length;
        } else {
            List<LogModel.SegmentFile> segments = new ArrayList<>(model.segments());
            LogModel.SegmentFile segment = segments.get(random.nextInt(segments.size()));
            file = segment.name();
            dataEnd = segment.dataEnd();
        }
        byte[] pristine = image.bytes(file);
        int size = pristine.length;
        int region = hint || random.nextDouble() >= IN_DATA_SHARE ? size : (int) dataEnd;
        try (FileChannel channel = FileChannel.open(dir.resolve(file), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            switch (kind) {
                case BIT_FLIP: {
                    int at = random.nextInt(region);
                    int bit = random.nextInt(8);
                    write(channel, at, new byte[] {(byte) (pristine[at] ^ (1 << bit))});
                    return applied(kind, file, hint, at, 1, pristine, new byte[] {(byte) (pristine[at] ^ (1 << bit))},
                            "flipped bit " + bit + " of byte " + at);
                }
                case ZERO_PAGE: {
                    int pages = Math.max(1, (region + PAGE_BYTES - 1) / PAGE_BYTES);
                    int at = random.nextInt(pages) * PAGE_BYTES;
                    int length = Math.min(PAGE_BYTES, size - at);
                    byte[] zeros = new byte[length];
                    write(channel, at, zeros);
                    return applied(kind, file, hint, at, length, pristine, zeros, "zeroed " + length + " bytes at " + at);
                }
                case GARBAGE: {
                    int at = random.nextInt(region);
                    int length = Math.min(1 + random.nextInt(MAX_GARBAGE_BYTES), size - at);
                    byte[] garbage = new byte[length];
                    random.nextBytes(garbage);
                    write(channel, at, garbage);
                    return applied(kind, file, hint, at, length, pristine, garbage,
                            "wrote " + length + " random bytes at " + at);
                }
                case TRUNCATE: {
                    int cut = random.nextInt(region);
                    channel.truncate(cut);
                    List<long[]> changed = new ArrayList<>();
                    changed.add(new long[] {cut, size});
                    return new Applied(kind, file, hint, cut, size - cut, cut, changed,
                            "truncated from " + size + " to " + cut + " bytes");
                }
                default:
                    throw new IllegalArgumentException(kind.name());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(FileChannel channel, long at, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer, at + buffer.position());
        }
    }

    private static Applied applied(Kind kind, String file, boolean hint, int at, int length, byte[] pristine,
            byte[] written, String description) {
        List<long[]> changed = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= length; i++) {
            boolean differs = i < length && pristine[at + i] != written[i];
            if (differs && start < 0) {
                start = at + i;
            } else if (!differs && start >= 0) {
                changed.add(new long[] {start, at + i});
                start = -1;
            }
        }
        return new Applied(kind, file, hint, at, length, -1, changed, description);
    }
}
