package io.cairn.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A backup row as the service sees it: a copy of a volume's (or one of its snapshots') data in the object store.
 *
 * @param snapshotId the snapshot it was taken from, when it was taken from one
 * @param parentId the backup an incremental one builds on; empty for a full backup
 * @param size the size of the volume backed up, GiB
 * @param dependentBackups how many incremental backups build on this one
 * @param baseSnapshotId the engine snapshot it was read from, while kept for the next incremental backup
 * @param restoreVolumeId the volume a restore in progress writes to
 * @param importedFrom for a backup imported from an exported record, the backup whose data it copies
 * @param dataTimestamp the instant its data is of: the snapshot's creation, else the backup's
 */
public record Backup(
        String id,
        String projectId,
        String userId,
        String volumeId,
        Optional<String> snapshotId,
        Optional<String> parentId,
        BackupStatus status,
        String failReason,
        int size,
        int objectCount,
        int dependentBackups,
        String availabilityZone,
        String container,
        String displayName,
        String displayDescription,
        Optional<String> baseSnapshotId,
        Optional<String> restoreVolumeId,
        Optional<String> importedFrom,
        Instant dataTimestamp,
        Instant createdAt,
        Instant updatedAt,
        Map<String, String> metadata) {

    public boolean isIncremental() {
        return parentId.isPresent();
    }

    public boolean hasDependentBackups() {
        return dependentBackups > 0;
    }
}
