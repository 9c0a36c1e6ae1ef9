package io.cairn.domain;

/** What must hold of a snapshot, besides its status, for a transition to apply; the store writes each as SQL. */
public enum SnapshotGuard {
    /** The snapshot belongs to no group snapshot. */
    NOT_IN_GROUP
}
