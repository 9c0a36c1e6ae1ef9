package io.cairn.cli;

import java.io.PrintStream;

/** A one-line progress bar on a terminal; silent when output is not a terminal (scripts, pipes, CI). */
final class ProgressBar {
    private static final int WIDTH = 40;
    private final PrintStream out;
    private final boolean enabled;
    private final long total;
    private long lastDrawn = -1;
    private long lastNanos;

    ProgressBar(String label, long total) {
        this.out = System.err;
        this.enabled = System.console() != null;
        this.total = Math.max(1, total);
        if (enabled) {
            out.print(label + "\n");
        }
    }

    void update(long done) {
        long now = System.nanoTime();
        if (!enabled || (done < total && now - lastNanos < 100_000_000L) || done == lastDrawn) {
            return;
        }
        lastNanos = now;
        lastDrawn = done;
        int filled = (int) (WIDTH * done / total);
        out.printf(
                "\r[%s%s] %3d%% %,d/%,d MiB",
                "#".repeat(filled), ".".repeat(WIDTH - filled), 100 * done / total, done >> 20, total >> 20);
        if (done >= total) {
            out.println();
        }
        out.flush();
    }
}
