package io.cairn.domain;

/** What must hold of a group snapshot, besides its status, for a transition to apply. */
public enum GroupSnapshotGuard {
    /** No group is being created from the group snapshot. */
    NOT_A_SOURCE_BEING_COPIED
}
