package io.cairn.service;

import io.cairn.domain.Backup;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeWork;
import io.cairn.domain.Work;
import io.cairn.engine.EngineException;
import io.cairn.engine.StorageEngine;
import io.cairn.store.BackupStore;
import io.cairn.store.Database;
import io.cairn.store.SnapshotStore;
import io.cairn.store.TaskStore;
import io.cairn.store.TaskStore.Task;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskHandler;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every kind of {@link VolumeWork}: the engine call, then the work's success or failure transition with
 * what goes with it (quota released, size recorded, the restored snapshot given back). The engine calls are
 * idempotent, so a task run again after a crash does no harm.
 */
public final class VolumeWorkHandler implements TaskHandler {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeWorkHandler.class);
    private static final long GIB = 1L << 30;

    private final Database database;
    private final VolumeStore volumes;
    private final SnapshotStore snapshots;
    private final BackupStore backups;
    private final QuotaService quotas;
    private final StorageEngine engine;
    private final GroupService groups;
    private final TaskStore tasks;
    private final Clock clock;

    public VolumeWorkHandler(
            Database database,
            VolumeStore volumes,
            SnapshotStore snapshots,
            BackupStore backups,
            QuotaService quotas,
            StorageEngine engine,
            GroupService groups,
            TaskStore tasks,
            Clock clock) {
        this.database = database;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.backups = backups;
        this.quotas = quotas;
        this.engine = engine;
        this.groups = groups;
        this.tasks = tasks;
        this.clock = clock;
    }

    @Override
    public void run(Task task) throws IOException {
        VolumeWork work = (VolumeWork) Work.named(task.kind());
        Optional<Volume> found = volumes.find(task.resourceId(), Optional.empty());
        if (found.isEmpty() || found.get().status() != work.running()) {
            LOG.info(
                    "{} of volume {} skipped: the volume is no longer {}",
                    work,
                    task.resourceId(),
                    work.running().wire());
            // Nothing of the volume's changes (it left the running status), but a held snapshot is given back.
            finish(task, work, work.success(), Optional.empty());
            return;
        }
        Volume volume = found.get();
        switch (work) {
            case CREATE_VOLUME, CREATE_STAGING_VOLUME -> create(volume);
            case DELETE_VOLUME -> {
                try {
                    dropBackupImages(volume.id());
                    engine.deleteVolume(volume.id());
                } catch (EngineException e) {
                    if (e.reason() != EngineException.Reason.BUSY) {
                        throw e;
                    }
                    // Cinder's answer to a busy volume: it stays, available, and the delete ends here.
                    LOG.warn("volume {} stays: {}", volume.id(), e.getMessage());
                    finish(task, work, VolumeStatus.AVAILABLE, Optional.empty());
                    return;
                }
            }
            case EXTEND_VOLUME, EXTEND_ATTACHED_VOLUME ->
                engine.extendVolume(volume.id(), Integer.parseInt(task.payload()) * GIB);
            case REVERT_VOLUME, ROLLBACK_VOLUME -> engine.revertToSnapshot(volume.id(), task.payload());
            case RESTORE_BACKUP -> throw new IllegalStateException("restores are BackupWorkHandler's");
        }
        finish(task, work, work.success(), Optional.empty());
    }

    @Override
    public void giveUp(Task task, Exception cause) {
        VolumeWork work = (VolumeWork) Work.named(task.kind());
        LOG.error(
                "{} of volume {} failed for good, moving it to {}",
                work,
                task.resourceId(),
                work.failure().wire(),
                cause);
        finish(task, work, work.failure(), Optional.of(cause));
    }

    /** The engine snapshots backups of the volume kept for the next incremental backup go with the volume. */
    private void dropBackupImages(String volumeId) throws IOException {
        for (Backup backup : database.transaction(tx -> backups.findByVolume(tx, volumeId))) {
            if (backup.baseSnapshotId().isPresent()) {
                engine.deleteSnapshot(volumeId, backup.baseSnapshotId().get(), fraction -> {});
                database.execute(tx -> backups.clearBaseSnapshot(tx, backup.id()));
            }
        }
    }

    private void create(Volume volume) throws IOException {
        long bytes = volume.sizeBytes();
        if (volume.snapshotId() != null) {
            Snapshot source = snapshots
                    .find(volume.snapshotId(), Optional.empty())
                    .orElseThrow(() -> new IOException("snapshot " + volume.snapshotId() + " is gone"));
            engine.createVolumeFromSnapshot(volume.id(), source.volumeId(), source.id(), bytes);
        } else if (volume.sourceVolid() != null) {
            engine.cloneVolume(volume.id(), volume.sourceVolid(), bytes);
        } else {
            engine.createVolume(volume.id(), bytes);
        }
    }

    /** The outcome transition, and in the same transaction what the work's outcome implies and the task's end. */
    private void finish(Task task, VolumeWork work, VolumeStatus outcome, Optional<Exception> failure) {
        database.execute(tx -> {
            tasks.finish(tx, task, failure);
            Optional<Volume> volume = volumes.find(tx, task.resourceId(), Optional.empty());
            // A restore holds its snapshot whatever happens to the volume: give it back in any case.
            work.heldSnapshot()
                    .ifPresent(held ->
                            snapshots.finish(tx, task.payload(), held, SnapshotStatus.AVAILABLE, Lookup.now(clock)));
            if (volume.isEmpty()
                    || !volumes.finish(tx, task.resourceId(), work.running(), outcome, Lookup.now(clock))) {
                return;
            }
            boolean succeeded = outcome == work.success();
            switch (work) {
                case DELETE_VOLUME -> {
                    if (succeeded && volume.get().useQuota()) {
                        quotas.release(
                                tx,
                                volume.get().projectId(),
                                Map.of(QuotaService.VOLUMES, 1L, QuotaService.GIGABYTES, (long)
                                        volume.get().size()));
                    }
                }
                case EXTEND_VOLUME, EXTEND_ATTACHED_VOLUME -> {
                    int newSize = Integer.parseInt(task.payload());
                    if (succeeded) {
                        volumes.setSize(tx, task.resourceId(), newSize);
                    } else {
                        quotas.release(tx, volume.get().projectId(), Map.of(QuotaService.GIGABYTES, (long)
                                (newSize - volume.get().size())));
                    }
                }
                case CREATE_VOLUME, CREATE_STAGING_VOLUME, REVERT_VOLUME, ROLLBACK_VOLUME, RESTORE_BACKUP -> {}
            }
            if (volume.get().groupId() != null) {
                groups.settle(tx, volume.get().groupId(), Lookup.now(clock));
            }
        });
    }
}
