package io.cairn.service;

import io.cairn.backup.BackupRepository;
import io.cairn.backup.BackupSource;
import io.cairn.backup.Manifest;
import io.cairn.domain.Backup;
import io.cairn.domain.BackupStatus;
import io.cairn.domain.BackupWork;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeWork;
import io.cairn.domain.Work;
import io.cairn.engine.BlockDevice;
import io.cairn.engine.Engine;
import io.cairn.engine.EngineException;
import io.cairn.engine.StorageEngine.Extent;
import io.cairn.store.BackupStore;
import io.cairn.store.Database;
import io.cairn.store.SnapshotStore;
import io.cairn.store.TaskStore;
import io.cairn.store.TaskStore.Task;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskHandler;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every kind of {@link BackupWork}, and the restore of a backup onto a volume ({@link VolumeWork#RESTORE_BACKUP}).
 *
 * <p>A backup reads a point-in-time image of the volume: the snapshot it was asked of, or an engine snapshot of the
 * volume taken for it ({@code backup-<id>}). That engine snapshot is kept while the backup is its volume's latest, so
 * that the next incremental backup asks the engine what changed since ({@link Engine#changedExtents}) and reads only
 * that; an older backup's is deleted once a newer one is recorded. When the parent's image is gone (the snapshot it
 * was taken of was deleted), the incremental backup reads the whole volume and uploads only the chunks whose content
 * the parent does not have. Every step is idempotent, so a task run again after a crash finishes the work.
 */
public final class BackupWorkHandler implements TaskHandler {
    private static final Logger LOG = LoggerFactory.getLogger(BackupWorkHandler.class);
    private static final long GIB = 1L << 30;

    private final Database database;
    private final BackupStore backups;
    private final VolumeStore volumes;
    private final SnapshotStore snapshots;
    private final QuotaService quotas;
    private final Engine engine;
    private final Optional<BackupRepository> repository;
    private final TaskStore tasks;
    private final Clock clock;

    public BackupWorkHandler(
            Database database,
            BackupStore backups,
            VolumeStore volumes,
            SnapshotStore snapshots,
            QuotaService quotas,
            Engine engine,
            Optional<BackupRepository> repository,
            TaskStore tasks,
            Clock clock) {
        this.database = database;
        this.backups = backups;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.quotas = quotas;
        this.engine = engine;
        this.repository = repository;
        this.tasks = tasks;
        this.clock = clock;
    }

    private static final String BASE_SNAPSHOT_PREFIX = "backup-";

    /** The engine snapshot a backup of a volume's own data reads from. */
    static String baseSnapshotName(String backupId) {
        return BASE_SNAPSHOT_PREFIX + backupId;
    }

    /** Whether an engine snapshot is one a backup took of its volume (and no Cinder snapshot). */
    static boolean isBaseSnapshot(String snapshotId) {
        return snapshotId.startsWith(BASE_SNAPSHOT_PREFIX);
    }

    @Override
    public void run(Task task) throws IOException {
        Work work = Work.named(task.kind());
        if (work == VolumeWork.RESTORE_BACKUP) {
            restore(task);
            return;
        }
        BackupWork backupWork = (BackupWork) work;
        Optional<Backup> found = backups.find(task.resourceId(), Optional.empty());
        if (found.isEmpty() || found.get().status() != backupWork.running()) {
            LOG.info(
                    "{} of backup {} skipped: the backup is no longer {}",
                    backupWork,
                    task.resourceId(),
                    backupWork.running().wire());
            if (backupWork == BackupWork.CREATE_BACKUP && found.isPresent()) {
                abandon(found.get()); // reset by an admin while it was being made
            }
            return;
        }
        switch (backupWork) {
            case CREATE_BACKUP -> create(task, found.get());
            case DELETE_BACKUP -> delete(task, found.get());
        }
    }

    @Override
    public void giveUp(Task task, Exception cause) {
        Work work = Work.named(task.kind());
        LOG.error("{} of {} failed for good", work, task.resourceId(), cause);
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (work == VolumeWork.RESTORE_BACKUP) {
            finishRestore(task, VolumeStatus.ERROR_RESTORING, Optional.of(cause));
            return;
        }
        BackupWork backupWork = (BackupWork) work;
        Optional<Backup> backup = backups.find(task.resourceId(), Optional.empty());
        if (backup.isEmpty()) {
            return;
        }
        database.execute(tx -> {
            tasks.finish(tx, task, Optional.of(cause));
            backups.finish(
                    tx,
                    backup.get().id(),
                    backupWork.running(),
                    backupWork.failure(),
                    Optional.of(reason),
                    Lookup.now(clock));
        });
        if (backupWork == BackupWork.CREATE_BACKUP) {
            abandon(backup.get());
        }
    }

    /**
     * A backup that will not be made (failed, reset, deleted while it was being made) gives back what its create
     * took: the engine snapshot of its volume, unless it was kept as a finished backup's, and its source's status.
     */
    private void abandon(Backup backup) {
        if (backup.importedFrom().isPresent()) {
            return; // an imported record's volume and snapshot are another backup's source, never this one's
        }
        if (backup.snapshotId().isEmpty() && backup.baseSnapshotId().isEmpty()) {
            dropBaseSnapshot(backup.volumeId(), baseSnapshotName(backup.id()));
        }
        database.execute(tx -> {
            // The volume's row serialises this with a new backup of the same source, which would hold it again.
            volumes.lock(tx, backup.volumeId());
            boolean heldByAnother = backups.findByVolume(tx, backup.volumeId()).stream()
                    .anyMatch(other -> !other.id().equals(backup.id())
                            && other.status() == BackupStatus.CREATING
                            && other.snapshotId().equals(backup.snapshotId()));
            if (!heldByAnother) {
                releaseSource(tx, backup);
            }
        });
    }

    private BackupRepository repository() throws IOException {
        return repository.orElseThrow(() -> new IOException("no object store is configured (backup-s3-bucket)"));
    }

    private void create(Task task, Backup backup) throws IOException {
        BackupRepository store = repository();
        if (backup.importedFrom().isPresent()) {
            importData(task, store, backup, backup.importedFrom().get());
            return;
        }
        String volumeId = backup.volumeId();
        String image = backup.snapshotId().orElse(baseSnapshotName(backup.id()));
        if (backup.snapshotId().isEmpty()) {
            engine.createSnapshot(volumeId, image, fraction -> {}); // a rerun keeps the first run's instant
        }
        Optional<Backup> parent = backup.parentId().flatMap(id -> backups.find(id, Optional.empty()));
        Optional<Manifest> parentManifest = Optional.empty();
        if (parent.isPresent()) {
            parentManifest = Optional.of(
                    store.readManifest(parent.get().container(), parent.get().id())
                            .orElseThrow(() -> new IOException(
                                    "the parent backup " + parent.get().id() + " has no manifest")));
        }
        List<Extent> changed = changed(backup, image, parent);
        Manifest manifest;
        try (BlockDevice device = engine.open(volumeId, Optional.of(image), false)) {
            manifest = store.write(
                            new BackupSource(
                                    backup.id(), volumeId, backup.container(), device, changed, parentManifest),
                            hashes -> backups.reference(backup.id(), backup.container(), hashes),
                            objectCounter(backup.id()))
                    .manifest();
        }
        Optional<String> kept = backup.snapshotId().isEmpty() ? Optional.of(image) : Optional.empty();
        List<Backup> superseded = database.transaction(tx -> {
            if (!markAvailable(tx, task, backup, manifest, kept)) {
                return null;
            }
            releaseSource(tx, backup);
            return backups.findByVolume(tx, volumeId).stream()
                    .filter(b ->
                            !b.id().equals(backup.id()) && b.baseSnapshotId().isPresent())
                    .toList();
        });
        if (superseded == null) {
            abandon(backup); // it left creating meanwhile (an admin reset): the image kept for it goes
            return;
        }
        // Only the latest backup's image serves the next incremental one.
        for (Backup older : superseded) {
            dropBaseSnapshot(volumeId, older.baseSnapshotId().get());
            database.execute(tx -> backups.clearBaseSnapshot(tx, older.id()));
        }
    }

    /**
     * An imported backup's data: the exported backup's manifest, copied under this backup's id once this backup
     * references every chunk it lists, so that either backup may go first.
     */
    private void importData(Task task, BackupRepository store, Backup backup, String source) throws IOException {
        Manifest manifest = store.readManifest(backup.container(), source)
                .orElseThrow(() -> new IOException("the imported record's data (backup " + source
                        + ") is not in container " + backup.container()));
        backups.reference(backup.id(), backup.container(), manifest.hashes());
        // A delete of the source removes its manifest before any chunk: still there once the claims are committed,
        // every chunk it lists is too, and stays.
        if (store.readManifest(backup.container(), source).isEmpty()) {
            throw new IOException("the imported record's data (backup " + source + ") was deleted meanwhile");
        }
        store.copyManifest(manifest, backup.id());
        database.execute(tx -> markAvailable(tx, task, backup, manifest, Optional.empty()));
    }

    /**
     * The backup is made: available, with its object count and the image kept for the next incremental one, and its
     * task ended.
     */
    private boolean markAvailable(
            org.jooq.DSLContext tx, Task task, Backup backup, Manifest manifest, Optional<String> kept) {
        tasks.finish(tx, task, Optional.empty());
        if (!backups.finish(
                tx, backup.id(), BackupStatus.CREATING, BackupStatus.AVAILABLE, Optional.empty(), Lookup.now(clock))) {
            return false;
        }
        backups.recordData(tx, backup.id(), manifest.objectCount(), kept);
        return true;
    }

    /** Writes how many chunks are done to the backup's object count, at most once a second. */
    private io.cairn.backup.Progress objectCounter(String backupId) {
        long[] lastWrite = {0};
        return (done, total, bytes) -> {
            long now = System.nanoTime();
            if (done == total || now - lastWrite[0] > 1_000_000_000L) {
                lastWrite[0] = now;
                database.execute(tx -> backups.updateObjectCount(tx, backupId, (int) done));
            }
        };
    }

    /** Where the image may differ from the parent's (or, for a full backup, where it may hold data). */
    private List<Extent> changed(Backup backup, String image, Optional<Backup> parent) throws IOException {
        if (parent.isEmpty()) {
            return engine.changedExtents(backup.volumeId(), Optional.of(image), Optional.empty());
        }
        Optional<String> parentImage = parent.get()
                .baseSnapshotId()
                .or(() -> parent.get()
                        .snapshotId()
                        .filter(id -> snapshots.find(id, Optional.empty()).isPresent()));
        if (parentImage.isPresent()) {
            try {
                return engine.changedExtents(backup.volumeId(), Optional.of(image), parentImage);
            } catch (EngineException e) {
                if (e.reason() != EngineException.Reason.NOT_FOUND) {
                    throw e;
                }
            }
        }
        LOG.info(
                "backup {}: the image of its parent {} is gone, so the whole volume is read",
                backup.id(),
                parent.get().id());
        return List.of(new Extent(0, backup.size() * GIB));
    }

    /** Gives the backup's source back: the snapshot to available, the volume to the status it had. */
    private void releaseSource(org.jooq.DSLContext tx, Backup backup) {
        if (backup.snapshotId().isPresent()) {
            snapshots.finish(
                    tx,
                    backup.snapshotId().get(),
                    SnapshotStatus.BACKING_UP,
                    SnapshotStatus.AVAILABLE,
                    Lookup.now(clock));
        } else {
            volumes.finishBackingUp(tx, backup.volumeId(), Lookup.now(clock));
        }
    }

    private void dropBaseSnapshot(String volumeId, String image) {
        try {
            engine.deleteSnapshot(volumeId, image, fraction -> {});
        } catch (IOException e) {
            LOG.warn("the engine snapshot {} of volume {} stays: {}", image, volumeId, e.getMessage());
        }
    }

    private void delete(Task task, Backup backup) throws IOException {
        BackupRepository store = repository();
        // A backup force-deleted while it was being made gives back what its create took.
        abandon(backup);
        store.deleteManifest(backup.container(), backup.id());
        for (String hash : backups.referencedHashes(backup.id())) {
            backups.dereference(backup.id(), backup.container(), hash, store::deleteChunk);
        }
        if (backup.baseSnapshotId().isPresent()
                && volumes.find(backup.volumeId(), Optional.empty()).isPresent()) {
            engine.deleteSnapshot(backup.volumeId(), backup.baseSnapshotId().get(), fraction -> {});
        }
        database.execute(tx -> {
            tasks.finish(tx, task, Optional.empty());
            if (backups.finish(
                    tx,
                    backup.id(),
                    BackupStatus.DELETING,
                    BackupStatus.DELETED,
                    Optional.empty(),
                    Lookup.now(clock))) {
                quotas.release(
                        tx, backup.projectId(), Map.of(QuotaService.BACKUPS, 1L, QuotaService.BACKUP_GIGABYTES, (long)
                                backup.size()));
            }
        });
    }

    private void restore(Task task) throws IOException {
        String volumeId = task.resourceId();
        Optional<Backup> backup = backups.find(task.payload(), Optional.empty());
        if (volumes.find(volumeId, Optional.empty())
                .filter(v -> v.status() == VolumeStatus.RESTORING_BACKUP)
                .isEmpty()) {
            LOG.info(
                    "restore of backup {} onto volume {} skipped: the volume is no longer restoring",
                    task.payload(),
                    volumeId);
            finishRestore(task, VolumeStatus.AVAILABLE, Optional.empty());
            return;
        }
        if (backup.isEmpty() || backup.get().status() != BackupStatus.RESTORING) {
            // Cinder cancels a restore whose backup changed under it; what was written is no backup's content.
            LOG.warn(
                    "restore of backup {} onto volume {} cancelled: the backup is no longer restoring",
                    task.payload(),
                    volumeId);
            finishRestore(task, VolumeStatus.ERROR_RESTORING, Optional.empty());
            return;
        }
        BackupRepository store = repository();
        Manifest manifest = store.readManifest(
                        backup.get().container(), backup.get().id())
                .orElseThrow(() -> new IOException("backup " + backup.get().id() + " has no manifest"));
        try (BlockDevice device = engine.open(volumeId, Optional.empty(), true)) {
            store.restore(manifest, device, false, io.cairn.backup.Progress.none());
        }
        database.execute(tx -> restoreVolumeMeta(tx, volumeId, backup.get()));
        finishRestore(task, VolumeStatus.AVAILABLE, Optional.empty());
    }

    /**
     * What Cinder's restore writes besides the data: the source volume's metadata (with {@code src_backup_id}), and
     * its name and description onto a volume made for the restore.
     */
    private void restoreVolumeMeta(org.jooq.DSLContext tx, String volumeId, Backup backup) {
        BackupStore.VolumeMeta meta = backups.volumeMeta(tx, backup.id());
        volumes.find(tx, volumeId, Optional.empty()).ifPresent(volume -> {
            Map<String, String> metadata = new java.util.LinkedHashMap<>(meta.metadata());
            metadata.put("src_backup_id", backup.id());
            volumes.replaceMetadata(tx, volumeId, metadata);
            String name = volume.displayName();
            if ((name == null || name.isEmpty() || name.startsWith("restore_backup_")) && meta.name() != null) {
                volumes.update(tx, volumeId, meta.name(), meta.description(), Lookup.now(clock));
            }
        });
    }

    /** The volume to {@code outcome}, the backup available again whatever happened, and the task's end. */
    private void finishRestore(Task task, VolumeStatus outcome, Optional<Exception> failure) {
        String volumeId = task.resourceId();
        String backupId = task.payload();
        database.execute(tx -> {
            tasks.finish(tx, task, failure);
            volumes.finish(tx, volumeId, VolumeStatus.RESTORING_BACKUP, outcome, Lookup.now(clock));
            if (backups.finish(
                    tx,
                    backupId,
                    BackupStatus.RESTORING,
                    BackupStatus.AVAILABLE,
                    Optional.empty(),
                    Lookup.now(clock))) {
                backups.setRestoreVolume(tx, backupId, Optional.empty());
            }
        });
    }
}
