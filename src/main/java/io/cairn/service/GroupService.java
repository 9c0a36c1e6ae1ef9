package io.cairn.service;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.Dialect;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Group;
import io.cairn.domain.GroupSnapshot;
import io.cairn.domain.GroupStatus;
import io.cairn.domain.GroupTransitions;
import io.cairn.domain.GroupType;
import io.cairn.domain.GroupWork;
import io.cairn.domain.Snapshot;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeTransitions;
import io.cairn.domain.VolumeWork;
import io.cairn.store.Database;
import io.cairn.store.GroupSnapshotStore;
import io.cairn.store.GroupStore;
import io.cairn.store.SnapshotStore;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskQueue;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/**
 * Groups: Cinder's rules for creating them (empty, or from a group snapshot or another group), changing their
 * members, deleting them (with their volumes when asked) and resetting their status. Group snapshots and the revert
 * to one are {@link GroupSnapshotService}'s; the member volumes' own work is {@link VolumeWorkHandler}'s, whose end
 * settles the group ({@link #settle}).
 */
public final class GroupService {
    public static final ListSpec LIST_SPEC = ListSpec.groupApi("Group", ErrorCode.GROUP_NOT_FOUND, List.of("name"));

    /** Cinder's VALID_ADD_VOL_TO_GROUP_STATUS and VALID_REMOVE_VOL_FROM_GROUP_STATUS, as its messages print them. */
    private static final String ADDABLE = "('available', 'in-use')";

    private static final List<VolumeStatus> REMOVABLE =
            List.of(VolumeStatus.AVAILABLE, VolumeStatus.IN_USE, VolumeStatus.ERROR, VolumeStatus.ERROR_DELETING);

    private final Database database;
    private final GroupStore groups;
    private final GroupSnapshotStore groupSnapshots;
    private final GroupTypeService types;
    private final VolumeTypeService volumeTypes;
    private final VolumeStore volumes;
    private final SnapshotStore snapshots;
    private final VolumeService volumeService;
    private final QuotaService quotas;
    private final TaskQueue tasks;
    private final Clock clock;
    private final String host;

    /** @param host Cinder's host string of this node's backend, which new groups get */
    public GroupService(
            Database database,
            GroupStore groups,
            GroupSnapshotStore groupSnapshots,
            GroupTypeService types,
            VolumeTypeService volumeTypes,
            VolumeStore volumes,
            SnapshotStore snapshots,
            VolumeService volumeService,
            QuotaService quotas,
            TaskQueue tasks,
            Clock clock,
            String host) {
        this.database = database;
        this.groups = groups;
        this.groupSnapshots = groupSnapshots;
        this.types = types;
        this.volumeTypes = volumeTypes;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.volumeService = volumeService;
        this.quotas = quotas;
        this.tasks = tasks;
        this.clock = clock;
        this.host = host;
    }

    /** A page of the caller's groups (an admin's of every project with {@code all_tenants}), by Cinder's list rules. */
    public Page<Group> list(Caller caller, ApiVersion version, List<Map.Entry<String, String>> query) {
        ListRules.Plan plan =
                ListRules.plan(LIST_SPEC, groups.listSource(), caller, version, query, Policy.GET_ALL_GROUPS);
        return ListRules.execute(LIST_SPEC, plan, groups.listSource());
    }

    public Group get(Caller caller, String id) {
        Group group = find(groups, database.dsl(), caller, id);
        Policy.GET_GROUP.authorize(caller);
        return group;
    }

    /** The ids of the group's live volumes, oldest first (Cinder's {@code list_volume}). */
    public List<String> volumeIds(String groupId) {
        return database.transaction(
                tx -> volumes.findByGroup(tx, groupId).stream().map(Volume::id).toList());
    }

    /** Whether the caller sees a group's project. */
    public boolean showsProject(Caller caller) {
        return Policy.GROUP_PROJECT_ATTRIBUTE.allows(caller);
    }

    /** Creates an empty group, available at once: nothing of it lives in the engine until it has volumes. */
    public Group create(
            Caller caller,
            String name,
            String description,
            String groupType,
            List<String> volumeTypes,
            Optional<String> availabilityZone) {
        Policy.CREATE_GROUP.authorize(caller);
        String zone = zone(availabilityZone);
        Instant now = now();
        return database.transaction(tx -> {
            GroupType type = types.resolve(tx, groupType);
            List<String> volumeTypeIds = volumeTypes.stream()
                    .map(requested -> this.volumeTypes.resolve(tx, caller, requested))
                    .distinct()
                    .toList();
            quotas.reserve(tx, caller.projectId(), Map.of(QuotaService.GROUPS, 1L));
            Group group = new Group(
                    UUID.randomUUID().toString(),
                    caller.projectId(),
                    caller.userId(),
                    GroupStatus.AVAILABLE,
                    zone,
                    host,
                    type.id(),
                    name,
                    description,
                    null,
                    null,
                    volumeTypeIds,
                    now,
                    null);
            groups.insert(tx, group);
            return group;
        });
    }

