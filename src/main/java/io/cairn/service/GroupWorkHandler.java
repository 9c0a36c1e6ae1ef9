package io.cairn.service;

import io.cairn.domain.Group;
import io.cairn.domain.GroupSnapshot;
import io.cairn.domain.GroupSnapshotStatus;
import io.cairn.domain.GroupStatus;
import io.cairn.domain.GroupWork;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.Work;
import io.cairn.engine.StorageEngine;
import io.cairn.store.Database;
import io.cairn.store.GroupSnapshotStore;
import io.cairn.store.GroupStore;
import io.cairn.store.SnapshotStore;
import io.cairn.store.TaskStore;
import io.cairn.store.TaskStore.Task;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every kind of {@link GroupWork}: one engine call for all the members (so a group snapshot is one instant and
 * a revert one operation), then, in one transaction, the outcome of the group snapshot or group and of every member.
 */
public final class GroupWorkHandler implements TaskHandler {
    private static final Logger LOG = LoggerFactory.getLogger(GroupWorkHandler.class);

    private final Database database;
    private final GroupStore groups;
    private final GroupSnapshotStore groupSnapshots;
    private final VolumeStore volumes;
    private final SnapshotStore snapshots;
    private final QuotaService quotas;
    private final StorageEngine engine;
    private final TaskStore tasks;
    private final Clock clock;

    public GroupWorkHandler(
            Database database,
            GroupStore groups,
            GroupSnapshotStore groupSnapshots,
            VolumeStore volumes,
            SnapshotStore snapshots,
            QuotaService quotas,
            StorageEngine engine,
            TaskStore tasks,
            Clock clock) {
        this.database = database;
        this.groups = groups;
        this.groupSnapshots = groupSnapshots;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.quotas = quotas;
        this.engine = engine;
        this.tasks = tasks;
        this.clock = clock;
    }

    @Override
    public void run(Task task) throws IOException {
        GroupWork work = (GroupWork) Work.named(task.kind());
        if (!stillRunning(work, task.resourceId())) {
            LOG.info(
                    "{} of {} skipped: it is no longer {}",
                    work,
                    task.resourceId(),
                    work.running().wire());
            return;
        }
        switch (work) {
            case CLONE_GROUP -> {
                engine.cloneVolumes(creatingMembers(task.resourceId()).stream()
                        .map(v -> new StorageEngine.Clone(v.id(), v.sourceVolid(), v.sizeBytes()))
                        .toList());
                finishClones(task, Optional.empty());
            }
            case CREATE_GROUP_SNAPSHOT -> {
                engine.createGroupSnapshot(members(task.resourceId()));
                finishSnapshot(task, SnapshotStatus.CREATING, SnapshotStatus.AVAILABLE, Optional.empty());
            }
            case DELETE_GROUP_SNAPSHOT -> {
                for (Map.Entry<String, String> member :
                        members(task.resourceId()).entrySet()) {
                    engine.deleteSnapshot(member.getKey(), member.getValue(), fraction -> {});
                }
                finishSnapshot(task, SnapshotStatus.DELETING, SnapshotStatus.DELETED, Optional.empty());
            }
            case REVERT_GROUP -> {
                engine.revertGroup(members(task.payload()));
                finishRevert(task, Optional.empty());
            }
        }
    }

    @Override
    public void giveUp(Task task, Exception cause) {
        GroupWork work = (GroupWork) Work.named(task.kind());
        LOG.error(
                "{} of {} failed for good, moving it to {}",
                work,
                task.resourceId(),
                work.failure().wire(),
                cause);
        switch (work) {
            case CLONE_GROUP -> finishClones(task, Optional.of(cause));
            case CREATE_GROUP_SNAPSHOT ->
                finishSnapshot(task, SnapshotStatus.CREATING, SnapshotStatus.ERROR, Optional.of(cause));
            case DELETE_GROUP_SNAPSHOT ->
                finishSnapshot(task, SnapshotStatus.DELETING, SnapshotStatus.ERROR_DELETING, Optional.of(cause));
            case REVERT_GROUP -> finishRevert(task, Optional.of(cause));
        }
    }

    private boolean stillRunning(GroupWork work, String id) {
        if (work == GroupWork.CLONE_GROUP) {
            // The members are created whatever an admin resets the group to, as Cinder's volume manager goes on.
            return !creatingMembers(id).isEmpty();
        }
        if (work.onGroupSnapshot()) {
            return groupSnapshots
                    .find(id, Optional.empty())
                    .map(GroupSnapshot::status)
                    .filter(status -> status == work.running())
                    .isPresent();
        }
        return groups.find(id, Optional.empty())
                .map(Group::status)
                .filter(status -> status == work.running())
                .isPresent();
    }

