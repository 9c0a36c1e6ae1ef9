package io.cairn.domain;

import java.util.Optional;

/**
 * The durable work on volumes, with the statuses it runs in, ends in and fails to. A restore also holds one
 * snapshot of the volume in a status of its own while it runs, and gives it back as available either way.
 */
public enum VolumeWork implements Work {
    CREATE_VOLUME(VolumeStatus.CREATING, VolumeStatus.AVAILABLE, VolumeStatus.ERROR, Recovery.RESUME, null),
    /**
     * The staging volume of a snapshot ingest: created as any volume, then held in maintenance (not exported, not
     * attached, not changed by requests) while the ingest writes its blocks and its snapshot is taken;
     * {@link VolumeTransitions#END_INGEST} makes it available. The recovery pass tells it from {@link #CREATE_VOLUME} by the ingest that names it.
     */
    CREATE_STAGING_VOLUME(VolumeStatus.CREATING, VolumeStatus.MAINTENANCE, VolumeStatus.ERROR, Recovery.RESUME, null),
    DELETE_VOLUME(VolumeStatus.DELETING, VolumeStatus.DELETED, VolumeStatus.ERROR_DELETING, Recovery.RESUME, null),
    /** The new size is the task's payload, so a volume that lost its task cannot resume. */
    EXTEND_VOLUME(VolumeStatus.EXTENDING, VolumeStatus.AVAILABLE, VolumeStatus.ERROR_EXTENDING, Recovery.FAIL, null),
    EXTEND_ATTACHED_VOLUME(
            VolumeStatus.EXTENDING, VolumeStatus.IN_USE, VolumeStatus.ERROR_EXTENDING, Recovery.FAIL, null),
    /** Cinder's revert to the latest snapshot (the payload); a failed one leaves the volume in error, as Cinder's. */
    REVERT_VOLUME(
            VolumeStatus.REVERTING,
            VolumeStatus.AVAILABLE,
            VolumeStatus.ERROR,
            Recovery.RESUME,
            SnapshotStatus.RESTORING),
    /** EVS's rollback to any snapshot of the volume; a failed one may be retried from error_rollbacking. */
    ROLLBACK_VOLUME(
            VolumeStatus.REVERTING,
            VolumeStatus.AVAILABLE,
            VolumeStatus.ERROR_ROLLBACKING,
            Recovery.RESUME,
            SnapshotStatus.ROLLBACKING),
    /**
     * Writes a backup (the payload) onto the volume, which the backup's row names too, so that a restore a crash
     * interrupted resumes; the backup waits in restoring meanwhile and is available again either way.
     */
    RESTORE_BACKUP(
            VolumeStatus.RESTORING_BACKUP, VolumeStatus.AVAILABLE, VolumeStatus.ERROR_RESTORING, Recovery.RESUME, null);

    private final VolumeStatus running;
    private final VolumeStatus success;
    private final VolumeStatus failure;
    private final Recovery recovery;
    private final SnapshotStatus heldSnapshot;

    VolumeWork(
            VolumeStatus running,
            VolumeStatus success,
            VolumeStatus failure,
            Recovery recovery,
            SnapshotStatus heldSnapshot) {
        this.running = running;
        this.success = success;
        this.failure = failure;
        this.recovery = recovery;
        this.heldSnapshot = heldSnapshot;
    }

    public VolumeStatus running() {
        return running;
    }

    public VolumeStatus success() {
        return success;
    }

    public VolumeStatus failure() {
        return failure;
    }

    @Override
    public Recovery recovery() {
        return recovery;
    }

    /** The status of the snapshot the work restores from (named by its payload), when it restores. */
    public Optional<SnapshotStatus> heldSnapshot() {
        return Optional.ofNullable(heldSnapshot);
    }

    @Override
    public Placement placement() {
        return Placement.VOLUME_NODE;
    }
}