    /**
     * Creates a group from a group snapshot (a volume from each member snapshot, each by its own task; the group is
     * creating until the last of them is created, {@link #settle}) or from another group (a clone of each volume, all
     * of the same instant, by one group task).
     */
    public Group createFromSource(
            Caller caller,
            String name,
            String description,
            Optional<String> groupSnapshotId,
            Optional<String> sourceGroupId) {
        Policy.CREATE_GROUP.authorize(caller);
        Instant now = now();
        Group created = database.transaction(tx -> {
            Group source;
            List<Optional<Snapshot>> from = new ArrayList<>();
            List<Volume> originals = new ArrayList<>();
            if (groupSnapshotId.isPresent()) {
                GroupSnapshot groupSnapshot = groupSnapshots
                        .find(tx, groupSnapshotId.get(), Lookup.scope(caller))
                        .orElseThrow(() -> CairnException.groupSnapshotNotFound(groupSnapshotId.get()));
                if (!groupSnapshots.apply(tx, GroupTransitions.GROUP_SOURCE, groupSnapshot.id(), now)) {
                    throw CairnException.invalidGroup("Group snapshot " + groupSnapshot.id()
                            + " status must be available, but current status is: "
                            + groupSnapshot.status().wire() + ".");
                }
                source = groups.find(tx, groupSnapshot.groupId(), Optional.empty())
                        .orElseThrow(() -> CairnException.groupNotFound(groupSnapshot.groupId()));
                for (Snapshot member : snapshots.findByGroupSnapshot(tx, groupSnapshot.id())) {
                    from.add(Optional.of(member));
                }
                if (from.isEmpty()) {
                    throw CairnException.invalidGroup("Group snapshot is empty. No group will be created.");
                }
            } else {
                source = find(groups, tx, caller, sourceGroupId.orElseThrow());
                if (!groups.apply(tx, GroupTransitions.SOURCE, source.id(), now)) {
                    throw CairnException.invalidGroup("Source group " + source.id()
                            + " status must be available, but current status is: "
                            + source.status().wire() + ".");
                }
                originals.addAll(volumes.findByGroup(tx, source.id()));
                if (originals.isEmpty()) {
                    throw CairnException.invalidGroup("Source Group is empty. No group will be created.");
                }
            }
            quotas.reserve(tx, caller.projectId(), Map.of(QuotaService.GROUPS, 1L));
            Group group = new Group(
                    UUID.randomUUID().toString(),
                    caller.projectId(),
                    caller.userId(),
                    GroupStatus.CREATING,
                    source.availabilityZone(),
                    source.host(),
                    source.groupTypeId(),
                    name,
                    description,
                    groupSnapshotId.orElse(null),
                    sourceGroupId.orElse(null),
                    source.volumeTypeIds(),
                    now,
                    null);
            groups.insert(tx, group);
            for (Optional<Snapshot> snapshot : from) {
                addVolumeFromSnapshot(tx, caller, group, snapshot.get().id(), now);
            }
            for (Volume original : originals) {
                volumeService.insertGroupMember(tx, caller, memberRequest(group, null, original.id()), now);
            }
            if (!originals.isEmpty()) {
                tasks.enqueue(tx, GroupWork.CLONE_GROUP, group.id());
            }
            return group;
        });
        tasks.wake();
        return created;
    }

    private void addVolumeFromSnapshot(DSLContext tx, Caller caller, Group group, String snapshotId, Instant now) {
        volumeService.insert(
                tx, caller, memberRequest(group, snapshotId, null), Dialect.CINDER, VolumeWork.CREATE_VOLUME, now);
    }

    private static VolumeCreate memberRequest(Group group, String snapshotId, String sourceVolid) {
        return new VolumeCreate(null, null, null, null, Map.of(), snapshotId, sourceVolid, null, false, group.id());
    }

