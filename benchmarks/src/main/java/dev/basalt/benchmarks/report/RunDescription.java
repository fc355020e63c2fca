package dev.basalt.benchmarks.report;

/**
 * What a report says about the run besides the results themselves.
 *
 * @param machine the machine of the run
 * @param date when the run happened, as shown (the results file's modification time in UTC, or {@code --date})
 * @param command the exact command line of the run ({@code --command})
 */
public record RunDescription(Machine machine, String date, String command) {
}
