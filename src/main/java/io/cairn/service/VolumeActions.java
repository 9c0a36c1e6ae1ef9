package io.cairn.service;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotTransitions;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeTransitions;
import io.cairn.store.Database;
import io.cairn.store.SnapshotStore;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskQueue;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The volume actions that change its data or its state by request: extend, revert (Cinder's) and rollback (EVS's)
 * to a snapshot, the admin's reset, the bootable and read-only flags. Each applies one transition of
 * {@link VolumeTransitions}; the work it starts is {@link VolumeWorkHandler}'s.
 */
public final class VolumeActions {
    private final Database database;
    private final VolumeStore volumes;
    private final SnapshotStore snapshots;
    private final QuotaService quotas;
    private final TaskQueue tasks;
    private final Clock clock;

    public VolumeActions(
            Database database,
            VolumeStore volumes,
            SnapshotStore snapshots,
            QuotaService quotas,
            TaskQueue tasks,
            Clock clock) {
        this.database = database;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.quotas = quotas;
        this.tasks = tasks;
        this.clock = clock;
    }

    /** Extends a volume; {@code attachedAllowed} (Cinder's 3.42) lets an in-use volume be extended too. */
    public void extend(Caller caller, String id, int newSize, boolean attachedAllowed) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = Lookup.lockedVolume(volumes, tx, caller, id);
            Policy.EXTEND_VOLUME.authorize(caller);
            if (newSize <= volume.size()) {
                throw CairnException.invalidInput("New size for extend must be greater than current size. (current: "
                        + volume.size() + ", extended: " + newSize + ").");
            }
            var transition = VolumeTransitions.EXTEND;
            if (attachedAllowed && volume.status() == VolumeStatus.IN_USE) {
                Policy.EXTEND_ATTACHED_VOLUME.authorize(caller);
                transition = VolumeTransitions.EXTEND_ATTACHED;
            }
            if (!volumes.apply(tx, transition, id, now)) {
                throw CairnException.invalidVolume("Volume " + id + " status must be '{'status': '"
                        + transition.from().iterator().next().wire() + "'}' to extend, currently "
                        + volume.status().wire() + ".");
            }
            quotas.reserveExtend(tx, caller.projectId(), volume.projectId(), volume.size(), newSize);
            tasks.enqueue(tx, transition.work().orElseThrow(), id, Integer.toString(newSize));
        });
        tasks.wake();
    }

    /** Reverts a volume to its latest snapshot (3.40). */
    public void revert(Caller caller, String id, String snapshotId) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = Lookup.lockedVolume(volumes, tx, caller, id);
            List<Snapshot> all = snapshots.findByVolume(tx, id);
            if (all.isEmpty()) {
                throw CairnException.badRequest("Volume " + id + " doesn't have any snapshots.");
            }
            Snapshot latest = all.getLast();
            if (snapshotId == null || !snapshotId.equals(latest.id())) {
                throw CairnException.badRequest("Specified snapshot " + (snapshotId == null ? "None" : snapshotId)
                        + " is None or not the latest one of volume " + id + ".");
            }
            String cannot = "Can't revert volume " + id + " to its latest snapshot " + latest.id() + ". ";
            if (volume.size() != latest.volumeSize()) {
                throw CairnException.badRequest(cannot + "The volume size must be equal to the snapshot size.");
            }
            Policy.REVERT_VOLUME.authorize(caller);
            if (!volumes.apply(tx, VolumeTransitions.REVERT, id, now)) {
                throw new CairnException(
                        ErrorCode.VOLUME_STATUS_CONFLICT,
                        "Invalid volume: " + cannot + "Volume's status must be 'available'.");
            }
            if (!snapshots.apply(tx, SnapshotTransitions.RESTORE, latest.id(), now)) {
                throw new CairnException(
                        ErrorCode.SNAPSHOT_STATUS_CONFLICT,
                        "Invalid snapshot: " + cannot + "Snapshot's status must be 'available'.");
            }
            tasks.enqueue(tx, VolumeTransitions.REVERT.work().orElseThrow(), id, latest.id());
        });
        tasks.wake();
    }

    /**
     * EVS's rollback: restores a volume to any available snapshot of its own (Cinder's revert takes only the
     * latest). The snapshot shows {@code rollbacking} and the volume {@code reverting} until the task ends; a
     * volume whose rollback failed ({@code error_rollbacking}) may be rolled back again. {@code newName}, when
     * not null, renames the volume as EVS does.
     */
    public void rollbackToSnapshot(Caller caller, String snapshotId, String volumeId, String newName) {
        Instant now = now();
        database.execute(tx -> {
            Snapshot snapshot = Lookup.snapshot(snapshots, tx, caller, snapshotId);
            if (volumeId == null || !volumeId.equals(snapshot.volumeId())) {
                throw CairnException.invalidVolume("Snapshot " + snapshotId
                        + " can only be rolled back to its source volume " + snapshot.volumeId() + ".");
            }
            // The volume first, as every request that holds a volume and one of its snapshots: no two wait on each
            // other.
            Volume volume = Lookup.lockedVolume(volumes, tx, caller, volumeId);
            Policy.REVERT_VOLUME.authorize(caller);
            boolean volumeReady = volumes.apply(tx, VolumeTransitions.ROLLBACK, volumeId, now);
            if (!snapshots.apply(tx, SnapshotTransitions.ROLLBACK, snapshotId, now)) {
                throw new CairnException(
                        ErrorCode.SNAPSHOT_STATUS_CONFLICT,
                        "Invalid snapshot: Snapshot's status must be " + "'available' to roll back, currently "
                                + Lookup.snapshot(snapshots, tx, caller, snapshotId)
                                        .status()
                                        .wire() + ".");
            }
            if (!volumeReady) {
                throw new CairnException(
                        ErrorCode.VOLUME_STATUS_CONFLICT,
                        "Invalid volume: Volume's status must be "
                                + "'available' or 'error_rollbacking' to roll back, currently "
                                + volume.status().wire() + ".");
            }
            if (newName != null) {
                volumes.update(tx, volumeId, newName, volume.displayDescription(), now);
            }
            tasks.enqueue(tx, VolumeTransitions.ROLLBACK.work().orElseThrow(), volumeId, snapshotId);
        });
        tasks.wake();
    }

    /**
     * Admin reset of status, attach status and migration status; each is optional, at least one is needed.
     * {@code migrationStatus} "none" clears it.
     */
    public void resetStatus(
            Caller caller,
            String id,
            Optional<String> status,
            Optional<String> attachStatus,
            Optional<String> migrationStatus) {
        if (status.isEmpty() && attachStatus.isEmpty() && migrationStatus.isEmpty()) {
            throw CairnException.badRequest("Must specify 'status', 'attach_status' or 'migration_status' for update.");
        }
        Optional<String> newStatus = status.map(s -> s.toLowerCase(Locale.ROOT));
        if (newStatus.isPresent()
                && VolumeStatus.RESETTABLE.stream().noneMatch(s -> s.wire().equals(newStatus.get()))) {
            throw CairnException.badRequest("Volume status: " + status.get() + " is invalid, valid statuses are: "
                    + VolumeStatus.RESETTABLE.stream()
                            .map(s -> "'" + s.wire() + "'")
                            .collect(Collectors.joining(", ", "(", ")"))
                    + ".");
        }
        Optional<String> newAttach = attachStatus.map(s -> s.toLowerCase(Locale.ROOT));
        if (newAttach.isPresent() && !Set.of("attached", "detached").contains(newAttach.get())) {
            throw CairnException.badRequest("Volume attach status: " + attachStatus.get()
                    + " is invalid, valid statuses are: ['attached', 'detached'].");
        }
        Optional<String> newMigration = migrationStatus.map(s -> s.toLowerCase(Locale.ROOT));
        if (newMigration.isPresent()
                && !Set.of("migrating", "error", "success", "completing", "none", "starting")
                        .contains(newMigration.get())) {
            throw CairnException.badRequest(
                    "Volume migration status: " + migrationStatus.get() + " is invalid, valid statuses are: "
                            + "('migrating', 'error', 'success', 'completing', 'none', 'starting').");
        }
        Instant now = now();
        database.execute(tx -> {
            Volume volume = Lookup.lockedVolume(volumes, tx, caller, id);
            Policy.RESET_VOLUME_STATUS.authorize(caller);
            if (newStatus.equals(Optional.of("deleting"))) {
                throw CairnException.badRequest("Cannot reset-state to deleting");
            }
            if (newStatus.equals(Optional.of("in-use")) && volume.attachments().isEmpty()) {
                throw CairnException.badRequest(
                        "Cannot reset-state to in-use because volume does not have any attachments.");
            }
            if (newAttach.equals(Optional.of("detached"))) {
                volumes.endAttachments(tx, id, Optional.empty(), now);
                volumes.markDetached(tx, id);
            }
            volumes.resetStatus(
                    tx,
                    id,
                    newStatus,
                    newAttach,
                    newMigration.map(m -> m.equals("none") ? Optional.<String>empty() : Optional.of(m)),
                    now);
        });
    }

    /** os-set_bootable: answered with 200, as Cinder does. */
    public void setBootable(Caller caller, String id, boolean bootable) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = Lookup.lockedVolume(volumes, tx, caller, id);
            Policy.UPDATE_VOLUME.authorize(caller);
            if (volume.status() == VolumeStatus.MAINTENANCE) {
                throw CairnException.invalidVolume("The volume cannot be updated during maintenance.");
            }
            volumes.setBootable(tx, id, bootable, now);
        });
    }

    public void updateReadonlyFlag(Caller caller, String id, boolean readonly) {
        database.execute(tx -> {
            Volume volume = Lookup.lockedVolume(volumes, tx, caller, id);
            Policy.UPDATE_READONLY_FLAG.authorize(caller);
            if (volume.status() != VolumeStatus.AVAILABLE) {
                throw CairnException.invalidVolume(
                        "Volume " + id + " status must be available to update readonly flag, but current status is: "
                                + volume.status().wire() + ".");
            }
            volumes.setAdminMetadata(tx, id, "readonly", readonly ? "True" : "False");
        });
    }

    private Instant now() {
        return Lookup.now(clock);
    }
}
