package io.cairn.service;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.Snapshot;
import io.cairn.domain.Volume;
import io.cairn.store.SnapshotStore;
import io.cairn.store.VolumeStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jooq.DSLContext;

/** How every service finds a caller's resource (another project's is not found) and reads the time. */
final class Lookup {
    private Lookup() {}

    /** Admins see every project's resources by id; everyone else only their own project's. */
    static Optional<String> scope(Caller caller) {
        return caller.isAdmin() ? Optional.empty() : Optional.of(caller.projectId());
    }

    static Volume volume(VolumeStore volumes, Caller caller, String id) {
        return volumes.find(id, scope(caller)).orElseThrow(() -> CairnException.volumeNotFound(id));
    }

    static Volume volume(VolumeStore volumes, DSLContext tx, Caller caller, String id) {
        return volumes.find(tx, id, scope(caller)).orElseThrow(() -> CairnException.volumeNotFound(id));
    }

    /**
     * The volume, its row held until the transaction ends: what the transaction reads of it and of what hangs
     * off it (snapshots, attachments, metadata) stays true until it commits.
     */
    static Volume lockedVolume(VolumeStore volumes, DSLContext tx, Caller caller, String id) {
        volumes.lock(tx, id);
        return volume(volumes, tx, caller, id);
    }

    static Snapshot snapshot(SnapshotStore snapshots, Caller caller, String id) {
        return snapshots.find(id, scope(caller)).orElseThrow(() -> CairnException.snapshotNotFound(id));
    }

    static Snapshot snapshot(SnapshotStore snapshots, DSLContext tx, Caller caller, String id) {
        return snapshots.find(tx, id, scope(caller)).orElseThrow(() -> CairnException.snapshotNotFound(id));
    }

    /** The snapshot, its row held until the transaction ends (see {@link #lockedVolume}). */
    static Snapshot lockedSnapshot(SnapshotStore snapshots, DSLContext tx, Caller caller, String id) {
        snapshots.lock(tx, id);
        return snapshot(snapshots, tx, caller, id);
    }

    /** Cinder keeps times to the microsecond. */
    static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