    /**
     * Renames, re-describes and changes the members of a group. A name or description equal to the current one
     * counts as not given; the volumes are comma-separated ids, as Cinder takes them.
     */
    public void update(
            Caller caller,
            String id,
            Optional<String> name,
            Optional<String> description,
            Optional<String> addVolumes,
            Optional<String> removeVolumes) {
        Instant now = now();
        database.execute(tx -> {
            Group group = find(groups, tx, caller, id);
            Policy.UPDATE_GROUP.authorize(caller);
            groups.lock(tx, id);
            Optional<String> newName = name.filter(n -> !n.equals(group.name()));
            Optional<String> newDescription = description.filter(d -> !d.equals(group.description()));
            List<String> adding = ids(addVolumes);
            List<String> removing = ids(removeVolumes);
            List<String> inBoth = adding.stream().filter(removing::contains).toList();
            if (!inBoth.isEmpty()) {
                throw CairnException.invalidVolume(
                        "UUIDs " + pythonList(inBoth) + " are in both add and remove volume list.");
            }
            List<Volume> members = volumes.findByGroup(tx, id);
            List<String> memberIds = members.stream().map(Volume::id).toList();
            List<Volume> toRemove = new ArrayList<>();
            for (Volume member : members) {
                if (removing.contains(member.id())) {
                    if (!REMOVABLE.contains(member.status())) {
                        throw CairnException.invalidVolume("Cannot remove volume " + member.id() + " from group "
                                + id + " because volume is in an invalid state: "
                                + member.status().wire()
                                + ". Valid states are: ('available', 'in-use', 'error', 'error_deleting').");
                    }
                    toRemove.add(member);
                }
            }
            for (String volumeId : removing) {
                if (!memberIds.contains(volumeId)) {
                    throw CairnException.invalidVolume("Cannot remove volume " + volumeId + " from group " + id
                            + " because it is not in the group.");
                }
            }
            List<Volume> toAdd = new ArrayList<>();
            for (String volumeId : adding) {
                if (!memberIds.contains(volumeId)) {
                    toAdd.add(addable(tx, caller, group, volumeId, now));
                }
            }
            if (newName.isEmpty() && newDescription.isEmpty() && toAdd.isEmpty() && toRemove.isEmpty()) {
                throw CairnException.invalidGroup("Cannot update group " + id
                        + " because no valid name, description, add_volumes, or remove_volumes were provided.");
            }
            if (!groups.apply(tx, GroupTransitions.UPDATE, id, now)) {
                throw CairnException.invalidGroup("Group status must be available.");
            }
            toAdd.forEach(volume -> volumes.setGroup(tx, volume.id(), Optional.of(id), now));
            toRemove.forEach(volume -> volumes.setGroup(tx, volume.id(), Optional.empty(), now));
            if (newName.isPresent() || newDescription.isPresent()) {
                groups.updateNameAndDescription(
                        tx, id, newName.orElse(group.name()), newDescription.orElse(group.description()), now);
            }
        });
    }

    /** A volume that may join the group, in Cinder's order of checks and words. */
    private Volume addable(DSLContext tx, Caller caller, Group group, String volumeId, Instant now) {
        String cannot = "Cannot add volume " + volumeId + " to group " + group.id();
        Volume volume = volumes.find(tx, volumeId, Lookup.scope(caller))
                .orElseThrow(() -> CairnException.invalidVolume(cannot + " because volume cannot be found."));
        if (volume.groupId() != null) {
            throw CairnException.invalidVolume(cannot + " because it is already in group " + volume.groupId() + ".");
        }
        if (!volume.projectId().equals(group.projectId())) {
            throw CairnException.invalidVolume(cannot + " as they belong to different projects.");
        }
        if (!group.volumeTypeIds().contains(volume.volumeTypeId())) {
            throw CairnException.invalidVolume(
                    cannot + " because volume type " + volume.volumeTypeId() + " is not supported by the group.");
        }
        if (!volumes.apply(tx, VolumeTransitions.JOIN_GROUP, volumeId, now)) {
            throw CairnException.invalidVolume(cannot + " because volume is in an invalid state: "
                    + volume.status().wire() + ". Valid states are: " + ADDABLE + ".");
        }
        if (!group.host().equals(volume.host())) {
            throw CairnException.invalidVolume("Volume is not local to this node.");
        }
        return volume;
    }

