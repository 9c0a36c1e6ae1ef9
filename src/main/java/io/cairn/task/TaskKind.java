package io.cairn.task;

/** The kinds of durable work; the name is what the tasks table stores. */
public enum TaskKind {
    CREATE_VOLUME,
    DELETE_VOLUME,
    EXTEND_VOLUME,
    REVERT_VOLUME,
    CREATE_SNAPSHOT,
    DELETE_SNAPSHOT
}
