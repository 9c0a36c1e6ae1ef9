package io.cairn.task;

import io.cairn.store.TaskStore.Task;

/**
 * Does one kind of task. {@link #run} must be idempotent: after a crash the same task runs again from
 * the start. When it keeps failing, {@link #giveUp} moves the resource to its error status.
 */
public interface TaskHandler {
    void run(Task task) throws Exception;

    void giveUp(Task task, Exception cause);
}
