package io.cairn.task;

import io.cairn.store.TaskStore;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;

/**
 * Where services record work. Enqueue inside the transaction that changes the resource's status, and call
 * {@link #wake()} after it commits so a worker starts without waiting for its next poll. A task is pinned
 * to the node its kind's {@link TaskKind.Placement} names, read from the resource in the same transaction.
 */
public final class TaskQueue {
    private final TaskStore store;
    private final Semaphore signal = new Semaphore(0);

    public TaskQueue(TaskStore store) {
        this.store = store;
    }

    public void enqueue(DSLContext tx, TaskKind kind, String resourceId, Instant now) {
        enqueue(tx, kind, resourceId, null, now);
    }

    /** Enqueues work that needs an argument besides the resource (a new size, a snapshot id). */
    public void enqueue(DSLContext tx, TaskKind kind, String resourceId, String payload, Instant now) {
        Optional<String> node = switch (kind.placement()) {
            case VOLUME_NODE -> store.volumeNode(tx, resourceId);
            case SNAPSHOT_NODE -> store.snapshotNode(tx, resourceId);
            case ANY_NODE -> Optional.empty();
        };
        store.enqueue(tx, kind.name(), resourceId, payload, node, now);
    }

    /** Wakes a worker of this node; workers of other nodes find the task at their next poll. */
    public void wake() {
        signal.release();
    }

    /** Waits for a wake-up or the timeout, whichever comes first. */
    void awaitWork(long timeoutMillis) throws InterruptedException {
        // One permit per wake-up: several workers waiting all get theirs (a drained semaphore would wake only one).
        signal.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