    /** The group's members still to be created. */
    private List<Volume> creatingMembers(String groupId) {
        return database.transaction(tx -> volumes.findByGroup(tx, groupId)).stream()
                .filter(v -> v.status() == VolumeStatus.CREATING)
                .toList();
    }

    /** Ends the clones of a group made from another group (available, or error), the group, and the task. */
    private void finishClones(Task task, Optional<Exception> failure) {
        Instant now = Lookup.now(clock);
        VolumeStatus outcome = failure.isEmpty() ? VolumeStatus.AVAILABLE : VolumeStatus.ERROR;
        database.execute(tx -> {
            tasks.finish(tx, task, failure);
            for (Volume member : volumes.findByGroup(tx, task.resourceId())) {
                volumes.finish(tx, member.id(), VolumeStatus.CREATING, outcome, now);
            }
            groups.finish(
                    tx,
                    task.resourceId(),
                    GroupStatus.CREATING,
                    failure.isEmpty() ? GroupStatus.AVAILABLE : GroupStatus.ERROR,
                    now);
        });
    }

    /** Each member volume's snapshot in the group snapshot, by volume id. */
    private Map<String, String> members(String groupSnapshotId) {
        Map<String, String> members = new TreeMap<>();
        for (Snapshot member : database.transaction(tx -> snapshots.findByGroupSnapshot(tx, groupSnapshotId))) {
            members.put(member.volumeId(), member.id());
        }
        return members;
    }

    /**
     * The group snapshot's outcome, its members' (with their progress and, once deleted, their quota), and the task's
     * end.
     */
    private void finishSnapshot(
            Task task, SnapshotStatus running, SnapshotStatus memberOutcome, Optional<Exception> failure) {
        GroupWork work = (GroupWork) Work.named(task.kind());
        String id = task.resourceId();
        Instant now = Lookup.now(clock);
        database.execute(tx -> {
            tasks.finish(tx, task, failure);
            GroupSnapshotStatus outcome = (GroupSnapshotStatus)
                    (memberOutcome == SnapshotStatus.AVAILABLE || memberOutcome == SnapshotStatus.DELETED
                            ? work.success()
                            : work.failure());
            // An admin's reset of the group snapshot meanwhile keeps its status; the members end as the work did.
            groupSnapshots.finish(tx, id, (GroupSnapshotStatus) work.running(), outcome, now);
            for (Snapshot member : snapshots.findByGroupSnapshot(tx, id)) {
                finishMember(tx, member, running, memberOutcome, now);
            }
        });
    }

    private void finishMember(
            DSLContext tx, Snapshot member, SnapshotStatus running, SnapshotStatus outcome, Instant now) {
        if (!snapshots.finish(tx, member.id(), running, outcome, now)) {
            return;
        }
        if (outcome == SnapshotStatus.AVAILABLE) {
            snapshots.updateProgress(tx, member.id(), "100%");
        }
        if (outcome == SnapshotStatus.DELETED && member.useQuota()) {
            quotas.release(tx, member.projectId(), Map.of(QuotaService.SNAPSHOTS, 1L, QuotaService.GIGABYTES, (long)
                    member.volumeSize()));
        }
    }

    /**
     * Ends a revert: the members leave the maintenance the revert held them in (available, or error when it failed:
     * their content is then unknown), the group snapshot is available again, the group available or in error.
     */
    private void finishRevert(Task task, Optional<Exception> failure) {
        boolean succeeded = failure.isEmpty();
        Instant now = Lookup.now(clock);
        database.execute(tx -> {
            tasks.finish(tx, task, failure);
            if (!groups.finish(
                    tx,
                    task.resourceId(),
                    GroupStatus.REVERTING,
                    succeeded ? GroupStatus.AVAILABLE : GroupStatus.ERROR,
                    now)) {
                return;
            }
            groupSnapshots.finish(
                    tx, task.payload(), GroupSnapshotStatus.RESTORING, GroupSnapshotStatus.AVAILABLE, now);
            List<Snapshot> members = snapshots.findByGroupSnapshot(tx, task.payload());
            for (Snapshot member : members) {
                volumes.finish(
                        tx,
                        member.volumeId(),
                        VolumeStatus.MAINTENANCE,
                        succeeded ? VolumeStatus.AVAILABLE : VolumeStatus.ERROR,
                        now);
            }
        });
    }
}
