package io.cairn.engine;

import java.util.Optional;

/** Access to the bytes of volumes and snapshots, for the NBD server and for import and export. */
public interface BlockStore {
    /**
     * Opens a volume, or one of its snapshots when {@code snapshotId} is present. Snapshots open read-only only.
     *
     * @throws EngineException {@code NOT_FOUND} for an unknown id, {@code READ_ONLY} for a writable snapshot
     */
    BlockDevice open(String volumeId, Optional<String> snapshotId, boolean writable) throws EngineException;
}
