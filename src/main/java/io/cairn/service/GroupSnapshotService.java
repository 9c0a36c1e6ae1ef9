package io.cairn.service;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Group;
import io.cairn.domain.GroupSnapshot;
import io.cairn.domain.GroupSnapshotStatus;
import io.cairn.domain.GroupTransitions;
import io.cairn.domain.GroupWork;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotTransitions;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeTransitions;
import io.cairn.store.Database;
import io.cairn.store.GroupSnapshotStore;
import io.cairn.store.GroupStore;
import io.cairn.store.SnapshotStore;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskQueue;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Group snapshots: one snapshot of every volume of a group, taken at one instant by one
 * {@link GroupWork#CREATE_GROUP_SNAPSHOT}; their deletion; and Cairn's revert of a whole group to one of them.
 */
public final class GroupSnapshotService {
    public static final ListSpec LIST_SPEC = ListSpec.groupApi(
            "GroupSnapshot", ErrorCode.GROUP_SNAPSHOT_NOT_FOUND, List.of("name", "status", "group_id"));

    private final Database database;
    private final GroupSnapshotStore groupSnapshots;
    private final GroupStore groups;
    private final VolumeStore volumes;
    private final SnapshotStore snapshots;
    private final QuotaService quotas;
    private final TaskQueue tasks;
    private final Clock clock;

    public GroupSnapshotService(
            Database database,
            GroupSnapshotStore groupSnapshots,
            GroupStore groups,
            VolumeStore volumes,
            SnapshotStore snapshots,
            QuotaService quotas,
            TaskQueue tasks,
            Clock clock) {
        this.database = database;
        this.groupSnapshots = groupSnapshots;
        this.groups = groups;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.quotas = quotas;
        this.tasks = tasks;
        this.clock = clock;
    }

    /**
     * A page of the caller's group snapshots (an admin's of every project with {@code all_tenants}), by Cinder's list
     * rules from 3.29; before that Cinder reads no parameter at all, so every request lists the caller's own.
     */
    public Page<GroupSnapshot> list(Caller caller, ApiVersion version, List<Map.Entry<String, String>> query) {
        List<Map.Entry<String, String>> read =
                version.atLeast(ApiVersion.GROUP_SNAPSHOT_PAGINATION) ? query : List.of();
        ListRules.Plan plan = ListRules.plan(
                LIST_SPEC, groupSnapshots.listSource(), caller, version, read, Policy.GET_ALL_GROUP_SNAPSHOTS);
        return ListRules.execute(LIST_SPEC, plan, groupSnapshots.listSource());
    }

    public GroupSnapshot get(Caller caller, String id) {
        GroupSnapshot snapshot = find(caller, id);
        Policy.GET_GROUP_SNAPSHOT.authorize(caller);
        return snapshot;
    }

    /** Whether the caller sees a group snapshot's project. */
    public boolean showsProject(Caller caller) {
        return Policy.GROUP_SNAPSHOT_PROJECT_ATTRIBUTE.allows(caller);
    }

    /**
     * Records a group snapshot of an available group and a member snapshot of each of its volumes (available or in
     * use), counted against the snapshot quotas, with the one task that takes them all.
     */
    public GroupSnapshot create(Caller caller, String groupId, String name, String description) {
        Instant now = now();
        GroupSnapshot created = database.transaction(tx -> {
            Group group = GroupService.find(groups, tx, caller, groupId);
            Policy.CREATE_GROUP_SNAPSHOT.authorize(caller);
            if (!groups.apply(tx, GroupTransitions.SOURCE, groupId, now)) {
                throw CairnException.invalidGroup(
                        "Group " + groupId + " status must be available, but current status is: "
                                + group.status().wire() + ".");
            }
            List<Volume> members = volumes.findByGroup(tx, groupId);
            for (Volume member : members) {
                if (!volumes.apply(tx, VolumeTransitions.SNAPSHOT_SOURCE_IN_USE, member.id(), now)) {
                    throw CairnException.invalidVolume("Volume " + member.id()
                            + " status must be available or in-use, but current status is: "
                            + member.status().wire() + ".");
                }
            }
            if (!members.isEmpty()) {
                quotas.reserve(
                        tx,
                        caller.projectId(),
                        Map.of(
                                QuotaService.SNAPSHOTS,
                                (long) members.size(),
                                QuotaService.GIGABYTES,
                                members.stream().mapToLong(Volume::size).sum()));
            }
            GroupSnapshot snapshot = new GroupSnapshot(
                    UUID.randomUUID().toString(),
                    caller.projectId(),
                    caller.userId(),
                    groupId,
                    group.groupTypeId(),
                    GroupSnapshotStatus.CREATING,
                    name,
                    description,
                    now,
                    null);
            groupSnapshots.insert(tx, snapshot);
            for (Volume member : members) {
                snapshots.insert(
                        tx,
                        Snapshot.creating(
                                UUID.randomUUID().toString(),
                                caller,
                                member,
                                snapshot.id(),
                                name,
                                description,
                                now,
                                Map.of()));
            }
            tasks.enqueue(tx, GroupWork.CREATE_GROUP_SNAPSHOT, snapshot.id());
            return snapshot;
        });
        tasks.wake();
        return created;
    }

    /** Deletes a group snapshot, available or in error, with its member snapshots. */
    public void delete(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            find(caller, id);
            Policy.DELETE_GROUP_SNAPSHOT.authorize(caller);
            String refused = "GroupSnapshot status must be available or error, and no Group can be currently using"
                    + " it as source for its creation.";
            if (!groupSnapshots.apply(tx, GroupTransitions.DELETE_SNAPSHOT, id, now)) {
                throw CairnException.invalidGroupSnapshot(refused);
            }
            for (Snapshot member : snapshots.findByGroupSnapshot(tx, id)) {
                if (!snapshots.apply(tx, SnapshotTransitions.GROUP_DELETE, member.id(), now)) {
                    throw CairnException.invalidGroupSnapshot(refused);
                }
            }
            tasks.enqueue(tx, GroupWork.DELETE_GROUP_SNAPSHOT, id);
        });
        tasks.wake();
    }

    /** Admin reset of the group snapshot alone (its members keep theirs), as Cinder's. */
    public void resetStatus(Caller caller, String id, String status) {
        GroupSnapshotStatus target = GroupSnapshotStatus.parse(status)
                .filter(s -> s != GroupSnapshotStatus.RESTORING)
                .orElseThrow(() -> CairnException.badRequest("Invalid GroupSnapshot Status: " + status
                        + " is not one of error, available, creating, deleting, deleted, updating, error_deleting."));
        Instant now = now();
        database.execute(tx -> {
            find(caller, id);
            Policy.RESET_GROUP_SNAPSHOT_STATUS.authorize(caller);
            groupSnapshots.apply(tx, GroupTransitions.resetSnapshot(target), id, now);
        });
    }

    /**
     * Cairn's revert of a group to one of its group snapshots, all or nothing: the group, the group snapshot and
     * every member volume (available, and exactly the volumes the group snapshot has) change status in one
     * transaction, or none does; one task then reverts all the volumes in one engine operation.
     */
    public void revert(Caller caller, String groupId, String groupSnapshotId) {
        Instant now = now();
        database.execute(tx -> {
            Group group = GroupService.find(groups, tx, caller, groupId);
            Policy.REVERT_GROUP.authorize(caller);
            GroupSnapshot snapshot = groupSnapshots
                    .find(tx, groupSnapshotId, Lookup.scope(caller))
                    .orElseThrow(() -> CairnException.groupSnapshotNotFound(groupSnapshotId));
            if (!snapshot.groupId().equals(groupId)) {
                throw CairnException.invalidGroupSnapshot(
                        "GroupSnapshot " + groupSnapshotId + " is not a snapshot of group " + groupId + ".");
            }
            Set<String> members =
                    volumes.findByGroup(tx, groupId).stream().map(Volume::id).collect(Collectors.toSet());
            Set<String> snapshotted = snapshots.findByGroupSnapshot(tx, groupSnapshotId).stream()
                    .map(Snapshot::volumeId)
                    .collect(Collectors.toSet());
            if (!members.equals(snapshotted)) {
                throw CairnException.invalidGroup("Group " + groupId + " must have the volumes of GroupSnapshot "
                        + groupSnapshotId + " to be reverted to it, and only those.");
            }
            if (!groups.apply(tx, GroupTransitions.REVERT, groupId, now)) {
                throw CairnException.invalidGroup(
                        "Group " + groupId + " status must be available, but current status is: "
                                + group.status().wire() + ".");
            }
            if (!groupSnapshots.apply(tx, GroupTransitions.RESTORE, groupSnapshotId, now)) {
                throw CairnException.invalidGroupSnapshot(
                        "GroupSnapshot " + groupSnapshotId + " status must be available, but current status is: "
                                + snapshot.status().wire() + ".");
            }
            for (String member : members) {
                if (!volumes.apply(tx, VolumeTransitions.GROUP_REVERT, member, now)) {
                    throw CairnException.invalidVolume("Volume " + member
                            + " status must be available, but current status is: "
                            + Lookup.volume(volumes, tx, caller, member)
                                    .status()
                                    .wire() + ".");
                }
            }
            tasks.enqueue(tx, GroupWork.REVERT_GROUP, groupId, groupSnapshotId);
        });
        tasks.wake();
    }

    private GroupSnapshot find(Caller caller, String id) {
        return groupSnapshots
                .find(id, Lookup.scope(caller))
                .orElseThrow(() -> CairnException.groupSnapshotNotFound(id));
    }

    private Instant now() {
        return Lookup.now(clock);
    }
}
