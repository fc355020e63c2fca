package dev.basalt.tools;

import java.time.Duration;
import java.util.Locale;

/**
 * The demo's data, deterministic (the same on every run): user profiles under {@code user:}
 * and session tokens under {@code session:}, each session with one of three lifetimes.
 */
final class DemoWorkload {
    static final int USERS = 20_000;
    static final int SESSIONS = 200_000;
    static final Duration SHORT_TTL = Duration.ofMinutes(15);
    static final Duration HOUR_TTL = Duration.ofHours(1);
    static final Duration DAY_TTL = Duration.ofDays(1);
    private static final String[] PLANS = {"free", "free", "free", "pro", "team"};
    private static final String[] COUNTRIES = {"DE", "FR", "US", "JP", "BR", "IN", "NG", "CA"};
    private static final String[] SCOPES = {"[\"read\"]", "[\"read\",\"write\"]", "[\"read\",\"write\",\"admin\"]"};

    private DemoWorkload() {
    }

    static String userKey(int user) {
        return String.format(Locale.ROOT, "user:%06d", user);
    }

    static String plan(int user) {
        return PLANS[(int) Long.remainderUnsigned(mix(user), PLANS.length)];
    }

    static String country(int user) {
        return COUNTRIES[(int) Long.remainderUnsigned(mix(user ^ 0x5555), COUNTRIES.length)];
    }

    static String userProfile(int user) {
        return "{\"id\":" + user + ",\"name\":\"User " + user + "\",\"email\":\"user" + user
                + "@example.com\",\"plan\":\"" + plan(user) + "\",\"country\":\"" + country(user)
                + "\",\"created\":\"2024-" + String.format(Locale.ROOT, "%02d-%02d", 1 + user % 12, 1 + user % 28)
                + "\",\"preferences\":{\"theme\":\"" + (user % 2 == 0 ? "dark" : "light")
                + "\",\"newsletter\":" + (user % 3 == 0) + "}}";
    }

    /** A unique token per session: the first half is a bijective mix of the index. */
    static String sessionKey(int session) {
        return String.format(Locale.ROOT, "session:%016x%016x", mix(session), mix(~session));
    }

    static int sessionUser(int session) {
        return 1 + (int) Long.remainderUnsigned(mix(session * 31L), USERS);
    }

    static String sessionValue(int session) {
        int user = sessionUser(session);
        long m = mix(session + 7L);
        return "{\"user\":\"" + userKey(user) + "\",\"scopes\":" + SCOPES[(int) Long.remainderUnsigned(m, 3)]
                + ",\"ip\":\"10." + ((m >>> 8) & 0xFF) + "." + ((m >>> 16) & 0xFF) + "." + ((m >>> 24) & 0xFF)
                + "\",\"agent\":\"Mozilla/5.0 (demo " + (m >>> 40) % 97 + ")\"}";
    }

    /** 40% live 15 minutes, 40% an hour, 20% a day. */
    static Duration sessionTtl(int session) {
        int bucket = (int) Long.remainderUnsigned(mix(session + 13L), 10);
        return bucket < 4 ? SHORT_TTL : bucket < 8 ? HOUR_TTL : DAY_TTL;
    }

    /** SplitMix64's finaliser: a bijection on longs, so distinct inputs give distinct outputs. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
