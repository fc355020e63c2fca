package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.BasaltStats;
import dev.basalt.CompactionResult;
import dev.basalt.Durability;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import dev.basalt.PutOptions;
import dev.basalt.ValueWithMetadata;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code basalt demo [DIR]}: loads a realistic workload (user profiles, session tokens with
 * TTLs and metadata), reads and lists it, moves a demo clock forward through the sessions'
 * expiry, and prints what happened with figures.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Load, read, list and expire a realistic workload, printing what happened with figures.",
            "Loads 20,000 user profiles and 200,000 session tokens (TTLs, metadata) into DIR, reads and lists"
                + " them, moves a demo clock through their expiry and prints figures at each step. Uses the"
                + " namespaces DEMO_USERS and DEMO_SESSIONS (dropped first if an earlier demo left them);"
                + " nothing else in DIR is touched. Takes a few seconds."})
final class DemoCommand implements Callable<Integer> {
    static final String USERS = "DEMO_USERS";
    static final String SESSIONS = "DEMO_SESSIONS";
    /**
     * The demo clock starts this far behind real time, so that what expires in the demo
     * (at most 1 h 16 min ahead) is also expired when the directory is reopened with the real
     * clock: an expiration is an absolute second, and the demo must not leave keys that
     * come back to life.
     */
    private static final Duration CLOCK_BEHIND_REAL_TIME = Duration.ofHours(2);
    private static final Duration PURGE_TIMEOUT = Duration.ofSeconds(30);
    private static final int LIST_PAGE = 1000;
    /**
     * 8 MiB segments instead of 64: the demo writes about 46 MiB, and only sealed segments are
     * compacted, so with the default size the compaction step would find nothing to do.
     */
    private static final long DEMO_SEGMENT_BYTES = 8L << 20;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = BasaltCli.DEFAULT_DIRECTORY,
            description = "data directory (default: ${DEFAULT-VALUE})")
    private Path directory;

    @Option(names = "--sessions", paramLabel = "N", defaultValue = "" + DemoWorkload.SESSIONS,
            description = "session tokens to load (default: ${DEFAULT-VALUE})")
    private int sessions;

    @Option(names = "--users", paramLabel = "N", defaultValue = "" + DemoWorkload.USERS,
            description = "user profiles to load (default: ${DEFAULT-VALUE})")
    private int users;

    private final Io io;
    private PrintWriter out;
    /** The session keys, made once: formatting 200,000 keys again for each read pass would dominate it. */
    private String[] sessionKeys;

    DemoCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (sessions < 1 || users < 1) {
            throw new UsageException("--sessions and --users must be at least 1");
        }
        out = io.text;
        DemoClock clock = new DemoClock(Clock.systemUTC().instant().minus(CLOCK_BEHIND_REAL_TIME)
                .truncatedTo(ChronoUnit.SECONDS));
        BasaltOptions options = BasaltOptions.defaults().withClock(clock).withMinExpirationTtl(Duration.ZERO)
                .withDurability(Durability.PERIODIC).withSegmentSize(DEMO_SEGMENT_BYTES)
                .withBackgroundCompaction(false);
        out.printf("Basalt demo in %s%n", directory.toAbsolutePath().normalize());
        out.printf("  durability: PERIODIC (a put returns once its record is in the OS page cache; an fsync runs"
                + " every second and at close)%n");
        out.printf("  demo clock: %s, %d hours behind real time; it moves only when the demo moves it%n",
                clock.instant(), CLOCK_BEHIND_REAL_TIME.toHours());
        out.printf("  segments of %s; background compaction off, so step 6 shows all of it%n",
                Figures.bytes(DEMO_SEGMENT_BYTES));
        try (Basalt db = Basalt.open(directory, options)) {
            for (String name : new String[] {USERS, SESSIONS}) {
                if (db.dropNamespace(name)) {
                    out.printf("  dropped %s, left by an earlier demo%n", name);
                }
            }
            KvNamespace userSpace = db.namespace(USERS);
            KvNamespace sessionSpace = db.namespace(SESSIONS);
            int[] byTtl = load(db, userSpace, sessionSpace);
            read(sessionSpace, userSpace);
            list(userSpace, sessionSpace);
            travel(db, clock, sessionSpace, byTtl);
            compact(db);
            out.printf("%n7. stats%n");
            StatsCommand.print(new Indented(out), directory, db.namespaces(), db.stats());
        }
        out.printf("%nDone. The data stays in %s; try:%n", directory);
        String dirOption = directory.toString().equals(BasaltCli.DEFAULT_DIRECTORY) ? "" : " --dir " + directory;
        out.printf("  ./basalt stats %s%n", directory);
        out.printf("  ./basalt verify %s%n", directory);
        out.printf("  ./basalt kv key list -n %s --prefix user:0000 --limit 3%s%n", USERS, dirOption);
        out.printf("  ./basalt kv key get -n %s %s%s%n", USERS, DemoWorkload.userKey(42), dirOption);
        return 0;
    }

    /** Loads profiles, then sessions; returns how many sessions got each TTL (15 min, 1 h, 1 day). */
    private int[] load(Basalt db, KvNamespace userSpace, KvNamespace sessionSpace) {
        out.printf("%n1. load%n");
        long started = System.nanoTime();
        long logBefore = db.stats().totalLogBytes();
        for (int user = 1; user <= users; user++) {
            userSpace.put(DemoWorkload.userKey(user), DemoWorkload.userProfile(user), PutOptions.none()
                    .withMetadata(Json.MAPPER.createObjectNode().put("plan", DemoWorkload.plan(user))
                            .put("country", DemoWorkload.country(user))));
        }
        long usersDone = System.nanoTime();
        int[] byTtl = new int[3];
        sessionKeys = new String[sessions];
        for (int session = 0; session < sessions; session++) {
            sessionKeys[session] = DemoWorkload.sessionKey(session);
            Duration ttl = DemoWorkload.sessionTtl(session);
            byTtl[ttl.equals(DemoWorkload.SHORT_TTL) ? 0 : ttl.equals(DemoWorkload.HOUR_TTL) ? 1 : 2]++;
            sessionSpace.put(sessionKeys[session], DemoWorkload.sessionValue(session),
                    PutOptions.expirationTtl(ttl.toSeconds())
                            .withMetadata(Json.MAPPER.createObjectNode().put("user",
                                    DemoWorkload.userKey(DemoWorkload.sessionUser(session)))));
        }
        long done = System.nanoTime();
        out.printf("  %s user profiles    user:000001.., JSON of ~%d bytes, metadata {plan, country}, no expiry: %s%n",
                Figures.count(users), DemoWorkload.userProfile(1).length(), Figures.duration(usersDone - started));
        out.printf("  %s session tokens session:<32 hex>, JSON of ~%d bytes, metadata {user}, TTL 15 min (%s),"
                + " 1 h (%s), 1 day (%s): %s%n", Figures.count(sessions), DemoWorkload.sessionValue(0).length(),
                Figures.count(byTtl[0]), Figures.count(byTtl[1]), Figures.count(byTtl[2]),
                Figures.duration(done - usersDone));
        out.printf("  loaded %s keys in %s (%s), %s of log written, one thread%n", Figures.count(users + sessions),
                Figures.duration(done - started), Figures.rate(users + sessions, done - started),
                Figures.bytes(db.stats().totalLogBytes() - logBefore));
        return byTtl;
    }

    private void read(KvNamespace sessionSpace, KvNamespace userSpace) {
        out.printf("%n2. read%n");
        String sample = sessionKeys[0];
        ValueWithMetadata<String> one = sessionSpace.getWithMetadata(sample);
        out.printf("  getWithMetadata(\"%s\")%n    value    %s%n    metadata %s%n", sample, one.value(), one.metadata());
        long started = System.nanoTime();
        long found = 0;
        for (int i = 0; i < sessions; i++) {
            found += sessionSpace.get(sessionKeys[permute(i)]) != null ? 1 : 0;
        }
        long getNanos = System.nanoTime() - started;
        out.printf("  get() of all %s sessions in random order: %s found in %s (%s), one thread%n",
                Figures.count(sessions), Figures.count(found), Figures.duration(getNanos),
                Figures.rate(sessions, getNanos));
        ByteBuffer[] keys = new ByteBuffer[sessions];
        for (int i = 0; i < sessions; i++) {
            keys[i] = ByteBuffer.wrap(sessionKeys[permute(i)].getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        ByteBuffer value = ByteBuffer.allocateDirect(4096);
        started = System.nanoTime();
        long bytes = 0;
        for (ByteBuffer key : keys) {
            value.clear();
            bytes += Math.max(0, sessionSpace.read(key, value));
        }
        long readNanos = System.nanoTime() - started;
        out.printf("  read(ByteBuffer, ByteBuffer), the allocation-free hot path, same keys: %s in %s (%s)%n",
                Figures.bytes(bytes), Figures.duration(readNanos), Figures.rate(sessions, readNanos));
        out.printf("  get(\"%s\") = %s%n", DemoWorkload.userKey(42), userSpace.get(DemoWorkload.userKey(42)));
    }

    /** A fixed pseudo-random visiting order of the sessions (a stride coprime with their count). */
    private int permute(int i) {
        long stride = 7_919; // a prime: coprime with any count it does not divide
        if (sessions % stride == 0) {
            stride = 1;
        }
        return (int) ((i * stride + 12_345) % sessions);
    }

    private void list(KvNamespace userSpace, KvNamespace sessionSpace) {
        out.printf("%n3. list%n");
        ListResult page = userSpace.list(ListOptions.prefix("user:0001").withLimit(3));
        out.printf("  list(prefix \"user:0001\", limit 3): listComplete=%s, cursor=%s%n", page.listComplete(),
                page.cursor() == null ? "null" : page.cursor().substring(0, Math.min(16, page.cursor().length()))
                        + "...");
        for (KeyInfo key : page.keys()) {
            out.printf("    %s  metadata=%s%n", key.name(), key.metadata());
        }
        countAll(userSpace, "user:");
        countAll(sessionSpace, "session:");
    }

    private long countAll(KvNamespace namespace, String prefix) {
        long started = System.nanoTime();
        long keys = 0;
        int pages = 0;
        String cursor = null;
        do {
            ListOptions options = ListOptions.prefix(prefix).withLimit(LIST_PAGE);
            ListResult page = namespace.list(cursor == null ? options : options.withCursor(cursor));
            keys += page.keys().size();
            pages++;
            cursor = page.cursor();
        } while (cursor != null);
        long nanos = System.nanoTime() - started;
        out.printf("  every \"%s\" key of %s, %s pages of up to %d: %s keys in %s (%s)%n", prefix, namespace.name(),
                Figures.count(pages), LIST_PAGE, Figures.count(keys), Figures.duration(nanos),
                Figures.rate(keys, nanos));
        return keys;
    }

    private void travel(Basalt db, DemoClock clock, KvNamespace sessionSpace, int[] byTtl)
            throws InterruptedException {
        String shortLived = firstSessionWith(DemoWorkload.SHORT_TTL);
        step(4, db, clock, Duration.ofMinutes(16), byTtl[0], "the 15-minute sessions", sessionSpace, shortLived);
        String hourLived = firstSessionWith(DemoWorkload.HOUR_TTL);
        step(5, db, clock, Duration.ofHours(1), byTtl[0] + byTtl[1], "the 1-hour sessions", sessionSpace, hourLived);
    }

    private String firstSessionWith(Duration ttl) {
        for (int session = 0; session < sessions; session++) {
            if (DemoWorkload.sessionTtl(session).equals(ttl)) {
                return sessionKeys[session];
            }
        }
        return sessionKeys[0];
    }

    private void step(int number, Basalt db, DemoClock clock, Duration by, long purgedTotal, String what,
            KvNamespace sessionSpace, String sample) throws InterruptedException {
        out.printf("%n%d. time travel: the demo clock moves %s forward, past the expiry of %s%n", number,
                by.toMinutes() >= 60 ? by.toHours() + " h" : by.toMinutes() + " min", what);
        out.printf("  before: get(\"%s\") is %s%n", sample, sessionSpace.get(sample) == null ? "null" : "present");
        clock.advance(by);
        out.printf("  clock now %s; at once get(\"%s\") = %s (reads check the expiration themselves)%n",
                clock.instant(), sample, sessionSpace.get(sample));
        long started = System.nanoTime();
        long deadline = started + PURGE_TIMEOUT.toNanos();
        long purged = db.stats().expiredAndPurged();
        while (purged < purgedTotal && System.nanoTime() < deadline) {
            Thread.sleep(10);
            purged = db.stats().expiredAndPurged();
        }
        long nanos = System.nanoTime() - started;
        out.printf("  the background expiry purged them from the index: %s keys purged in all since open, this step"
                + " took %s%s%n", Figures.count(purged), Figures.duration(nanos),
                purged < purgedTotal ? " (stopped waiting after " + PURGE_TIMEOUT.toSeconds() + " s)" : "");
        countAll(sessionSpace, "session:");
    }

    private void compact(Basalt db) {
        out.printf("%n6. compact: rewrite the sealed segments without their expired records%n");
        BasaltStats before = db.stats();
        long started = System.nanoTime();
        CompactionResult result = db.compact();
        long nanos = System.nanoTime() - started;
        BasaltStats after = db.stats();
        CompactCommand.print(new Indented(out), result, nanos);
        out.printf("  log %s in %s segments -> %s in %s segments (the active segment is compacted once sealed)%n",
                Figures.bytes(before.totalLogBytes()), Figures.count(before.segmentCount()),
                Figures.bytes(after.totalLogBytes()), Figures.count(after.segmentCount()));
    }

    /** Indents every line by two spaces. */
    private static final class Indented extends PrintWriter {
        Indented(PrintWriter out) {
            super(out, true);
        }

        @Override
        public PrintWriter printf(String format, Object... args) {
            return super.printf("  " + format, args);
        }
    }
}
