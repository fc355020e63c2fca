package dev.basalt.reliability.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltException;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.tooling.Verifier;
import dev.basalt.internal.tooling.VerifyReport;
import dev.basalt.reliability.support.ReliabilityReport;
import dev.basalt.reliability.support.Scale;
import dev.basalt.reliability.support.Seeds;
import dev.basalt.testing.ManualClock;
import dev.basalt.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Disk full, two ways.
 *
 * <p>Injected: ENOSPC at every call that takes space (create, write, truncate, rename, mkdir),
 * from call k on, for every k of a small workload; then the space comes back. Each run: only
 * {@code BasaltException}s, each naming the space problem; writes resume in the same instance
 * once space is back; after a reopen every acknowledged write is there and the verifier finds
 * no damage.
 *
 * <p>Real: a small tmpfs (mounted here when running as root; skipped with the reason
 * otherwise) with a filler file, written until a put fails; the error must name the space
 * problem, every acknowledged key must read back in the same instance and after a reopen, and
 * once the filler is removed writes resume without a reopen.
 */
class DiskFullTest {
    private static final int OPS = Scale.count("basalt.diskfull.ops", 40, 200);
    private static final String NO_SPACE = "No space left on device";
    /** A put reserve small enough for the 6 MiB tmpfs to reach it after a few dozen puts. */
    private static final long RESERVE_BYTES = 2L << 20;
    private static final String TMPFS_SIZE = "6m";

    @Test
    void injectedEnospcAtEveryWriteFailsCleanlyAndWritesResume() throws IOException {
        failEveryWriteInTurn("disk-full-injected", false);
    }

    /** The same with mapped appends: the failed write is then a copy into the mapping, or a backing write. */
    @Test
    void injectedEnospcAtEveryWriteFailsCleanlyAndWritesResumeWithMappedAppends() throws IOException {
        failEveryWriteInTurn("disk-full-injected-mapped", true);
    }

    private static void failEveryWriteInTurn(String name, boolean mappedAppends) throws IOException {
        long seed = Seeds.seed(name, "basalt.diskfull.seed");
        Path root = IoErrorLoopTest.workRoot("basalt-diskfull");
        Violations problems = new Violations("disk-full");
        int runs = 0;
        int resumedInPlace = 0;
        int errors = 0;
        long calls;
        try {
            FaultyFileIo counter = new FaultyFileIo(FileIo.real(), FaultyFileIo.Kind.writes(), FaultyFileIo.Errno.ENOSPC);
            ManualClock countClock = new ManualClock();
            FaultRun.run(root.resolve("count"), Workload.generate(seed, OPS, 8, 100_000), counter,
                    IoErrorLoopTest.options(countClock, mappedAppends), countClock, false);
            calls = counter.calls();
            assertThat(counter.mappedWrites() > 0).as("records copied through a mapping").isEqualTo(mappedAppends);
            for (long k = 1; k <= calls; k++) {
                Path dir = root.resolve("run-" + k);
                FaultyFileIo io = new FaultyFileIo(FileIo.real(), FaultyFileIo.Kind.writes(), FaultyFileIo.Errno.ENOSPC)
                        .withPartialWrites().failFrom(k);
                ManualClock clock = new ManualClock();
                FaultRun.Result result = FaultRun.run(dir, Workload.generate(seed, OPS, 8, 100_000), io,
                        IoErrorLoopTest.options(clock, mappedAppends), clock, true);
                runs++;
                resumedInPlace += result.resumedInPlace ? 1 : 0;
                errors += result.errorMessages.size();
                List<String> runProblems = new ArrayList<>(result.problems);
                for (String message : result.errorMessages) {
                    if (!message.contains(NO_SPACE)) {
                        runProblems.add("an error that does not name the space problem: " + message);
                    }
                }
                if (!result.openFailed && !result.resumedInPlace) {
                    runProblems.add("writes did not resume in the same instance once space was back");
                }
                for (String problem : runProblems) {
                    problems.add("k=" + k + " (" + io.failures().get(0) + ")", problem);
                }
                TestFiles.deleteRecursively(dir);
            }
        } finally {
            TestFiles.deleteRecursively(root);
        }
        ReliabilityReport.line(name, seed).figure("write_calls", calls).figure("runs", runs)
                .figure("errors", errors).figure("resumed_in_place", resumedInPlace)
                .figure("violations", problems.count()).write();
        problems.printSummary();
        assertThat(problems.all()).as("invariant violations (seed %d)", seed).isEmpty();
    }

