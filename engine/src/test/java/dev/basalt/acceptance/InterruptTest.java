package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Durability;
import dev.basalt.ValueType;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ARCHITECTURE.md "Interrupts": an interrupted caller never breaks the store. Whatever the
 * interrupted call itself does (complete, or fail without being acknowledged), every later
 * call on other threads and after reopen works, and nothing acknowledged is lost.
 */
class InterruptTest extends AcceptanceTestBase {

    @ParameterizedTest
    @EnumSource(Durability.class)
    void interruptedCallerDoesNotBreakTheStore(Durability durability) throws Exception {
        db.close();
        db = dev.basalt.Basalt.open(dir, options().withDurability(durability));
        ns = db.namespace(NAMESPACE);
        ns.put("before", "kept");

        boolean interruptedPutReturned = false;
        Thread.currentThread().interrupt();
        try {
            ns.put("during", patternBytes(50_000));
            interruptedPutReturned = true;
            ns.get("before");
            ns.read(ByteBuffer.wrap(utf8("before")), ByteBuffer.allocate(16));
            ns.get("during", ValueType.BYTES);
        } catch (RuntimeException e) {
            // An interrupted call may fail; it must not break the store for anyone else.
        } finally {
            Thread.interrupted(); // clear the flag whatever happened
        }

        Thread other = new Thread(() -> ns.put("after", "written by another thread"));
        other.start();
        other.join();
        ns.put("after-2", "written by the interrupted thread, flag cleared");

        assertThat(ns.get("before")).isEqualTo("kept");
        assertThat(ns.get("after")).isEqualTo("written by another thread");
        assertThat(ns.get("after-2")).isNotNull();
        if (interruptedPutReturned) {
            assertThat(ns.get("during", ValueType.BYTES)).isEqualTo(patternBytes(50_000));
        }

        reopen();
        assertThat(ns.get("before")).isEqualTo("kept");
        assertThat(ns.get("after")).isEqualTo("written by another thread");
        if (interruptedPutReturned) {
            assertThat(ns.get("during", ValueType.BYTES)).isEqualTo(patternBytes(50_000));
        }
    }
}
