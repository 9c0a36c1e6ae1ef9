package io.cairn.backup;

import static java.util.Objects.requireNonNull;

import io.cairn.engine.BlockDevice;
import io.cairn.engine.StorageEngine.Extent;
import java.util.List;
import java.util.Optional;

/**
 * What one backup is made of.
 *
 * @param backupId names the manifest ({@code backups/<backupId>/manifest.json}): letters, digits, '.', '_' and '-'
 * @param container the bucket the backup goes to, created when missing
 * @param device a read-only view of the content to back up, a snapshot, which must not change while it is read
 * @param changed where the content may differ from the parent's, or, without a parent, where it may be anything but
 *     zeros (as {@link io.cairn.engine.StorageEngine#changedExtents} gives it); chunks no extent touches are taken from
 *     the parent, or as zeros, without being read. For a volume grown since the parent, they cover whatever of the new
 *     part is not zeros (the parent's short last chunk is read again all the same)
 * @param parent the manifest of the backup this one is incremental to, of the same volume
 */
public record BackupSource(
        String backupId,
        String volumeId,
        String container,
        BlockDevice device,
        List<Extent> changed,
        Optional<Manifest> parent) {
    public BackupSource {
        requireNonNull(backupId, "backupId is null");
        requireNonNull(volumeId, "volumeId is null");
        requireNonNull(container, "container is null");
        requireNonNull(device, "device is null");
        changed = List.copyOf(changed);
        requireNonNull(parent, "parent is null");
        if (!backupId.matches("[A-Za-z0-9._-]+") || backupId.startsWith(".")) {
            throw new IllegalArgumentException("backup id '" + backupId + "' cannot name an object");
        }
        for (Extent extent : changed) {
            if (extent.offset() < 0 || extent.length() < 0) {
                throw new IllegalArgumentException("extent " + extent + " has a negative offset or length");
            }
        }
        parent.ifPresent(manifest -> {
            if (!manifest.volumeId().equals(volumeId)) {
                throw new IllegalArgumentException("parent backup " + manifest.backupId() + " is of volume "
                        + manifest.volumeId() + ", not " + volumeId);
            }
        });
    }
}
