package io.cairn.task;

import io.cairn.domain.Work;
import io.cairn.store.TaskStore;
import io.cairn.store.TaskStore.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims this node's tasks (those pinned to it and those any node may run) and runs their handlers on
 * virtual threads. While a handler runs, its lease is renewed, so a slow task is never taken over by
 * another worker; a node that dies stops renewing, and its unpinned tasks go to another node once the lease
 * runs out. A failing task is retried with a growing delay; after {@link #MAX_ATTEMPTS} its handler gives
 * up and moves the resource to an error status.
 */
public final class TaskWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskWorker.class);
    static final int MAX_ATTEMPTS = 5;
    /** How long a dead node's tasks wait before another node may take them; renewed at a third of it. */
    static final Duration LEASE = Duration.ofSeconds(30);

    private static final long POLL_MILLIS = 500;
    private static final Duration KEEP_FINISHED = Duration.ofDays(1);

    private final TaskStore store;
    private final TaskQueue queue;
    private final Map<Work, TaskHandler> handlers;
    private final String node;
    private final int threads;
    private final List<Thread> running = new ArrayList<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /**
     * @param node this node's name: the lease owner of what it claims, and the node its pinned tasks name.
     *             Unique among the nodes sharing a database, as its data directory is its own.
     */
    public TaskWorker(TaskStore store, TaskQueue queue, Map<Work, TaskHandler> handlers, String node, int threads) {
        this.store = store;
        this.queue = queue;
        this.handlers = Map.copyOf(handlers);
        this.node = node;
        this.threads = threads;
    }

    public synchronized void start() {
        store.prune(KEEP_FINISHED);
        for (int i = 0; i < threads; i++) {
            running.add(Thread.ofVirtual().name("cairn-worker-" + i).start(this::loop));
        }
        running.add(Thread.ofVirtual().name("cairn-lease-renewal").start(this::renewLeases));
    }

    private void loop() {
        while (!stopping) {
            try {
                Optional<Task> task = store.claim(node, node, LEASE);
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

    private void renewLeases() {
        while (!stopping) {
            sleepQuietly(LEASE.toMillis() / 3);
            try {
                store.renew(node, Set.copyOf(inFlight), LEASE);
            } catch (RuntimeException e) {
                LOG.warn("could not renew the leases of {} running tasks; retrying", inFlight.size(), e);
            }
        }
    }

    private void execute(Task task) {
        TaskHandler handler = handlers.get(Work.named(task.kind()));
        inFlight.add(task.id());
        try {
            handler.run(task);
            store.complete(task.id(), node); // a no-op when the handler's last transaction ended the task
        } catch (Exception e) {
            if (task.attempts() >= MAX_ATTEMPTS) {
                handler.giveUp(task, e);
                store.fail(task.id(), node, String.valueOf(e));
            } else {
                LOG.warn(
                        "task {} {} of {} failed (attempt {}), will retry",
                        task.id(),
                        task.kind(),
                        task.resourceId(),
                        task.attempts(),
                        e);
                store.retryLater(task.id(), node, String.valueOf(e), Duration.ofMillis(200L << task.attempts()));
            }
        } finally {
            inFlight.remove(task.id());
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops claiming, lets running tasks finish, and returns once every worker thread has ended. A task still
     * running after the wait goes back to the queue at once, so no node waits for its lease to run out.
     */
    @Override
    public synchronized void close() {
        stopping = true;
        for (int i = 0; i < threads; i++) {
            queue.wake();
        }
        for (Thread thread : running) {
            if (thread.getName().equals("cairn-lease-renewal")) {
                thread.interrupt();
            }
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        running.clear();
        int released = store.releaseAll(node);
        if (released > 0) {
            LOG.warn("{} tasks did not finish in time at shutdown; released back to the queue", released);
        }
    }
}
