package io.cairn.engine;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /**
     * Creates a volume whose content starts as a snapshot's (shared, copied on write), grown to {@code sizeBytes}.
     *
     * @param sourceVolumeId the volume the snapshot was taken of
     */
    void createVolumeFromSnapshot(String volumeId, String sourceVolumeId, String snapshotId, long sizeBytes)
            throws IOException;

    /** Creates a volume whose content starts as another volume's current content, grown to {@code sizeBytes}. */
    default void cloneVolume(String volumeId, String sourceVolumeId, long sizeBytes) throws IOException {
        cloneVolumes(List.of(new Clone(volumeId, sourceVolumeId, sizeBytes)));
    }

    /** A volume to create as a copy of another, grown to {@code sizeBytes}. */
    record Clone(String volumeId, String sourceVolumeId, long sizeBytes) {}

    /**
     * Creates each clone from its source's content at one instant common to all the sources: no write reaches any
     * source between the first copy and the last, as for a group snapshot. A rerun copies them all again, at the
     * rerun's instant. Each source appears once.
     */
    void cloneVolumes(List<Clone> clones) throws IOException;

    /** Grows a volume; the new bytes read as zero. */
    void extendVolume(String volumeId, long newSizeBytes) throws IOException;

    /** Replaces the volume's content with the snapshot's. */
    void revertToSnapshot(String volumeId, String snapshotId) throws IOException;

    /** Freezes the volume's current content as a snapshot, sharing its data. */
    void createSnapshot(String volumeId, String snapshotId, Progress progress) throws IOException;

    /**
     * Freezes several volumes' current content as snapshots, one per volume, at one instant: every write completed
     * before the call is in its volume's snapshot, and no write that began after the call returned is in any. How
     * writes outside the engine's own data path are held is the engine's to document. Idempotent as a set: a rerun
     * after every snapshot was taken keeps them; one after only some were (a crash between) takes them all again.
     *
     * @param snapshotIdsByVolume the new snapshot's id for each volume
     * @throws EngineException {@code NOT_FOUND} when a volume is missing; no snapshot is then taken
     */
    void createGroupSnapshot(Map<String, String> snapshotIdsByVolume) throws IOException;

    /**
     * Replaces each volume's content with its snapshot's (snapshots taken by {@link #createGroupSnapshot}), with no
     * write reaching any of the volumes between the first revert and the last. Idempotent: a rerun after a crash
     * reverts them all again.
     *
     * @throws EngineException {@code NOT_FOUND} when a volume or snapshot is missing; nothing is then reverted
     */
    void revertGroup(Map<String, String> snapshotIdsByVolume) throws IOException;

    /**
     * Deletes a snapshot. Volumes made from it keep their content: an engine whose volumes read from their snapshot
     * makes them independent first, reporting that copy's progress.
     *
     * @throws EngineException {@code BUSY} when volumes still depend on it and the engine cannot free it
     */
    void deleteSnapshot(String volumeId, String snapshotId, Progress progress) throws IOException;

    /**
     * The snapshots this engine holds, each id with its size in bytes: those of {@code volumeId} when it is present
     * and the engine keeps snapshots by volume, all of them otherwise.
     */
    Map<String, Long> snapshotSizes(Optional<String> volumeId) throws IOException;

    void deleteVolume(String volumeId) throws IOException;

    /** A byte range: {@code length} bytes from {@code offset}. */
    record Extent(long offset, long length) {}

    /**
     * Where the content of a snapshot of the volume ({@code snapshotId}), or of the volume itself when that is empty,
     * may differ from the content of the older snapshot {@code fromSnapshotId} of the same volume; without one, where
     * it may hold anything but zeros. Sorted, never overlapping, adjacent ranges merged. Ranges are rounded out to the
     * engine's granularity (a chunk, an object), so they may cover unchanged bytes, but never miss a changed one; a
     * range that became zeros (trimmed) counts as changed.
     *
     * @throws EngineException {@code NOT_FOUND} for an unknown volume or snapshot, or a {@code fromSnapshotId} the
     *     engine cannot compare with (not of this volume)
     */
    List<Extent> changedExtents(String volumeId, Optional<String> snapshotId, Optional<String> fromSnapshotId)
            throws IOException;

    /**
     * How a host reaches the volume's data without Cairn in the path (Cinder's connection info), when the engine
     * offers that; empty when the volume is reached through Cairn's NBD exports.
     */
    Optional<DirectAccess> directAccess(String volumeId) throws IOException;

    /** Cinder's connection info: its {@code driver_volume_type} and {@code data}. */
    record DirectAccess(String driverVolumeType, Map<String, Object> data) {}

    /**
     * The volume's {@code host}, Cinder's {@code node@backend#pool}: the node for data only that node holds, the
     * cluster for data every node reaches.
     */
    String host(String node);
}
