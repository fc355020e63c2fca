package dev.basalt.internal.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The handoff between the thread that reads the log at open and the one that indexes what it
 * finds: the sink sees the same records and other calls in the same order as without it, each
 * record announced in a run before it is accepted; {@code settle} returns only once the sink took
 * every call before it; and a failure on either side reaches the caller with nothing left running.
 */
class ReplayHandoffTest {
    /**
     * The sink's calls but the announcements as text (including the names' bytes), and every
     * breach of the announcement protocol: a record accepted without being the next announced one
     * of a fetched run, a run longer than {@link RecoverySink#RUN}, an announcement left untaken.
     */
    private static class Recording implements RecoverySink {
        final List<String> calls = new ArrayList<>();
        final List<String> breaches = new ArrayList<>();
        private final java.util.ArrayDeque<String> announced = new java.util.ArrayDeque<>();
        private boolean fetched;

        @Override
        public void accept(long location, byte type, long sequence, long expiration, int length, DirectBuffer names,
                int namesOffset, int namespaceLength, int keyLength, boolean checked) {
            String record = location + " " + names.getStringWithoutLengthUtf8(namesOffset, namespaceLength) + "/"
                    + names.getStringWithoutLengthUtf8(namesOffset + namespaceLength, keyLength);
            if (!fetched || !record.equals(announced.pollFirst())) {
                breaches.add("accepted unannounced: " + record);
            }
            calls.add("accept " + record + " " + type + " " + sequence + " " + expiration + " " + length + " "
                    + checked);
        }

        @Override
        public void expect(long location, DirectBuffer names, int namesOffset, int namespaceLength, int keyLength) {
            if (fetched && !announced.isEmpty()) {
                breaches.add("announced before the last run was taken");
            }
            fetched = false;
            announced.addLast(location + " " + names.getStringWithoutLengthUtf8(namesOffset, namespaceLength) + "/"
                    + names.getStringWithoutLengthUtf8(namesOffset + namespaceLength, keyLength));
            if (announced.size() > RecoverySink.RUN) {
                breaches.add("a run longer than " + RecoverySink.RUN);
            }
        }

        @Override
        public void fetchExpected() {
            fetched = true;
        }

        @Override
        public void checkpointTrusted() {
            checkTaken();
            calls.add("trusted");
        }

        @Override
        public void tailAhead(long records) {
            checkTaken();
            calls.add("tail " + records);
        }

        void checkTaken() {
            if (!announced.isEmpty()) {
                breaches.add("announced but not accepted: " + announced);
            }
        }
    }

    /**
     * Makes {@code calls} random sink calls into {@code sink}, each call's names in a buffer reused
     * after it, records announced in runs as the log does.
     */
    private static void randomCalls(RecoverySink sink, long seed, int calls) {
        Random random = new Random(seed);
        UnsafeBuffer reused = new UnsafeBuffer(new byte[2048]);
        for (int i = 0; i < calls; i++) {
            String namespace = "ns" + random.nextInt(3);
            String key = "k".repeat(random.nextInt(600)) + i;
            int nsLength = reused.putStringWithoutLengthUtf8(7, namespace);
            int keyLength = reused.putStringWithoutLengthUtf8(7 + nsLength, key);
            switch (random.nextInt(8)) {
                case 0:
                    sink.checkpointTrusted();
                    break;
                case 1:
                    sink.tailAhead(random.nextLong());
                    break;
                default:
                    long location = random.nextLong();
                    sink.expect(location, reused, 7, nsLength, keyLength);
                    sink.fetchExpected();
                    sink.accept(location, (byte) random.nextInt(4), random.nextLong(), random.nextLong(),
                            random.nextInt(1 << 20), reused, 7, nsLength, keyLength, random.nextBoolean());
            }
            reused.setMemory(0, reused.capacity(), (byte) 0x5A); // the log's buffer moves on
        }
    }

    @Property(tries = 40)
    void theSinkSeesExactlyTheCallsTheLogMade(@ForAll long seed, @ForAll @IntRange(min = 0, max = 12_000) int calls)
            throws IOException {
        Recording direct = new Recording();
        randomCalls(direct, seed, calls);
        Recording handedOff = new Recording();
        String result = ReplayHandoff.run(handedOff, sink -> {
            randomCalls(sink, seed, calls);
            return "replayed";
        });
        handedOff.checkTaken();
        assertThat(result).isEqualTo("replayed");
        assertThat(handedOff.calls).isEqualTo(direct.calls);
        assertThat(handedOff.breaches).isEmpty();
    }

    @Test
    void settleReturnsOnlyOnceTheSinkTookEveryCallBeforeIt() throws IOException {
        AtomicBoolean released = new AtomicBoolean();
        AtomicInteger takenBeforeRelease = new AtomicInteger();
        RecoverySink slow = new Recording() {
            @Override
            public void tailAhead(long records) {
                if (!released.get()) {
                    takenBeforeRelease.incrementAndGet();
                }
                Thread.onSpinWait();
            }
        };
        ReplayHandoff.run(slow, sink -> {
            for (int i = 0; i < 10_000; i++) {
                sink.tailAhead(i);
            }
            sink.settle();
            released.set(true); // where the log unmaps what those calls pointed into
            sink.tailAhead(-1);
            return null;
        });
        assertThat(takenBeforeRelease.get()).isEqualTo(10_000);
    }

    @Test
    void theLogsFailureReachesTheCallerAfterTheSinkTookWhatCameBeforeIt() {
        Recording sink = new Recording();
        assertThatThrownBy(() -> ReplayHandoff.run(sink, handoff -> {
            for (int i = 0; i < 5_000; i++) {
                handoff.tailAhead(i);
            }
            throw new IOException("segment unreadable");
        })).isInstanceOf(IOException.class).hasMessage("segment unreadable");
        assertThat(sink.calls).hasSize(5_000).endsWith("tail 4999");
    }

    @Test
    void aSinkThatFailsStopsTheLogsSideBeforeItsFailureReachesTheCaller() {
        AtomicBoolean logSideEnded = new AtomicBoolean();
        AtomicInteger callsAfterTheFailure = new AtomicInteger();
        // The log's side may fill every batch in flight before the sink's thread first runs (a
        // busy machine): it must stop there, not go on to the ten million.
        long mostAhead = (ReplayHandoff.BATCHES_IN_FLIGHT + 2L) * ReplayHandoff.EVENTS_PER_BATCH;
        RecoverySink failing = new Recording() {
            @Override
            public void tailAhead(long records) {
                if (records == 100) {
                    throw new IllegalStateException("index full");
                }
            }
        };
        assertThatThrownBy(() -> ReplayHandoff.run(failing, handoff -> {
            try {
                for (long i = 0; i < 10_000_000; i++) {
                    handoff.tailAhead(i);
                    if (i > mostAhead) {
                        callsAfterTheFailure.incrementAndGet();
                    }
                }
                return null;
            } finally {
                logSideEnded.set(true);
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("index full");
        assertThat(logSideEnded).as("the log's side ended before the caller saw the failure").isTrue();
        assertThat(callsAfterTheFailure.get()).as("stopped within the batches in flight").isZero();
    }
}
