package io.cairn.service;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.Backup;
import io.cairn.domain.BackupStatus;
import io.cairn.domain.BackupTransitions;
import io.cairn.domain.BackupWork;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.SnapshotTransitions;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeTransitions;
import io.cairn.domain.VolumeWork;
import io.cairn.store.BackupStore;
import io.cairn.store.Database;
import io.cairn.store.SnapshotStore;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;

/**
 * Backups: Cinder's rules for creating, listing, changing, deleting and restoring them. The work a request starts
 * is {@link BackupWorkHandler}'s; exported records are {@link BackupRecords}'.
 */
public final class BackupService {
    public static final ListSpec LIST_SPEC = new ListSpec(
            "Backup",
            ErrorCode.BACKUP_NOT_FOUND,
            ListSpec.Style.VOLUME_API,
            Set.of("name", "status", "volume_id"),
            ApiVersion.MAX,
            List.of("name", "status", "volume_id"),
            Map.of("name", "display_name"));

    /** How long a restore waits for the volume it creates, as Cinder's API waits for it. */
    private static final Duration NEW_VOLUME_WAIT = Duration.ofMinutes(5);

    private final Database database;
    private final BackupStore backups;
    private final VolumeStore volumes;
    private final SnapshotStore snapshots;
    private final VolumeService volumeService;
    private final QuotaService quotas;
    private final TaskQueue tasks;
    private final Clock clock;
    /** The container of backups that name none; empty when no object store is configured. */
    private final Optional<String> defaultContainer;

    public BackupService(
            Database database,
            BackupStore backups,
            VolumeStore volumes,
            SnapshotStore snapshots,
            VolumeService volumeService,
            QuotaService quotas,
            TaskQueue tasks,
            Clock clock,
            Optional<String> defaultContainer) {
        this.database = database;
        this.backups = backups;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.volumeService = volumeService;
        this.quotas = quotas;
        this.tasks = tasks;
        this.clock = clock;
        this.defaultContainer = defaultContainer;
    }

    public Page<Backup> list(Caller caller, ApiVersion version, List<Map.Entry<String, String>> query) {
        ListRules.Plan plan =
                ListRules.plan(LIST_SPEC, backups.listSource(), caller, version, query, Policy.GET_ALL_BACKUPS);
        return ListRules.execute(LIST_SPEC, plan, backups.listSource());
    }

    public Backup get(Caller caller, String id) {
        Backup backup = backup(database.dsl(), caller, id);
        Policy.GET_BACKUP.authorize(caller);
        return backup;
    }

    /** Whether the caller sees a backup's project (3.18's {@code os-backup-project-attr:project_id}). */
    public boolean showsProject(Caller caller) {
        return Policy.BACKUP_PROJECT_ATTRIBUTE.allows(caller);
    }

    /** A request to back up a volume (or one of its snapshots). */
    public record Create(
            String volumeId,
            Optional<String> snapshotId,
            Optional<String> container,
            String name,
            String description,
            boolean incremental,
            boolean force,
            Map<String, String> metadata,
            Optional<String> availabilityZone) {}

