package io.cairn.domain;

/**
 * The durable work on groups and group snapshots, with the statuses it runs in, ends in and fails to. The task's
 * resource id is the group's or, for the group snapshot works, the group snapshot's. The member volumes' and member
 * snapshots' engine work is done by these tasks, all members at once (member volumes are created and deleted by their
 * own {@link VolumeWork}, except the clones of a group made from another group).
 */
public enum GroupWork implements Work {
    /**
     * Creates every member of a group made from another group as a clone of its source volume, all at one instant,
     * and ends them and the group.
     */
    CLONE_GROUP(GroupStatus.CREATING, GroupStatus.AVAILABLE, GroupStatus.ERROR),
    /** Reverts every member to its snapshot in the group snapshot the task's payload names. */
    REVERT_GROUP(GroupStatus.REVERTING, GroupStatus.AVAILABLE, GroupStatus.ERROR),
    CREATE_GROUP_SNAPSHOT(GroupSnapshotStatus.CREATING, GroupSnapshotStatus.AVAILABLE, GroupSnapshotStatus.ERROR),
    DELETE_GROUP_SNAPSHOT(
            GroupSnapshotStatus.DELETING, GroupSnapshotStatus.DELETED, GroupSnapshotStatus.ERROR_DELETING);

    private final WireStatus running;
    private final WireStatus success;
    private final WireStatus failure;

    GroupWork(WireStatus running, WireStatus success, WireStatus failure) {
        this.running = running;
        this.success = success;
        this.failure = failure;
    }

    /** Whether the task's resource is a group snapshot (else a group). */
    public boolean onGroupSnapshot() {
        return running instanceof GroupSnapshotStatus;
    }

    public WireStatus running() {
        return running;
    }

    public WireStatus success() {
        return success;
    }

    public WireStatus failure() {
        return failure;
    }

    @Override
    public Placement placement() {
        return Placement.GROUP_NODE;
    }

    @Override
    public Recovery recovery() {
        return Recovery.RESUME;
    }
}
