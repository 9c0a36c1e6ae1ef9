package io.cairn.engine;

/** Access to the bytes of volumes and snapshots, for the NBD server and for import and export. */
public interface BlockStore {
    /**
     * Opens a volume or snapshot by id. Snapshots open read-only only.
     *
     * @throws EngineException {@code NOT_FOUND} for an unknown id, {@code READ_ONLY} for a writable snapshot
     */
    BlockDevice open(String id, boolean writable) throws EngineException;
}
