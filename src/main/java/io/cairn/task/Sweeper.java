package io.cairn.task;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one idempotent clean-up (such as expiring snapshot ingests past their timeout) at start-up and then every
 * interval, on a virtual thread of its own. Every node runs its own; the clean-up itself makes sure that under
 * several nodes each thing is cleaned up once (a compare-and-set per item).
 */
public final class Sweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);

    private final String name;
    private final IntSupplier sweep;
    private final Thread thread;

    private Sweeper(String name, IntSupplier sweep, Duration interval) {
        this.name = requireNonNull(name, "name is null");
        this.sweep = requireNonNull(sweep, "sweep is null");
        this.thread = Thread.ofVirtual().name("cairn-sweep-" + name).unstarted(() -> loop(interval));
    }

    /** @param sweep the clean-up; returns how many things it cleaned up */
    public static Sweeper start(String name, IntSupplier sweep, Duration interval) {
        Sweeper sweeper = new Sweeper(name, sweep, interval);
        sweeper.thread.start();
        return sweeper;
    }

    /** Sweeps now, on the caller's thread, besides the periodic runs: what a test or an operator asks for. */
    public int runNow() {
        return sweep.getAsInt();
    }

    private void loop(Duration interval) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                int cleaned = sweep.getAsInt();
                if (cleaned > 0) {
                    LOG.debug("the {} sweep cleaned up {}", name, cleaned);
                }
            } catch (RuntimeException e) {
                LOG.warn("the {} sweep failed; it runs again in {}", name, interval, e);
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
