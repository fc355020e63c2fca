package dev.basalt.reliability.support;

/**
 * The seed of a randomised campaign: the one given with {@code -D<property>=<seed>}, or a fresh
 * one. Either way it is printed with the line that replays it, so a failure seen once can be
 * run again.
 */
public final class Seeds {
    private Seeds() {
    }

    /** The seed for {@code campaign}, printed with its replay property. */
    public static long seed(String campaign, String property) {
        Long given = Long.getLong(property);
        long seed = given != null ? given : System.nanoTime() ^ Double.doubleToLongBits(Math.random());
        System.out.printf("%s: seed %d (replay with -D%s=%d)%n", campaign, seed, property, seed);
        return seed;
    }
}
