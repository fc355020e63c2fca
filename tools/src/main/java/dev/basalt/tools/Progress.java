package dev.basalt.tools;

import java.text.DecimalFormat;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long command ({@code import}, {@code export}, {@code compact}) on standard
 * error, never standard output (scripts parse that). On a terminal, a bar redrawn in place
 * with the rate and the time left, drawn by {@code me.tongfei:progressbar}; anywhere else (a
 * pipe, a log file, CI), a plain line at every tenth of the work, since carriage returns and
 * a redraw every 200 ms make a log unreadable. Work under {@link #MIN_LINE_WORK} units gets no
 * plain lines: it is over before anyone reads them.
 *
 * <p>Owned by the command's thread; the bar's own thread only redraws.
 */
abstract class Progress implements AutoCloseable {
    /** The smallest total that gets plain progress lines. */
    static final long MIN_LINE_WORK = 1_000;
    /** Plain lines at every this many percent. */
    private static final int LINE_STEP_PERCENT = 10;
    /** The width of the bar's line, within the 80 columns of the narrowest usual terminal. */
    private static final int BAR_LINE_WIDTH = 79;
    private static final int REDRAW_MILLIS = 200;
    /** The unit whose amounts print as KiB, MiB, GiB. */
    static final String BYTES = "bytes";

    /** Starts the progress of {@code total} units of {@code unit} (for example "keys") named {@code task}. */
    static Progress start(Io io, String task, long total, String unit) {
        return io.terminal ? new Bar(io, task, total, unit) : new Lines(io, task, total, unit);
    }

    /** {@code done} of the total units are done. */
    abstract void update(long done);

    /** Ends the display (the bar's last redraw and its line end); the command prints its summary after. */
    @Override
    public abstract void close();

    /** The terminal display: a bar with rate and time left, redrawn in place. */
    private static final class Bar extends Progress {
        private final Io io;
        private final ProgressBar bar;

        Bar(Io io, String task, long total, String unit) {
            this.io = io;
            // The unit is left out of the bar and the rate is a whole number: the library narrows the
            // bar to what the text leaves of the line, and "20723.0 entries/s" left it 5 columns.
            this.bar = new ProgressBarBuilder().setTaskName(task + " (" + unit + ")").setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).showSpeed(new DecimalFormat("#,##0"))
                    .setUpdateIntervalMillis(REDRAW_MILLIS)
                    .setConsumer(new DelegatingProgressBarConsumer(this::draw, BAR_LINE_WIDTH)).build();
        }

        private void draw(String line) {
            synchronized (io.err) {
                io.err.print('\r' + line);
                io.err.flush();
            }
        }

        @Override
        void update(long done) {
            bar.stepTo(done);
        }

        @Override
        public void close() {
            bar.close();
            io.err.println();
        }
    }

    /** The display for logs: a line at every tenth, with the rate and the time left. */
    private static final class Lines extends Progress {
        private final Io io;
        private final String task;
        private final long total;
        private final String unit;
        private final long startedNanos = System.nanoTime();
        private int printedPercent;

        Lines(Io io, String task, long total, String unit) {
            this.io = io;
            this.task = task;
            this.total = total;
            this.unit = unit;
        }

        @Override
        void update(long done) {
            if (total < MIN_LINE_WORK || done >= total) {
                return; // the command's summary line says it is done
            }
            int percent = (int) (100 * done / total);
            if (percent < printedPercent + LINE_STEP_PERCENT) {
                return;
            }
            printedPercent = percent - percent % LINE_STEP_PERCENT;
            long nanos = System.nanoTime() - startedNanos;
            double perSecond = nanos == 0 ? 0 : done * 1e9 / nanos;
            String left = perSecond == 0 ? "" : ", about " + Figures.duration((long) ((total - done) / perSecond * 1e9))
                    + " left";
            String doneText = unit.equals(BYTES) ? Figures.bytes(done) : Figures.count(done);
            io.err.printf("  %s: %d%% (%s of %s), %s/s%s%n", task, printedPercent, doneText, amount(total),
                    amount((long) perSecond), left);
        }

        private String amount(long units) {
            return unit.equals(BYTES) ? Figures.bytes(units) : Figures.count(units) + " " + unit;
        }

        @Override
        public void close() {
        }
    }
}
