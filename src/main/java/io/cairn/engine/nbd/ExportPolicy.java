package io.cairn.engine.nbd;

import java.util.List;
import java.util.Optional;

/**
 * Decides what the NBD server exports, so that the engine needs to know nothing of statuses: the control
 * plane answers whether a name is exported now, and whether writes are allowed.
 */
public interface ExportPolicy {
    /**
     * An export: the volume behind the name, or one of its snapshots ({@code snapshotId} present), and whether
     * clients may change it.
     */
    record Export(String volumeId, Optional<String> snapshotId, boolean writable) {
        public static Export volume(String volumeId, boolean writable) {
            return new Export(volumeId, Optional.empty(), writable);
        }

        public static Export snapshot(String volumeId, String snapshotId) {
            return new Export(volumeId, Optional.of(snapshotId), false);
        }
    }

    /** The export for {@code name}, or empty when nothing is exported under that name right now. */
    Optional<Export> resolve(String name);

    /** The names a client may list (NBD_OPT_LIST). */
    List<String> list();

    /**
     * The snapshots whose differences the export offers as {@code qemu:dirty-bitmap:<snapshot-id>} contexts, oldest
     * first: for a volume, its snapshots that are exported; for a snapshot, those of the same volume taken before it.
     * Never a snapshot of another volume, so that a name a client guesses tells it nothing.
     */
    List<String> bitmapSnapshots(Export export);
}
