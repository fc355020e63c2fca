package dev.basalt.internal.env;

/**
 * Helper threads an open starts for the second core and waits for before it goes on: they read
 * memory (a mapping, a checkpoint's blocks) that the opening thread frees afterwards, so the
 * opening thread must not stop waiting early, not even when it is interrupted.
 */
public final class OpenHelpers {
    private OpenHelpers() {
    }

    /** A started daemon thread named {@code name} running {@code work}. */
    public static Thread start(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits until {@code thread} ended; an interrupt meanwhile is kept for the caller, not acted on. */
    public static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
