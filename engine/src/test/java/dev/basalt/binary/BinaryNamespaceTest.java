package dev.basalt.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.BinaryNamespace;
import dev.basalt.KvNamespace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edges of the binary-key view: limits, non-UTF-8 keys, the mixed-view rule, page boundaries. */
class BinaryNamespaceTest {
    @TempDir
    Path dir;

    @Test
    void keysOutsideOneTo512BytesAreRefusedAndNothingIsWritten() {
        try (Basalt db = Basalt.open(dir)) {
            BinaryNamespace ns = db.binaryNamespace("BIN");
            assertThatThrownBy(() -> ns.put(new byte[513], new byte[1]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("key is 513 bytes; it must be 1..512");
            assertThatThrownBy(() -> ns.put(new byte[0], new byte[1]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("key is 0 bytes; it must be 1..512");
            ns.put(new byte[512], new byte[] {7});
            assertThat(ns.get(new byte[512])).containsExactly(7);
            assertThat(db.stats().liveKeys()).isEqualTo(1);
        }
    }

    @Test
    void valuesOverTheLimitAreRefused() {
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults().withMaxValueSize(1 << 10))) {
            BinaryNamespace ns = db.binaryNamespace("BIN");
            assertThatThrownBy(() -> ns.put(new byte[] {1}, new byte[1025]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("value is 1025 bytes; the limit is 1024");
            assertThat(ns.get(new byte[] {1})).isNull();
        }
    }

    @Test
    void nonUtf8KeysRoundTripAndTheWorkersKvViewListsThemWithReplacementCharacters() {
        try (Basalt db = Basalt.open(dir)) {
            BinaryNamespace bin = db.binaryNamespace("MIXED");
            bin.put(new byte[] {(byte) 0xFF, 0x00}, new byte[] {1});
            bin.put(".".getBytes(), new byte[] {2});
            bin.put("ok".getBytes(), new byte[] {3});
            KvNamespace kv = db.namespace("MIXED");
            assertThat(kv.get("ok", dev.basalt.ValueType.BYTES)).containsExactly(3);
            assertThat(kv.list().keys()).extracting(k -> k.name()).containsExactly(".", "ok", "\uFFFD\u0000");
            assertThat(bin.get(new byte[] {(byte) 0xFF, 0x00})).containsExactly(1);
        }
    }

    @Test
    void iteratorsCrossPageBoundariesInBothDirectionsAndSeeDeletesOfLaterPages() {
        try (Basalt db = Basalt.open(dir)) {
            BinaryNamespace ns = db.binaryNamespace("BIN");
            for (int i = 0; i < 1000; i++) {
                ns.put(key(i), new byte[] {(byte) i});
            }
            Iterator<BinaryNamespace.Entry> down = ns.range(null, false, null, false, true);
            List<Integer> seen = new ArrayList<>();
            while (down.hasNext()) {
                int k = number(down.next().key());
                seen.add(k);
                if (k == 900) {
                    ns.delete(key(10)); // on a later page: must not come back
                }
            }
            assertThat(seen).hasSize(999).doesNotContain(10).isSortedAccordingTo((a, b) -> b - a);
            List<Integer> up = new ArrayList<>();
            ns.range(key(100), false, key(500), true, false).forEachRemaining(e -> up.add(number(e.key())));
            assertThat(up).hasSize(400).startsWith(101).endsWith(500);
        }
    }

    @Test
    void prefixEndingInFfBytesStillFindsItsKeys() {
        try (Basalt db = Basalt.open(dir)) {
            BinaryNamespace ns = db.binaryNamespace("BIN");
            ns.put(new byte[] {1, (byte) 0xFF}, new byte[0]);
            ns.put(new byte[] {1, (byte) 0xFF, 0}, new byte[0]);
            ns.put(new byte[] {2}, new byte[0]);
            List<byte[]> keys = new ArrayList<>();
            ns.prefix(new byte[] {1, (byte) 0xFF}).forEachRemaining(e -> keys.add(e.key()));
            assertThat(keys).containsExactly(new byte[] {1, (byte) 0xFF}, new byte[] {1, (byte) 0xFF, 0});
        }
    }

    private static byte[] key(int i) {
        return new byte[] {(byte) (i >>> 8), (byte) i};
    }

    private static int number(byte[] key) {
        return (key[0] & 0xFF) << 8 | key[1] & 0xFF;
    }
}
