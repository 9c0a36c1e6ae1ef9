package io.cairn.engine;

import java.io.IOException;
import java.util.Map;

/**
 * Keeps volume data and point-in-time snapshots of it. Knows nothing of projects, quotas or statuses.
 * Every method is idempotent, because a task that crashed half-way runs again from the start: creating
 * what already exists replaces it with the same content, deleting what is gone does nothing.
 */
public interface StorageEngine {
    /** Reports the fraction of a long operation that is done, from 0 to 1. */
    @FunctionalInterface
    interface Progress {
        void update(double fraction);
    }

    /** Creates an empty volume of {@code sizeBytes}; every byte reads as zero. */
    void createVolume(String volumeId, long sizeBytes) throws IOException;

    /** Creates a volume whose content starts as the snapshot's (shared, copied on write), grown to {@code sizeBytes}. */
    void createVolumeFromSnapshot(String volumeId, String snapshotId, long sizeBytes) throws IOException;

    /** Creates a volume whose content starts as another volume's current content, grown to {@code sizeBytes}. */
    void cloneVolume(String volumeId, String sourceVolumeId, long sizeBytes) throws IOException;

    /** Grows a volume; the new bytes read as zero. */
    void extendVolume(String volumeId, long newSizeBytes) throws IOException;

    /** Replaces the volume's content with the snapshot's. */
    void revertToSnapshot(String volumeId, String snapshotId) throws IOException;

    /** Freezes the volume's current content as a snapshot, sharing its data. */
    void createSnapshot(String volumeId, String snapshotId, Progress progress) throws IOException;

    void deleteSnapshot(String snapshotId) throws IOException;

    /** The snapshots this engine holds, each id with its size in bytes. */
    Map<String, Long> snapshotSizes();

    void deleteVolume(String volumeId) throws IOException;
}
