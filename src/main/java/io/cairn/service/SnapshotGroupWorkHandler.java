package io.cairn.service;

import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotGroup;
import io.cairn.domain.SnapshotGroupStatus;
import io.cairn.domain.SnapshotGroupWork;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.Work;
import io.cairn.engine.StorageEngine;
import io.cairn.store.Database;
import io.cairn.store.EvsTagStore;
import io.cairn.store.SnapshotGroupStore;
import io.cairn.store.SnapshotStore;
import io.cairn.store.TaskStore;
import io.cairn.store.TaskStore.Task;
import io.cairn.task.TaskHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link SnapshotGroupWork}: one engine call that freezes every member disk at one instant (or deletes every
 * member snapshot), then, in one transaction, the outcome of the snapshot group and of every member.
 */
public final class SnapshotGroupWorkHandler implements TaskHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotGroupWorkHandler.class);

    private final Database database;
    private final SnapshotGroupStore groups;
    private final SnapshotStore snapshots;
    private final EvsTagStore tags;
    private final QuotaService quotas;
    private final StorageEngine engine;
    private final TaskStore tasks;
    private final Clock clock;

    public SnapshotGroupWorkHandler(
            Database database,
            SnapshotGroupStore groups,
            SnapshotStore snapshots,
            EvsTagStore tags,
            QuotaService quotas,
            StorageEngine engine,
            TaskStore tasks,
            Clock clock) {
        this.database = database;
        this.groups = groups;
        this.snapshots = snapshots;
        this.tags = tags;
        this.quotas = quotas;
        this.engine = engine;
        this.tasks = tasks;
        this.clock = clock;
    }

    @Override
    public void run(Task task) throws IOException {
        SnapshotGroupWork work = (SnapshotGroupWork) Work.named(task.kind());
        if (groups.find(task.resourceId(), Optional.empty())
                .map(SnapshotGroup::status)
                .filter(status -> status == work.running())
                .isEmpty()) {
            LOG.info(
                    "{} of {} skipped: it is no longer {}",
                    work,
                    task.resourceId(),
                    work.running().wire());
            return;
        }
        Map<String, String> members = members(task.resourceId());
        switch (work) {
            case CREATE_SNAPSHOT_GROUP -> engine.createGroupSnapshot(members);
            case DELETE_SNAPSHOT_GROUP -> {
                for (Map.Entry<String, String> member : members.entrySet()) {
                    engine.deleteSnapshot(member.getKey(), member.getValue(), fraction -> {});
                }
            }
        }
        finish(task, work.success(), Optional.empty());
    }

    @Override
    public void giveUp(Task task, Exception cause) {
        SnapshotGroupWork work = (SnapshotGroupWork) Work.named(task.kind());
        LOG.error(
                "{} of {} failed for good, moving it to {}",
                work,
                task.resourceId(),
                work.failure().wire(),
                cause);
        finish(task, work.failure(), Optional.of(cause));
    }

    /** Each member disk's snapshot in the group, by disk id. */
    private Map<String, String> members(String groupId) {
        Map<String, String> members = new TreeMap<>();
        for (Snapshot member : database.transaction(tx -> snapshots.findByGroupSnapshot(tx, groupId))) {
            members.put(member.volumeId(), member.id());
        }
        return members;
    }

    /** The group's outcome, its members' (with their progress and, once deleted, their quota), and the task's end. */
    private void finish(Task task, SnapshotGroupStatus outcome, Optional<Exception> failure) {
        SnapshotGroupWork work = (SnapshotGroupWork) Work.named(task.kind());
        String id = task.resourceId();
        Instant now = Lookup.now(clock);
        SnapshotStatus running =
                work == SnapshotGroupWork.CREATE_SNAPSHOT_GROUP ? SnapshotStatus.CREATING : SnapshotStatus.DELETING;
        SnapshotStatus memberOutcome = switch (outcome) {
            case AVAILABLE -> SnapshotStatus.AVAILABLE;
            case DELETED -> SnapshotStatus.DELETED;
            case ERROR_DELETING -> SnapshotStatus.ERROR_DELETING;
            case ERROR, CREATING, DELETING -> SnapshotStatus.ERROR;
        };
        database.execute(tx -> {
            tasks.finish(tx, task, failure);
            groups.finish(tx, id, work.running(), outcome, now);
            for (Snapshot member : snapshots.findByGroupSnapshot(tx, id)) {
                if (!snapshots.finish(tx, member.id(), running, memberOutcome, now)) {
                    continue;
                }
                if (memberOutcome == SnapshotStatus.AVAILABLE) {
                    snapshots.updateProgress(tx, member.id(), "100%");
                }
                if (memberOutcome == SnapshotStatus.DELETED && member.useQuota()) {
                    quotas.release(
                            tx, member.projectId(), Map.of(QuotaService.SNAPSHOTS, 1L, QuotaService.GIGABYTES, (long)
                                    member.volumeSize()));
                }
            }
            if (outcome == SnapshotGroupStatus.DELETED) {
                tags.removeAll(tx, EvsTagStore.Kind.SNAPSHOT_GROUP, id);
            }
        });
    }
}