    /**
     * Deletes a group; with {@code deleteVolumes}, its volumes too (each by its own delete task, the last of which
     * deletes the group), in any group status.
     */
    public void delete(Caller caller, String id, boolean deleteVolumes) {
        Instant now = now();
        database.execute(tx -> {
            Group group = find(groups, tx, caller, id);
            Policy.DELETE_GROUP.authorize(caller);
            if (!deleteVolumes && group.status() != GroupStatus.AVAILABLE && group.status() != GroupStatus.ERROR) {
                throw CairnException.invalidGroup("Group status must be available or error, but current status is: "
                        + group.status().wire());
            }
            if (groupSnapshots.anyOfGroup(tx, id)) {
                throw CairnException.invalidGroup("Group has existing snapshots.");
            }
            List<Volume> members = volumes.findByGroup(tx, id);
            if (!members.isEmpty() && !deleteVolumes) {
                throw CairnException.invalidGroup(
                        "Group " + id + " still contains volumes. The delete-volumes flag is required to delete it.");
            }
            for (Volume member : members) {
                if (member.attachStatus().equals("attached")) {
                    throw CairnException.invalidGroup("Volume in group " + id + " is attached. Need to detach first.");
                }
                if (!snapshots.findByVolume(tx, member.id()).isEmpty()) {
                    throw CairnException.invalidGroup("Volume in group still has dependent snapshots.");
                }
            }
            String refused = "Cannot delete group " + id + ". "
                    + (deleteVolumes
                            ? "Group status must be available or error and must not have dependent group snapshots"
                            : "Group must not have attached volumes, volumes with snapshots, or dependent group"
                                    + " snapshots")
                    + ", and it cannot be the source for an ongoing group or group snapshot creation.";
            if (!groups.apply(
                    tx, deleteVolumes ? GroupTransitions.DELETE_WITH_VOLUMES : GroupTransitions.DELETE, id, now)) {
                throw CairnException.invalidGroup(refused);
            }
            for (Volume member : members) {
                if (!volumes.apply(tx, VolumeTransitions.GROUP_DELETE, member.id(), now)) {
                    throw CairnException.invalidGroup(refused);
                }
                tasks.enqueue(tx, VolumeWork.DELETE_VOLUME, member.id());
            }
            if (members.isEmpty()) {
                settle(tx, id, now);
            }
        });
        tasks.wake();
    }

    /** Admin reset: any status, no transition rules, as Cinder's. */
    public void resetStatus(Caller caller, String id, String status) {
        GroupStatus target = GroupStatus.parse(status)
                .filter(s -> s != GroupStatus.REVERTING)
                .orElseThrow(() -> CairnException.badRequest("Invalid Group Status: " + status
                        + " is not one of error, available, creating, deleting, deleted, updating, in-use,"
                        + " error_deleting."));
        Instant now = now();
        database.execute(tx -> {
            find(groups, tx, caller, id);
            Policy.RESET_GROUP_STATUS.authorize(caller);
            groups.apply(tx, GroupTransitions.reset(target), id, now);
        });
    }

    /**
     * What the end of a member volume's work means for its group, in that work's transaction: a group being created
     * is available once none of its volumes is still being created (in error if one failed); a group being deleted
     * is deleted, and its quota given back, once it has no volume left (in error_deleting if one stays).
     */
    void settle(DSLContext tx, String groupId, Instant now) {
        Optional<Group> found = groups.find(tx, groupId, Optional.empty());
        if (found.isEmpty()) {
            return;
        }
        Group group = found.get();
        List<Volume> members = volumes.findByGroup(tx, groupId);
        switch (group.status()) {
            case CREATING -> {
                if (members.stream().noneMatch(v -> v.status() == VolumeStatus.CREATING)) {
                    boolean allAvailable = members.stream().allMatch(v -> v.status() == VolumeStatus.AVAILABLE);
                    groups.finish(
                            tx,
                            groupId,
                            GroupStatus.CREATING,
                            allAvailable ? GroupStatus.AVAILABLE : GroupStatus.ERROR,
                            now);
                }
            }
            case DELETING -> {
                if (members.isEmpty()) {
                    if (groups.finish(tx, groupId, GroupStatus.DELETING, GroupStatus.DELETED, now)) {
                        quotas.release(tx, group.projectId(), Map.of(QuotaService.GROUPS, 1L));
                    }
                } else if (members.stream().noneMatch(v -> v.status() == VolumeStatus.DELETING)) {
                    groups.finish(tx, groupId, GroupStatus.DELETING, GroupStatus.ERROR_DELETING, now);
                }
            }
            case ERROR, AVAILABLE, DELETED, UPDATING, IN_USE, ERROR_DELETING, REVERTING -> {}
        }
    }

    /** The group in the caller's scope: another project's is not found, whatever the caller's roles. */
    static Group find(GroupStore groups, DSLContext tx, Caller caller, String id) {
        return groups.find(tx, id, Lookup.scope(caller)).orElseThrow(() -> CairnException.groupNotFound(id));
    }

    private static String zone(Optional<String> requested) {
        String zone = requested.orElse(VolumeService.DEFAULT_AVAILABILITY_ZONE);
        if (!zone.equals(VolumeService.DEFAULT_AVAILABILITY_ZONE)) {
            throw CairnException.invalidInput("Availability zone '" + zone + "' is invalid.");
        }
        return zone;
    }

    /** Cinder's parse of a comma-separated list: outer commas dropped, then split. */
    private static List<String> ids(Optional<String> text) {
        if (text.isEmpty() || text.get().isEmpty()) {
            return List.of();
        }
        String stripped = text.get().replaceAll("^,+|,+$", "");
        return List.of(stripped.split(",", -1));
    }

    private static String pythonList(List<String> items) {
        return "['" + String.join("', '", items) + "']";
    }

    private Instant now() {
        return Lookup.now(clock);
    }
}
