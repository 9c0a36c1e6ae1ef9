package io.cairn.task;

import io.cairn.store.TaskStore.Task;

/**
 * Does one kind of task. {@link #run} must be idempotent: after a crash the same task runs again from
 * the start. When it keeps failing, {@link #giveUp} moves the resource to its error status. The transaction
 * that makes either outcome visible also ends the task ({@link io.cairn.store.TaskStore#finish}); the worker
 * ends a task whose handler returned without such a transaction (work skipped as no longer wanted).
 */
public interface TaskHandler {
    void run(Task task) throws Exception;

    void giveUp(Task task, Exception cause);
}
