package dev.basalt.internal.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Two shares of an open's work at once: the helper is always waited for, and its failure reaches the caller. */
class OpenHelpersTest {
    @Test
    void bothSharesRunAndTheHelperIsDoneWhenTheCallReturns() {
        AtomicBoolean helperDone = new AtomicBoolean();
        AtomicBoolean ownDone = new AtomicBoolean();

        OpenHelpers.inParallel("test-helper", () -> helperDone.set(true), () -> ownDone.set(true));

        assertThat(helperDone).isTrue();
        assertThat(ownDone).isTrue();
    }

    @Test
    void theHelpersFailureIsRethrownOnTheCaller() {
        IllegalStateException failure = new IllegalStateException("helper's share");

        assertThatThrownBy(() -> OpenHelpers.inParallel("test-helper", () -> {
            throw failure;
        }, () -> { })).isSameAs(failure);
    }

    @Test
    void theCallersFailureWinsAndTheHelperIsWaitedForFirst() {
        CountDownLatch callerFailed = new CountDownLatch(1);
        AtomicBoolean helperFinished = new AtomicBoolean();
        IllegalArgumentException own = new IllegalArgumentException("caller's share");

        assertThatThrownBy(() -> OpenHelpers.inParallel("test-helper", () -> {
            try {
                callerFailed.await(); // still running when the caller's share has failed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            helperFinished.set(true);
            throw new IllegalStateException("helper's share");
        }, () -> {
            callerFailed.countDown();
            throw own;
        })).isSameAs(own);
        assertThat(helperFinished).as("joined before the failure left the call").isTrue();
    }
}
