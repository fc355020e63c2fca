package dev.basalt;

/**
 * When a {@code put} or {@code delete} returns, and so what a crash can take away.
 *
 * <table>
 *   <caption>What each mode waits for and what survives</caption>
 *   <tr><th>mode</th><th>a write returns after</th><th>survives process kill</th>
 *       <th>survives power loss</th></tr>
 *   <tr><td>{@link #SYNC_EACH_WRITE}</td><td>its record is fsynced</td><td>yes</td>
 *       <td>yes</td></tr>
 *   <tr><td>{@link #GROUP_COMMIT} (default)</td><td>its record is fsynced together with
 *       concurrent writers' records</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>{@link #PERIODIC}</td><td>its record is in the OS page cache</td><td>yes</td>
 *       <td>all but roughly the last second of writes</td></tr>
 * </table>
 *
 * <p>"Survives" means: after a restart every write that returned is read back. A write that
 * was still running at the crash may or may not be there, but never half there.
 *
 * <p>Whatever the mode, a failed fsync stops the engine: no later write is acknowledged until
 * it is closed and reopened, because retrying an fsync can report success for data the
 * kernel has already dropped. {@code Basalt.sync()} forces every acknowledged write to stable
 * storage in any mode.
 */
public enum Durability {
    /**
     * Every write waits for its own fsync. The simplest guarantee and the slowest: one fsync
     * per write, so throughput is bounded by the device's fsync rate even with many writers.
     */
    SYNC_EACH_WRITE,

    /**
     * The default. Every write waits for an fsync that covers its record; writers that arrive
     * while an fsync is running share the next one, so many threads pay for one fsync. A lone
     * writer is never delayed on purpose to wait for company. Keeps Workers KV's promise that
     * a completed {@code put} is stored.
     */
    GROUP_COMMIT,

    /**
     * The fast mode for bulk loads and caches. A write returns once its record is in the OS
     * page cache; a background fsync runs every {@link BasaltOptions#periodicSyncInterval()}
     * (default 1 s), and also each time the writes fill another eighth of a segment, or 4 MiB
     * if that is more (so that sealing a full segment, which forces it, finds little left to
     * write). A killed process
     * loses nothing, but a power loss or kernel crash loses up to about the last second of
     * acknowledged writes (less when they are fast). Choose it only when those writes can be
     * redone or lost.
     */
    PERIODIC
}
