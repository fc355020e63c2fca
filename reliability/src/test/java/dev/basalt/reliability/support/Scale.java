package dev.basalt.reliability.support;

/**
 * How big the reliability suite runs: {@code ci} under {@code -Preliability} (about ten minutes on
 * two cores, what {@code .ci/run} runs) or {@code soak} under {@code -Psoak} (release checks,
 * hours). Every campaign takes its size from here, so one test serves both.
 */
public enum Scale {
    CI,
    SOAK;

    /** The scale the build asked for ({@code -Dbasalt.reliability.scale}); CI when unset. */
    public static Scale current() {
        String name = System.getProperty("basalt.reliability.scale", "ci");
        return name.equalsIgnoreCase("soak") ? SOAK : CI;
    }

    /** {@code ciValue} or {@code soakValue} for the current scale. */
    public static int pick(int ciValue, int soakValue) {
        return current() == SOAK ? soakValue : ciValue;
    }

    /**
     * A count a test names itself, overridable with {@code -D<property>=n} to reproduce a
     * failure quickly or to run one campaign larger.
     */
    public static int count(String property, int ciValue, int soakValue) {
        return Integer.getInteger(property, pick(ciValue, soakValue));
    }
}
