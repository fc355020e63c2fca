package dev.basalt.benchmarks.report;

/**
 * Replaces one suite's generated section of a markdown document and keeps everything else.
 *
 * <p>The section sits between {@code <!-- peer-report:SUITE:begin -->} and
 * {@code <!-- peer-report:SUITE:end -->}. When the document has neither marker, the section is
 * appended at the end under a {@code ## Peer comparison (SUITE suite)} heading that stays outside the
 * markers (prose written under the heading, outside the markers, survives later runs; the whole block
 * may be moved anywhere in the file). The result depends only on the document outside the markers and
 * on the body, so a second run with the same body gives the same document.
 */
final class MarkedSection {
    private MarkedSection() {
    }

    static String beginMarker(String suite) {
        return "<!-- peer-report:" + suite + ":begin -->";
    }

    static String endMarker(String suite) {
        return "<!-- peer-report:" + suite + ":end -->";
    }

    /** The document with the suite's section holding {@code body}. */
    static String replace(String document, String suite, String body) {
        String begin = beginMarker(suite);
        String end = endMarker(suite);
        int beginAt = document.indexOf(begin);
        int endAt = document.indexOf(end);
        String section = begin + "\n\n" + body.strip() + "\n\n" + end;
        if (beginAt < 0 && endAt < 0) {
            String kept = document.stripTrailing();
            String heading = "## Peer comparison (" + suite + " suite)\n\n";
            return (kept.isEmpty() ? "" : kept + "\n\n") + heading + section + "\n";
        }
        if (beginAt < 0 || endAt < 0 || endAt < beginAt
                || document.indexOf(begin, beginAt + 1) >= 0 || document.indexOf(end, endAt + 1) >= 0) {
            throw new IllegalStateException("expected exactly one " + begin + " followed by one " + end
                    + "; fix the markers in the document by hand");
        }
        return document.substring(0, beginAt) + section + document.substring(endAt + end.length());
    }
}
