package io.cairn.task;

import io.cairn.store.TaskStore;
import io.cairn.store.TaskStore.Task;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims tasks and runs their handlers on virtual threads. A failing task is retried with a growing delay;
 * after {@link #MAX_ATTEMPTS} its handler gives up and moves the resource to an error status.
 */
public final class TaskWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskWorker.class);
    static final int MAX_ATTEMPTS = 5;
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final long POLL_MILLIS = 500;
    private static final Duration KEEP_FINISHED = Duration.ofDays(1);

    private final TaskStore store;
    private final TaskQueue queue;
    private final Map<TaskKind, TaskHandler> handlers;
    private final String owner;
    private final Clock clock;
    private final int threads;
    private final List<Thread> running = new ArrayList<>();
    private volatile boolean stopping;

    public TaskWorker(TaskStore store, TaskQueue queue, Map<TaskKind, TaskHandler> handlers, String owner, Clock clock, int threads) {
        this.store = store;
        this.queue = queue;
        this.handlers = new EnumMap<>(handlers);
        this.owner = owner;
        this.clock = clock;
        this.threads = threads;
    }

    public synchronized void start() {
        store.prune(clock.instant().minus(KEEP_FINISHED));
        for (int i = 0; i < threads; i++) {
            running.add(Thread.ofVirtual().name("cairn-worker-" + i).start(this::loop));
        }
    }

    private void loop() {
        while (!stopping) {
            try {
                Optional<Task> task = store.claim(owner, clock.instant(), LEASE);
                if (task.isPresent()) {
                    execute(task.get());
                } else {
                    queue.awaitWork(POLL_MILLIS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("task worker could not claim work; retrying", e);
                sleepQuietly(POLL_MILLIS);
            }
        }
    }

    private void execute(Task task) {
        TaskHandler handler = handlers.get(TaskKind.valueOf(task.kind()));
        try {
            handler.run(task);
            store.complete(task.id(), owner, clock.instant());
        } catch (Exception e) {
            Instant now = clock.instant();
            if (task.attempts() >= MAX_ATTEMPTS) {
                handler.giveUp(task, e);
                store.fail(task.id(), owner, String.valueOf(e), now);
            } else {
                LOG.warn("task {} {} of {} failed (attempt {}), will retry", task.id(), task.kind(), task.resourceId(), task.attempts(), e);
                store.retryLater(task.id(), owner, String.valueOf(e), now.plusMillis(200L << task.attempts()), now);
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops claiming, lets running tasks finish, and returns once every worker thread has ended. */
    @Override
    public synchronized void close() {
        stopping = true;
        for (int i = 0; i < threads; i++) {
            queue.wake();
        }
        for (Thread thread : running) {
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        running.clear();
    }
}
