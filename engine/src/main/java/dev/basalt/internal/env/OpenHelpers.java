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

    /**
     * Runs {@code helperWork} on a helper named {@code name} and {@code ownWork} on the caller,
     * waits for the helper whatever happens (it may read memory the caller frees next), then
     * rethrows what stopped the caller's share, else what stopped the helper's.
     */
    public static void inParallel(String name, Runnable helperWork, Runnable ownWork) {
        Throwable[] helperFailure = new Throwable[1];
        Thread helper = start(name, () -> {
            try {
                helperWork.run();
            } catch (RuntimeException | Error e) { // handed to the caller, which rethrows it
                helperFailure[0] = e;
            }
        });
        try {
            ownWork.run();
        } finally {
            joinUninterruptibly(helper);
        }
        if (helperFailure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (helperFailure[0] instanceof Error e) {
            throw e;
        }
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
