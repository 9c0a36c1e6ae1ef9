package io.cairn.domain;

/**
 * The durable work on backups, with the statuses it runs in, ends in and fails to. A restore is its target
 * volume's work ({@link VolumeWork#RESTORE_BACKUP}); the backup waits in {@link BackupStatus#RESTORING} meanwhile.
 */
public enum BackupWork implements Work {
    /** Reads the volume's data on the node that holds it; a rerun after a crash uploads only what is missing. */
    CREATE_BACKUP(BackupStatus.CREATING, BackupStatus.AVAILABLE, BackupStatus.ERROR, Placement.BACKUP_VOLUME_NODE),
    /**
     * Touches only the object store and the engine snapshot kept for the next incremental backup; a delete that fails
     * leaves the backup in error, from which its owner may delete it again (Cinder's manager does the same).
     */
    DELETE_BACKUP(BackupStatus.DELETING, BackupStatus.DELETED, BackupStatus.ERROR, Placement.BACKUP_VOLUME_NODE);

    private final BackupStatus running;
    private final BackupStatus success;
    private final BackupStatus failure;
    private final Placement placement;

    BackupWork(BackupStatus running, BackupStatus success, BackupStatus failure, Placement placement) {
        this.running = running;
        this.success = success;
        this.failure = failure;
        this.placement = placement;
    }

    public BackupStatus running() {
        return running;
    }

    public BackupStatus success() {
        return success;
    }

    public BackupStatus failure() {
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
