package io.cairn.engine.nbd;

import java.util.List;
import java.util.Optional;

/**
 * Decides what the NBD server exports, so that the engine needs to know nothing of statuses or projects: the control
 * plane answers whether a name is exported now to a connection, whether writes are allowed, and whose key a TLS
 * identity holds.
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

    /**
     * What one connection may reach: every export ({@link #EVERYTHING}: plain NBD on a trusted network, or an admin
     * identity), or one project's, or one volume's of it and its snapshots; {@code readOnly} opens volumes read-only.
     */
    record Reach(Optional<String> projectId, Optional<String> volumeId, boolean readOnly) {
        public static final Reach EVERYTHING = new Reach(Optional.empty(), Optional.empty(), false);
    }

    /** A TLS identity the control plane knows: its pre-shared key, and what a connection proving it reaches. */
    record Credential(byte[] key, Reach reach) {}

    /**
     * The export for {@code name} within {@code reach}, or empty when nothing is exported under that name right now
     * or it lies outside the reach (the two look the same, so that a name tells a client nothing it may not see).
     */
    Optional<Export> resolve(String name, Reach reach);

    /** The names a client with {@code reach} may list (NBD_OPT_LIST). */
    List<String> list(Reach reach);

    /**
     * The snapshots whose differences the export offers as {@code qemu:dirty-bitmap:<snapshot-id>} contexts, oldest
     * first: for a volume, its snapshots that are exported; for a snapshot, those of the same volume taken before it.
     * Never a snapshot of another volume, so that a name a client guesses tells it nothing.
     */
    List<String> bitmapSnapshots(Export export);

    /** The credential of a TLS identity, or empty when there is none (never issued, or revoked). */
    Optional<Credential> credential(String identity);
}
