package io.cairn.domain;

/**
 * The block of Cairn's direct snapshot access (the changed-blocks API, ingest): 512 KiB, as in the EBS direct APIs, so
 * that tools written for those address Cairn's blocks as they address EBS's. It is fixed whatever the engine: the
 * local engine's chunks (64 KiB by default, configurable) and RBD's exact diff extents both round up to it, and a
 * block index means the same byte range on every node and after an engine's settings change.
 */
public final class SnapshotBlocks {
    public static final int BLOCK_SIZE = 512 * 1024;

    private SnapshotBlocks() {}
}
