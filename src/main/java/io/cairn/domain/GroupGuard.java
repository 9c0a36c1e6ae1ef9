package io.cairn.domain;

/** What must hold of a group, besides its status, for a transition to apply; the store writes each as SQL. */
public enum GroupGuard {
    /** No live group snapshot was taken of the group. */
    NO_GROUP_SNAPSHOTS,
    /** No live volume is in the group. */
    NO_VOLUMES,
    /** Every volume in the group is detached and has no live snapshot. */
    VOLUMES_DETACHED_WITHOUT_SNAPSHOTS,
    /** No group is being created from the group or from one of its group snapshots. */
    NOT_A_SOURCE_BEING_COPIED
}
