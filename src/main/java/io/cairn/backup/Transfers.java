package io.cairn.backup;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Uploads or downloads run side by side, at most {@code concurrency} at once, each on a virtual thread (they wait on
 * the network, not the processor). The first failure is kept: the tasks not yet started then do nothing, and the
 * caller sees it at its next {@link #check()}.
 */
final class Transfers implements AutoCloseable {
    /** A transfer. */
    @FunctionalInterface
    interface Task {
        void run() throws IOException;
    }

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore running;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Transfers(int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency " + concurrency + " is below 1");
        }
        this.running = new Semaphore(concurrency);
    }

    /**
     * Starts {@code task} once fewer than the limit run, waiting until then; {@code after} runs when it ends, however
     * it ends, and when it is skipped for an earlier failure.
     */
    void submit(Task task, Runnable after) throws InterruptedIOException {
        try {
            running.acquire();
        } catch (InterruptedException e) {
            after.run();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a transfer to end");
        }
        executor.execute(() -> {
            try {
                if (failure.get() == null) {
                    task.run();
                }
            } catch (Throwable e) { // kept for the caller's thread, where it is thrown as it was
                failure.compareAndSet(null, e);
            } finally {
                running.release();
                after.run();
            }
        });
    }

    /** Throws the first failure of a transfer so far. */
    void check() throws IOException {
        Throwable first = failure.get();
        switch (first) {
            case null -> {}
            case IOException io -> throw io;
            case RuntimeException runtime -> throw runtime;
            case Error error -> throw error;
            default -> throw new IOException("a transfer failed", first);
        }
    }

    /** Waits for every transfer to end, then throws the first failure. */
    void finish() throws IOException {
        executor.close();
        check();
    }

    /** Waits for every transfer to end: none outlives the operation that started it. */
    @Override
    public void close() {
        executor.close();
    }
}
