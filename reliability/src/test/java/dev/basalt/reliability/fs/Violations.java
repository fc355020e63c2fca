package dev.basalt.reliability.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The invariant violations of a campaign: printed in full for the first few, then counted by kind. */
final class Violations {
    private static final int PRINTED = 5;
    private final String campaign;
    private final List<String> all = new ArrayList<>();
    private final Map<String, Integer> byKind = new TreeMap<>();

    Violations(String campaign) {
        this.campaign = campaign;
    }

    void add(String where, String problem) {
        all.add(where + ": " + problem);
        if (all.size() <= PRINTED) {
            System.out.println(campaign + " FAILURE " + where + ": " + problem);
        }
        byKind.merge(kindOf(problem), 1, Integer::sum);
    }

    /** The problem with paths, numbers and values taken out, so that alike problems count together. */
    private static String kindOf(String problem) {
        String kind = problem.replaceAll("/[^ ,:\\]]*", "<path>").replaceAll("[0-9]+", "#");
        return kind.length() > 160 ? kind.substring(0, 160) : kind;
    }

    int count() {
        return all.size();
    }

    List<String> all() {
        return all;
    }

    /** Prints the count of each kind (nothing when there are none). */
    void printSummary() {
        byKind.forEach((kind, n) -> System.out.println(campaign + " violations x" + n + ": " + kind));
    }
}
