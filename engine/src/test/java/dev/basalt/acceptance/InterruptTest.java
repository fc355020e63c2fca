package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Durability;
import dev.basalt.ValueType;
import java.nio.ByteBuffer;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ARCHITECTURE.md "Interrupts": an interrupted caller never breaks the store. Each call below
 * runs with its thread's interrupt flag set; it must complete with the right result (the
 * engine runs its I/O with the flag cleared and reopens a channel an interrupt closed), leave
 * the flag set for the caller to see, and leave the store working for every later call, on
 * other threads and after reopen.
 */
class InterruptTest extends AcceptanceTestBase {

    @ParameterizedTest
    @EnumSource(Durability.class)
    void interruptedCallerDoesNotBreakTheStore(Durability durability) throws Exception {
        db.close();
        db = dev.basalt.Basalt.open(dir, options().withDurability(durability));
        ns = db.namespace(NAMESPACE);
        ns.put("before", "kept");
        byte[] during = patternBytes(50_000);

        Interrupted<Boolean> put = interrupted(() -> {
            ns.put("during", during);
            return true;
        });
        Interrupted<String> get = interrupted(() -> ns.get("before"));
        ByteBuffer dst = ByteBuffer.allocate(16);
        Interrupted<Integer> read = interrupted(() -> ns.read(ByteBuffer.wrap(utf8("before")), dst));
        Interrupted<byte[]> getBytes = interrupted(() -> ns.get("during", ValueType.BYTES));

        for (Interrupted<?> call : new Interrupted<?>[] {put, get, read, getBytes}) {
            assertThat(call.failure).as("an interrupted call completes").isNull();
            assertThat(call.flagStillSet).as("the caller's interrupt flag is left set").isTrue();
        }
        assertThat(get.value).isEqualTo("kept");
        assertThat(read.value).isEqualTo(4);
        assertThat(new String(dst.array(), 0, 4, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("kept");
        assertThat(getBytes.value).isEqualTo(during);

        Thread other = new Thread(() -> ns.put("after", "written by another thread"));
        other.start();
        other.join();
        ns.put("after-2", "written by the interrupted thread, flag cleared");

        assertThat(ns.get("before")).isEqualTo("kept");
        assertThat(ns.get("after")).isEqualTo("written by another thread");
        assertThat(ns.get("after-2")).isEqualTo("written by the interrupted thread, flag cleared");

        reopen();
        assertThat(ns.get("before")).isEqualTo("kept");
        assertThat(ns.get("after")).isEqualTo("written by another thread");
        assertThat(ns.get("during", ValueType.BYTES)).as("an acknowledged interrupted put survives").isEqualTo(during);
    }

    /** What a call made with the interrupt flag set did: its value or failure, and the flag after it. */
    private static final class Interrupted<T> {
        T value;
        RuntimeException failure;
        boolean flagStillSet;
    }

    private static <T> Interrupted<T> interrupted(Supplier<T> call) {
        Interrupted<T> outcome = new Interrupted<>();
        Thread.currentThread().interrupt();
        try {
            outcome.value = call.get();
        } catch (RuntimeException e) {
            outcome.failure = e;
        } finally {
            outcome.flagStillSet = Thread.interrupted(); // reads and clears it for the next call
        }
        return outcome;
    }
}
