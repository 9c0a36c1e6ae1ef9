package io.cairn.service;

import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.SnapshotWork;
import io.cairn.domain.Work;
import io.cairn.engine.EngineException;
import io.cairn.engine.StorageEngine;
import io.cairn.store.Database;
import io.cairn.store.SnapshotStore;
import io.cairn.store.TaskStore;
import io.cairn.store.TaskStore.Task;
import io.cairn.task.TaskHandler;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every kind of {@link SnapshotWork}: the engine call (none for an unmanage, whose data stays), then the
 * work's success or failure transition, releasing the quota of a snapshot that is gone.
 */
public final class SnapshotWorkHandler implements TaskHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotWorkHandler.class);

    private final Database database;
    private final SnapshotStore snapshots;
    private final QuotaService quotas;
    private final StorageEngine engine;
    private final TaskStore tasks;
    private final Clock clock;

    public SnapshotWorkHandler(
            Database database,
            SnapshotStore snapshots,
            QuotaService quotas,
            StorageEngine engine,
            TaskStore tasks,
            Clock clock) {
        this.database = database;
        this.snapshots = snapshots;
        this.quotas = quotas;
        this.engine = engine;
        this.tasks = tasks;
        this.clock = clock;
    }

    @Override
    public void run(Task task) throws IOException {
        SnapshotWork work = (SnapshotWork) Work.named(task.kind());
        Optional<Snapshot> found = snapshots.find(task.resourceId(), Optional.empty());
        if (found.isEmpty() || found.get().status() != work.running()) {
            LOG.info(
                    "{} of snapshot {} skipped: the snapshot is no longer {}",
                    work,
                    task.resourceId(),
                    work.running().wire());
            return;
        }
        Snapshot snapshot = found.get();
        if (snapshot.groupSnapshotId() != null) {
            // A group snapshot's member: its group snapshot's task takes or deletes it with the other members.
            LOG.info("{} of snapshot {} skipped: it is its group snapshot's work", work, snapshot.id());
            return;
        }
        StorageEngine.Progress progress = fraction ->
                database.execute(tx -> snapshots.updateProgress(tx, snapshot.id(), Math.round(fraction * 100) + "%"));
        switch (work) {
            case CREATE_SNAPSHOT -> engine.createSnapshot(snapshot.volumeId(), snapshot.id(), progress);
            case DELETE_SNAPSHOT -> {
                try {
                    engine.deleteSnapshot(snapshot.volumeId(), snapshot.id(), progress);
                } catch (EngineException e) {
                    if (e.reason() != EngineException.Reason.BUSY) {
                        throw e;
                    }
                    // Cinder's answer to a busy snapshot: it stays, available, and the delete ends here.
                    LOG.warn("snapshot {} stays: {}", snapshot.id(), e.getMessage());
                    finish(task, snapshot, SnapshotStatus.AVAILABLE, Optional.empty());
                    return;
                }
            }
            case UNMANAGE_SNAPSHOT -> {}
        }
        boolean finished = finish(task, snapshot, work.success(), Optional.empty());
        if (!finished
                && work == SnapshotWork.CREATE_SNAPSHOT
                && snapshots.find(snapshot.id(), Optional.empty()).isEmpty()) {
            // force-deleted while it was being taken
            engine.deleteSnapshot(snapshot.volumeId(), snapshot.id(), fraction -> {});
        }
    }

    @Override
    public void giveUp(Task task, Exception cause) {
        SnapshotWork work = (SnapshotWork) Work.named(task.kind());
        LOG.error(
                "{} of snapshot {} failed for good, moving it to {}",
                work,
                task.resourceId(),
                work.failure().wire(),
                cause);
        snapshots
                .find(task.resourceId(), Optional.empty())
                .ifPresent(snapshot -> finish(task, snapshot, work.failure(), Optional.of(cause)));
    }

    /** The outcome transition, with the progress of a taken snapshot, the quota of a removed one and the task's end. */
    private boolean finish(Task task, Snapshot snapshot, SnapshotStatus outcome, Optional<Exception> failure) {
        SnapshotWork work = (SnapshotWork) Work.named(task.kind());
        return database.transaction(tx -> {
            tasks.finish(tx, task, failure);
            if (!snapshots.finish(tx, snapshot.id(), work.running(), outcome, Lookup.now(clock))) {
                return false;
            }
            if (outcome == SnapshotStatus.AVAILABLE) {
                snapshots.updateProgress(tx, snapshot.id(), "100%");
            }
            if (outcome == SnapshotStatus.DELETED && snapshot.useQuota()) {
                quotas.release(
                        tx, snapshot.projectId(), Map.of(QuotaService.SNAPSHOTS, 1L, QuotaService.GIGABYTES, (long)
                                snapshot.volumeSize()));
            }
            return true;
        });
    }
}
