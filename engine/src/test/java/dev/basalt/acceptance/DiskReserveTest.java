package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Basalt;
import dev.basalt.BasaltException;
import dev.basalt.BasaltOptions;
import dev.basalt.BasaltStats;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The put reserve ({@code BasaltOptions.withDiskReserve}): a put that would leave less free
 * space than the reserve fails with a {@link BasaltException} naming both figures and writes
 * nothing, while deletes still go through. A reserve larger than any disk stands in for a
 * full one here; the reliability suite's DiskFullTest fills a real tmpfs.
 */
class DiskReserveTest extends AcceptanceTestBase {
    /** More free space than any test machine has, yet no overflow when a record is added. */
    private static final long IMPOSSIBLE_RESERVE = Long.MAX_VALUE / 4;

    @Test
    void aPutThatWouldEatIntoTheReserveIsRefusedWithBothFiguresAndWritesNothing() throws Exception {
        ns.put("kept", "v1");
        reopenWithReserve(IMPOSSIBLE_RESERVE);
        BasaltStats before = db.stats();

        assertThatThrownBy(() -> ns.put("kept", "v2"))
                .isInstanceOf(BasaltException.class)
                .hasMessageContaining("bytes free")
                .hasMessageContaining(IMPOSSIBLE_RESERVE + "-byte reserve")
                .hasMessageContaining("nothing was written");
        assertThatThrownBy(() -> ns.put("new", "v")).isInstanceOf(BasaltException.class);

        assertThat(ns.get("kept")).isEqualTo("v1");
        assertThat(ns.get("new")).isNull();
        assertThat(db.stats().totalLogBytes()).isEqualTo(before.totalLogBytes());
        assertThat(db.stats().liveKeys()).isEqualTo(before.liveKeys());
    }

    @Test
    void deletesStillGoThroughUnderTheReserveSoSpaceCanBeFreed() {
        ns.put("doomed", "v");
        reopenWithReserve(IMPOSSIBLE_RESERVE);

        ns.delete("doomed");

        assertThat(ns.get("doomed")).isNull();
        reopenWithReserve(0);
        assertThat(ns.get("doomed")).isNull();
    }

    @Test
    void putsResumeWhenTheReserveIsMetAgain() throws Exception {
        long free = Files.getFileStore(dir).getUsableSpace();
        reopenWithReserve(IMPOSSIBLE_RESERVE);
        assertThatThrownBy(() -> ns.put("k", "v")).isInstanceOf(BasaltException.class);

        // A reserve well under what this disk has free: the next put reads free space again.
        reopenWithReserve(free / 2);
        ns.put("k", "v");

        assertThat(ns.get("k")).isEqualTo("v");
    }

    @Test
    void aReserveOfZeroTurnsTheCheckOffAndANegativeOneIsRefused() {
        reopenWithReserve(0);
        ns.put("k", "v");
        assertThat(ns.get("k")).isEqualTo("v");
        assertThat(BasaltOptions.defaults().diskReserveBytes()).isEqualTo(64L << 20);
        assertThatThrownBy(() -> BasaltOptions.defaults().withDiskReserve(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1 bytes");
    }

    private void reopenWithReserve(long reserveBytes) {
        db.close();
        db = Basalt.open(dir, options().withDiskReserve(reserveBytes));
        ns = db.namespace(NAMESPACE);
    }
}
