package io.cairn.task;

import io.cairn.domain.Work;
import io.cairn.store.TaskStore;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;

/**
 * Where services record work. Enqueue inside the transaction that changes the resource's status, and call
 * {@link #wake()} after it commits so a worker starts without waiting for its next poll. A task is pinned
 * to the node its work's {@link Work.Placement} names, read from the resource in the same transaction.
 */
public final class TaskQueue {
    private final TaskStore store;
    private final Clock clock;
    private final Semaphore signal = new Semaphore(0);

    public TaskQueue(TaskStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void enqueue(DSLContext tx, Work work, String resourceId) {
        enqueue(tx, work, resourceId, null);
    }

    /** Enqueues work that needs an argument besides the resource (a new size, a snapshot id). */
    public void enqueue(DSLContext tx, Work work, String resourceId, String payload) {
        Optional<String> node = switch (work.placement()) {
            case VOLUME_NODE -> store.volumeNode(tx, resourceId);
            case SNAPSHOT_NODE -> store.snapshotNode(tx, resourceId);
            case BACKUP_VOLUME_NODE -> store.backupNode(tx, resourceId);
            case GROUP_NODE -> store.groupNode(tx, resourceId);
            case ANY_NODE -> Optional.empty();
        };
        // Stamped now, not when the request began: a task accepted only after another finished (a transition waited
        // for the row) is younger than that one's end.
        store.enqueue(tx, work.name(), resourceId, payload, node, clock.instant());
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
