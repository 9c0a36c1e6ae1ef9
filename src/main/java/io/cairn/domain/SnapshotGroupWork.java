package io.cairn.domain;

/**
 * The durable work on EVS snapshot groups; the task's resource id is the snapshot group's. Like a group snapshot's,
 * its member snapshots' engine work is done by the group's task, all members at once.
 */
public enum SnapshotGroupWork implements Work {
    CREATE_SNAPSHOT_GROUP(SnapshotGroupStatus.CREATING, SnapshotGroupStatus.AVAILABLE, SnapshotGroupStatus.ERROR),
    DELETE_SNAPSHOT_GROUP(
            SnapshotGroupStatus.DELETING, SnapshotGroupStatus.DELETED, SnapshotGroupStatus.ERROR_DELETING);

    private final SnapshotGroupStatus running;
    private final SnapshotGroupStatus success;
    private final SnapshotGroupStatus failure;

    SnapshotGroupWork(SnapshotGroupStatus running, SnapshotGroupStatus success, SnapshotGroupStatus failure) {
        this.running = running;
        this.success = success;
        this.failure = failure;
    }

    public SnapshotGroupStatus running() {
        return running;
    }

    public SnapshotGroupStatus success() {
        return success;
    }

    public SnapshotGroupStatus failure() {
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
