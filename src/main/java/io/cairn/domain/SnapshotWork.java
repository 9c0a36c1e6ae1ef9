package io.cairn.domain;

/** The durable work on snapshots, with the statuses it runs in, ends in and fails to. */
public enum SnapshotWork implements Work {
    CREATE_SNAPSHOT(SnapshotStatus.CREATING, SnapshotStatus.AVAILABLE, SnapshotStatus.ERROR, Placement.SNAPSHOT_NODE),
    DELETE_SNAPSHOT(
            SnapshotStatus.DELETING, SnapshotStatus.DELETED, SnapshotStatus.ERROR_DELETING, Placement.SNAPSHOT_NODE),
    /** Forgets the snapshot in the database only; its data stays on the engine, so any node may do it. */
    UNMANAGE_SNAPSHOT(SnapshotStatus.UNMANAGING, SnapshotStatus.DELETED, SnapshotStatus.ERROR, Placement.ANY_NODE);

    private final SnapshotStatus running;
    private final SnapshotStatus success;
    private final SnapshotStatus failure;
    private final Placement placement;

    SnapshotWork(SnapshotStatus running, SnapshotStatus success, SnapshotStatus failure, Placement placement) {
        this.running = running;
        this.success = success;
        this.failure = failure;
        this.placement = placement;
    }

    public SnapshotStatus running() {
        return running;
    }

    public SnapshotStatus success() {
        return success;
    }

    public SnapshotStatus failure() {
        return failure;
    }

    @Override
    public Recovery recovery() {
        return Recovery.RESUME;
    }

    @Override
    public Placement placement() {
        return placement;
    }
}