    /** Records the backup and starts its work, in Cinder's order of checks. */
    public Backup create(Caller caller, Create request) {
        String requestedContainer = requireService(request.container());
        Instant now = now();
        Backup created = database.transaction(tx -> {
            // Looked up first, as Cinder does: another project's volume is a 404 whatever the caller's roles.
            Volume volume = Lookup.lockedVolume(volumes, tx, caller, request.volumeId());
            Policy.CREATE_BACKUP.authorize(caller);
            Optional<Snapshot> snapshot = request.snapshotId().map(id -> sourceSnapshot(tx, caller, id, volume));
            if (snapshot.isEmpty()) {
                requireBackupable(volume, request.force());
            }
            quotas.reserve(
                    tx, caller.projectId(), Map.of(QuotaService.BACKUPS, 1L, QuotaService.BACKUP_GIGABYTES, (long)
                            volume.size()));
            Optional<Backup> parent =
                    request.incremental() ? Optional.of(parent(tx, volume, snapshot)) : Optional.empty();
            if (snapshot.isPresent()) {
                if (!snapshots.apply(
                        tx, SnapshotTransitions.BACKUP_SOURCE, snapshot.get().id(), now)) {
                    throw snapshotNotAvailable(Lookup.snapshot(
                            snapshots, tx, caller, snapshot.get().id()));
                }
            } else {
                VolumeStatus previous = volume.status();
                if (!volumes.apply(tx, VolumeTransitions.BACKUP_SOURCE, volume.id(), now)) {
                    throw volumeNotBackupable(
                            Lookup.volume(volumes, tx, caller, volume.id()).status());
                }
                volumes.setPreviousStatus(tx, volume.id(), previous);
            }
            Backup backup = new Backup(
                    UUID.randomUUID().toString(),
                    caller.projectId(),
                    caller.userId(),
                    volume.id(),
                    snapshot.map(Snapshot::id),
                    parent.map(Backup::id),
                    BackupStatus.CREATING,
                    null,
                    volume.size(),
                    0,
                    0,
                    request.availabilityZone().orElse(volume.availabilityZone()),
                    // An incremental backup's chunks are its parent's where unchanged, so it lives where they do.
                    parent.map(Backup::container).orElse(requestedContainer),
                    request.name(),
                    request.description(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    snapshot.map(Snapshot::createdAt).orElse(now),
                    now,
                    now,
                    request.metadata());
            backups.insert(
                    tx,
                    backup,
                    new BackupStore.VolumeMeta(volume.displayName(), volume.displayDescription(), volume.metadata()));
            tasks.enqueue(tx, BackupWork.CREATE_BACKUP, backup.id());
            return backup;
        });
        tasks.wake();
        return created;
    }

    private Snapshot sourceSnapshot(DSLContext tx, Caller caller, String snapshotId, Volume volume) {
        Snapshot snapshot = Lookup.lockedSnapshot(snapshots, tx, caller, snapshotId);
        if (!snapshot.volumeId().equals(volume.id())) {
            throw CairnException.invalidVolume(
                    "Volume " + volume.id() + " does not match with snapshot.volume_id " + snapshot.volumeId() + ".");
        }
        if (snapshot.status() != SnapshotStatus.AVAILABLE) {
            throw snapshotNotAvailable(snapshot);
        }
        return snapshot;
    }

    private static CairnException snapshotNotAvailable(Snapshot snapshot) {
        return CairnException.invalidSnapshot("Snapshot to be backed up must be available, but the current status is \""
                + snapshot.status().wire() + "\".");
    }

    private static void requireBackupable(Volume volume, boolean force) {
        if (volume.status() != VolumeStatus.AVAILABLE && volume.status() != VolumeStatus.IN_USE) {
            throw volumeNotBackupable(volume.status());
        }
        if (volume.status() == VolumeStatus.IN_USE && !force) {
            throw CairnException.invalidVolume("Backing up an in-use volume must use the force flag.");
        }
    }

    private static CairnException volumeNotBackupable(VolumeStatus status) {
        return CairnException.invalidVolume(
                "Volume to be backed up must be available or in-use, but the current status is \"" + status.wire()
                        + "\".");
    }

    /**
     * The parent of an incremental backup, as Cinder picks it: the volume's backup with the latest data, among those
     * older than the snapshot when backing up a snapshot. It must be available, and stays so until this commits.
     */
    private Backup parent(DSLContext tx, Volume volume, Optional<Snapshot> snapshot) {
        Backup latest = backups.findByVolume(tx, volume.id()).stream()
                .filter(b -> b.projectId().equals(volume.projectId()) && b.status() == BackupStatus.AVAILABLE)
                .filter(b -> snapshot.isEmpty()
                        || b.dataTimestamp().isBefore(snapshot.get().createdAt()))
                .max(Comparator.comparing(Backup::dataTimestamp))
                .orElseThrow(() -> CairnException.invalidBackup("No backups available to do an incremental backup."));
        if (!backups.apply(tx, BackupTransitions.INCREMENTAL_PARENT, latest.id(), now())) {
            throw CairnException.invalidBackup("The parent backup must be available for incremental backup.");
        }
        return latest;
    }

    /** Renames or re-describes a backup (3.9); empty leaves a field as it is, an empty inner value clears it. */
    public Backup update(
            Caller caller, String id, Optional<Optional<String>> name, Optional<Optional<String>> description) {
        Instant now = now();
        return database.transaction(tx -> {
            Backup current = backup(tx, caller, id);
            Policy.UPDATE_BACKUP.authorize(caller);
            backups.updateNameAndDescription(
                    tx,
                    id,
                    name.isPresent() ? name.get().orElse(null) : current.displayName(),
                    description.isPresent() ? description.get().orElse(null) : current.displayDescription(),
                    now);
            return backups.find(tx, id, Optional.empty()).orElseThrow();
        });
    }

    /** Replaces a backup's metadata (3.43). */
    public Backup updateMetadata(Caller caller, String id, Map<String, String> metadata) {
        return database.transaction(tx -> {
            backup(tx, caller, id);
            Policy.UPDATE_BACKUP.authorize(caller);
            backups.replaceMetadata(tx, id, metadata);
            return backups.find(tx, id, Optional.empty()).orElseThrow();
        });
    }

    public void delete(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Backup backup = backup(tx, caller, id);
            Policy.DELETE_BACKUP.authorize(caller);
            if (!BackupTransitions.DELETABLE.contains(backup.status())) {
                throw CairnException.invalidBackup("Backup status must be available or error");
            }
            if (!backups.apply(tx, BackupTransitions.DELETE, id, now)) {
                throw notDeletable(tx, backup(tx, caller, id));
            }
            tasks.enqueue(tx, BackupWork.DELETE_BACKUP, id);
        });
        tasks.wake();
    }

    public void forceDelete(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            backup(tx, caller, id);
            Policy.FORCE_DELETE_BACKUP.authorize(caller);
            if (!backups.apply(tx, BackupTransitions.FORCE_DELETE, id, now)) {
                throw notDeletable(tx, backup(tx, caller, id));
            }
            tasks.enqueue(tx, BackupWork.DELETE_BACKUP, id);
        });
        tasks.wake();
    }

    private CairnException notDeletable(DSLContext tx, Backup backup) {
        if (backups.hasChildren(tx, backup.id())) {
            return CairnException.invalidBackup("Incremental backups exist for this backup.");
        }
        return CairnException.invalidBackup("Backup status must be available or error");
    }

    /** The admin's reset, to {@code available} or {@code error} only, as Cinder's request schema allows. */
    public void resetStatus(Caller caller, String id, String status) {
        BackupStatus target = BackupStatus.parse(status)
                .filter(s -> s == BackupStatus.AVAILABLE || s == BackupStatus.ERROR)
                .orElseThrow(() -> CairnException.badRequest(
                        "Backup status: " + status + " is invalid, valid statuses are: ['available', 'error']."));
        Instant now = now();
        database.execute(tx -> {
            backup(tx, caller, id);
            Policy.RESET_BACKUP_STATUS.authorize(caller);
            requireService(Optional.empty());
            backups.apply(tx, BackupTransitions.reset(target), id, now);
        });
    }

    /** What a restore answers: Cinder's {@code restore} object. */
    public record Restored(String backupId, String volumeId, String volumeName) {}

    /**
     * Restores a backup onto {@code volumeId}, or onto a new volume of the backup's size (named {@code name}, or
     * {@code restore_backup_<id>}) that the request waits for, as Cinder's does.
     */
    public Restored restore(Caller caller, String id, Optional<String> volumeId, Optional<String> name) {
        Backup backup = backup(database.dsl(), caller, id);
        Policy.RESTORE_BACKUP.authorize(caller);
        requireService(Optional.of(backup.container()));
        if (backup.status() != BackupStatus.AVAILABLE) {
            throw CairnException.invalidBackup("Backup status must be available");
        }
        String target = volumeId.orElseGet(() -> newVolume(caller, backup, name));
        Instant now = now();
        Restored restored = database.transaction(tx -> {
            Volume volume = Lookup.lockedVolume(volumes, tx, caller, target);
            if (volume.status() != VolumeStatus.AVAILABLE) {
                throw CairnException.invalidVolume("Volume to be restored to must be available");
            }
            if (backup.size() > volume.size()) {
                throw CairnException.invalidVolume("volume size " + volume.size()
                        + " is too small to restore backup of size " + backup.size() + ".");
            }
            if (!backups.apply(tx, BackupTransitions.RESTORE, id, now)) {
                throw CairnException.invalidBackup("Backup status must be available");
            }
            if (!volumes.apply(tx, VolumeTransitions.RESTORE_BACKUP, target, now)) {
                throw CairnException.invalidVolume("Volume to be restored to must be available");
            }
            backups.setRestoreVolume(tx, id, Optional.of(target));
            tasks.enqueue(tx, VolumeWork.RESTORE_BACKUP, target, id);
            return new Restored(id, target, volume.displayName());
        });
        tasks.wake();
        return restored;
    }

    /** Creates the volume a restore without one writes to, and waits until it is no longer creating. */
    private String newVolume(Caller caller, Backup backup, Optional<String> name) {
        Volume volume = volumeService.create(
                caller,
                new VolumeCreate(
                        backup.size(),
                        name.orElse("restore_backup_" + backup.id()),
                        "auto-created_from_restore_from_backup",
                        null,
                        Map.of(),
                        null,
                        null,
                        null,
                        false,
                        null));
        Instant deadline = clock.instant().plus(NEW_VOLUME_WAIT);
        while (volume.status() == VolumeStatus.CREATING && clock.instant().isBefore(deadline)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            volume = Lookup.volume(volumes, caller, volume.id());
        }
        if (volume.status() != VolumeStatus.AVAILABLE) {
            throw CairnException.invalidVolume(
                    "Error while creating volume " + volume.id() + " for restoring backup " + backup.id() + ".");
        }
        return volume.id();
    }

    Backup backup(DSLContext tx, Caller caller, String id) {
        return backups.find(tx, id, Lookup.scope(caller)).orElseThrow(() -> CairnException.backupNotFound(id));
    }

    /** The container a backup goes to; Cinder's fault when no backup service runs. */
    String requireService(Optional<String> container) {
        if (defaultContainer.isEmpty()) {
            throw new CairnException(ErrorCode.BACKUP_SERVICE_NOT_FOUND, "Service cinder-backup could not be found.");
        }
        return container.orElse(defaultContainer.get());
    }

    private Instant now() {
        return Lookup.now(clock);
    }
}