    /**
     * Regression, found on the real tmpfs (seed 4604247489888417484): an append that ran out of
     * space had written part of its record past the tail; the appends after it were shorter, so
     * when the segment was sealed those stale bytes stayed past its data end and the verifier
     * reported them as damage. Sealing now zeroes them.
     */
    @Test
    void aPartlyWrittenFailedAppendLeavesNoDamageOnceTheSegmentIsSealed() throws IOException {
        Path root = IoErrorLoopTest.workRoot("basalt-diskfull-partial");
        Path dir = root.resolve("data");
        try {
            FaultyFileIo io = new FaultyFileIo(FileIo.real(), java.util.EnumSet.of(FaultyFileIo.Kind.WRITE),
                    FaultyFileIo.Errno.ENOSPC).withPartialWrites();
            ManualClock clock = new ManualClock();
            try (Basalt db = dev.basalt.BasaltInternals.open(dir, IoErrorLoopTest.options(clock), io)) {
                KvNamespace ns = db.namespace("n");
                for (int i = 0; i < 7; i++) {
                    ns.put("before-" + i, value("before-" + i, 100_000)); // the 1 MiB segment is 70 % full
                }
                io.failOnce(io.calls() + 1);
                // Fits in the segment; half of it (170 KB) reaches the file before the error.
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> ns.put("big", value("big", 340_000)))
                        .isInstanceOf(BasaltException.class).hasMessageContaining(NO_SPACE);
                ns.put("after", value("after", 400_000)); // does not fit: seals the segment at 700 KB
                assertThat(db.stats().segmentCount()).as("the damaged segment was sealed").isGreaterThan(1);
            }
            assertThat(Verifier.verify(dir).damage()).isEmpty();
        } finally {
            TestFiles.deleteRecursively(root);
        }
    }

    @Test
    void aRealFullFileSystemFailsCleanlyAndWritesResumeOnceSpaceIsFreed() throws Exception {
        long seed = Seeds.seed("disk-full-tmpfs", "basalt.diskfull.tmpfs.seed");
        Path work = TestFiles.newTempDirectory("basalt-diskfull-tmpfs");
        Path mountPoint = Files.createDirectory(work.resolve("tiny"));
        String failure = run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE, "tmpfs", mountPoint.toString());
        if (failure != null) {
            String reason = "mounting a " + TMPFS_SIZE + " tmpfs failed (" + failure + "); the real disk-full case is untested";
            System.out.println("DiskFullTest skipped: " + reason);
            ReliabilityReport.line("disk-full-tmpfs", seed).figure("skipped", reason).write();
            TestFiles.deleteRecursively(work);
            org.junit.jupiter.api.Assumptions.assumeTrue(false, reason);
            return;
        }
        try {
            fillAndFree(seed, mountPoint, RESERVE_BYTES, false);
            fillAndFree(seed, mountPoint, 0, false);
            // Mapped appends: the pages a record is copied into are backed by a write call first,
            // so the full file system fails that call, not the copy (no SIGBUS).
            fillAndFree(seed, mountPoint, RESERVE_BYTES, true);
            fillAndFree(seed, mountPoint, 0, true);
        } finally {
            String unmount = run("umount", mountPoint.toString());
            TestFiles.deleteRecursively(work);
            assertThat(unmount).as("unmounting %s", mountPoint).isNull();
        }
    }

    /**
     * Fills the tmpfs with puts until one fails, frees the filler, and checks that puts resume
     * and nothing acknowledged is lost. With a reserve the refusal must come while the reserve
     * is still free, naming it; without one (0) the file system's own ENOSPC must come through
     * cleanly. {@code mapped}: with {@code BasaltOptions.withMappedAppends}.
     */
    private static void fillAndFree(long seed, Path mountPoint, long reserveBytes, boolean mapped)
            throws IOException {
        Random random = new Random(seed);
        Path filler = mountPoint.resolve("filler");
        Files.write(filler, new byte[2 << 20]);
        Path dir = mountPoint.resolve((reserveBytes == 0 ? "data-no-reserve" : "data-reserve")
                + (mapped ? "-mapped" : ""));
        ManualClock clock = new ManualClock();
        BasaltOptions options = BasaltOptions.defaults().withDurability(Durability.SYNC_EACH_WRITE)
                .withSegmentSize(1 << 20).withClock(clock).withMinExpirationTtl(Duration.ZERO)
                .withBackgroundCompaction(false).withDiskReserve(reserveBytes).withMappedAppends(mapped);
        List<String> acked = new ArrayList<>();
        long freeAtRefusal = -1;
        String error = null;
        int afterFree = 0;
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace ns = db.namespace("full");
            for (int i = 0; i < 10_000 && error == null; i++) {
                String key = "key-" + i;
                try {
                    ns.put(key, value(key, 20_000 + random.nextInt(60_000)));
                    acked.add(key);
                } catch (BasaltException e) {
                    error = e.getMessage();
                    freeAtRefusal = Files.getFileStore(mountPoint).getUsableSpace();
                }
            }
            if (reserveBytes == 0) {
                assertThat(error).as("a put failed once the tmpfs was full").isNotNull().contains(NO_SPACE);
            } else {
                assertThat(error).as("a put was refused at the reserve").isNotNull()
                        .contains("reserve").contains(reserveBytes + "-byte");
                // The check reads free space once per MiB of puts, so up to that much more may go.
                assertThat(freeAtRefusal).as("free bytes when the reserve refused a put")
                        .isGreaterThan(reserveBytes - (1L << 20) - 100_000);
                ns.delete(acked.get(0)); // deletes may use the reserve: they are how space is freed
                acked.remove(0);
            }
            System.out.printf("disk-full-tmpfs%s: %d puts acknowledged, then: %s%n", mapped ? " (mapped appends)" : "",
                    acked.size(), error);
            for (String key : acked) {
                assertThat(ns.get(key)).as("acknowledged %s in the same instance", key).startsWith(key + ":");
            }
            Files.delete(filler);
            for (int i = 0; i < 10; i++) {
                String key = "after-free-" + i;
                ns.put(key, value(key, 30_000));
                acked.add(key);
                afterFree++;
            }
        }
        List<String> lost = new ArrayList<>();
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace ns = db.namespace("full");
            for (String key : acked) {
                String value = ns.get(key);
                if (value == null || !value.startsWith(key + ":")) {
                    lost.add(key);
                }
            }
        }
        VerifyReport report = Verifier.verify(dir);
        TestFiles.deleteRecursively(dir);
        // The line is written before the assertions, with the figures as counted, so a failing
        // run's report says how many were lost instead of nothing.
        ReliabilityReport.line(mapped ? "disk-full-tmpfs-mapped" : "disk-full-tmpfs", seed).figure("tmpfs", TMPFS_SIZE)
                .figure("reserve_bytes", reserveBytes).figure("free_at_refusal", freeAtRefusal).figure("acked_before_full",
                acked.size() - afterFree).figure("writes_after_free", afterFree).figure("lost", lost.size())
                .figure("verify_damage", report.damage().size()).write();
        assertThat(lost).as("acknowledged keys missing or wrong after a reopen").isEmpty();
        assertThat(report.damage()).as("verify after the disk filled").isEmpty();
    }

    private static String value(String key, int length) {
        char[] fill = new char[length];
        Arrays.fill(fill, 'v');
        return key + ":" + new String(fill);
    }

    /** Runs a command; null when it succeeded, else what it printed. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "timed out";
        }
        return process.exitValue() == 0 ? null : output.trim() + " (exit " + process.exitValue() + ")";
    }
}
