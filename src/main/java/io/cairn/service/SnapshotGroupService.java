package io.cairn.service;

import static java.util.Objects.requireNonNull;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotGroup;
import io.cairn.domain.SnapshotGroupStatus;
import io.cairn.domain.SnapshotGroupWork;
import io.cairn.domain.SnapshotTransitions;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeAttachment;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeTransitions;
import io.cairn.store.Database;
import io.cairn.store.EvsTagStore;
import io.cairn.store.SnapshotGroupStore;
import io.cairn.store.SnapshotStore;
import io.cairn.store.TaskStore;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskQueue;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * EVS snapshot groups (快照一致性组): one snapshot of each named disk, all taken at one instant by one
 * {@link SnapshotGroupWork#CREATE_SNAPSHOT_GROUP}, which freezes the disks' maps together as a Cinder group snapshot
 * does. EVS names bare disks (or a server's), not a Cinder group, so a snapshot group is a row of its own and needs no
 * group: its member snapshots name it in their group snapshot id, which keeps them out of single deletes and out of the
 * single-snapshot worker, as a group snapshot's members are.
 */
public final class SnapshotGroupService {
    private final Database database;
    private final SnapshotGroupStore groups;
    private final VolumeStore volumes;
    private final SnapshotStore snapshots;
    private final EvsTagStore tags;
    private final QuotaService quotas;
    private final TaskQueue tasks;
    private final TaskStore taskStore;
    private final EvsJobService jobs;
    private final Clock clock;

    public SnapshotGroupService(
            Database database,
            SnapshotGroupStore groups,
            VolumeStore volumes,
            SnapshotStore snapshots,
            EvsTagStore tags,
            QuotaService quotas,
            TaskQueue tasks,
            TaskStore taskStore,
            EvsJobService jobs,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.groups = requireNonNull(groups, "groups is null");
        this.volumes = requireNonNull(volumes, "volumes is null");
        this.snapshots = requireNonNull(snapshots, "snapshots is null");
        this.tags = requireNonNull(tags, "tags is null");
        this.quotas = requireNonNull(quotas, "quotas is null");
        this.tasks = requireNonNull(tasks, "tasks is null");
        this.taskStore = requireNonNull(taskStore, "taskStore is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A snapshot group with its tags. */
    public record Shown(SnapshotGroup group, Map<String, String> tags) {}

    /** An accepted request and the job (the task) that carries it out. */
    public record Accepted(String snapshotGroupId, String jobId) {}

    /** One page of a list and the total of all that match. */
    public record GroupPage(List<Shown> items, int count) {
        public GroupPage {
            items = List.copyOf(items);
        }
    }

    /**
     * Records a snapshot group of the disks named (or, with a server and no disks, of every disk attached to that
     * server), a creating member snapshot of each, counted against the snapshot quotas, and the one task that takes
     * them all. Each disk must be available or in use; all must be on one host, the one engine that freezes them
     * together.
     */
    public Accepted create(
            Caller caller,
            Optional<String> serverId,
            List<String> volumeIds,
            String name,
            String description,
            Map<String, String> newTags) {
        EvsService.checkText("name", name);
        EvsService.checkText("description", description);
        if (serverId.isEmpty() && volumeIds.isEmpty()) {
            throw CairnException.badRequest("server_id and volume_ids cannot both be empty.");
        }
        Policy.CREATE_SNAPSHOT.authorize(caller);
        Instant now = Lookup.now(clock);
        String id = UUID.randomUUID().toString();
        database.execute(tx -> {
            // Locked in id order, so two requests naming the same disks never wait on each other.
            List<Volume> members = new ArrayList<>();
            for (String volumeId : new TreeSet<>(members(caller, serverId, volumeIds))) {
                members.add(Lookup.lockedVolume(volumes, tx, caller, volumeId));
            }
            for (Volume member : members) {
                if (serverId.isPresent() && !attachedTo(member, serverId.get())) {
                    throw CairnException.badRequest(
                            "Volume " + member.id() + " is not attached to server " + serverId.get() + ".");
                }
                if (!volumes.apply(tx, VolumeTransitions.STANDARD_SNAPSHOT_SOURCE, member.id(), now)) {
                    if (volumes.apply(tx, VolumeTransitions.SNAPSHOT_SOURCE_IN_USE, member.id(), now)) {
                        throw SnapshotService.snapshotInCreation(member.id());
                    }
                    throw CairnException.invalidVolume("Volume " + member.id()
                            + " status must be available or in-use, but current status is: "
                            + member.status().wire() + ".");
                }
            }
            Set<String> hosts = new HashSet<>();
            members.forEach(member -> hosts.add(member.host()));
            if (hosts.size() != 1) {
                throw CairnException.badRequest("The disks of a snapshot group must be on one host; these are on "
                        + new TreeSet<>(hosts) + ".");
            }
            quotas.reserve(
                    tx,
                    caller.projectId(),
                    Map.of(
                            QuotaService.SNAPSHOTS,
                            (long) members.size(),
                            QuotaService.GIGABYTES,
                            members.stream().mapToLong(Volume::size).sum()));
            groups.insert(
                    tx,
                    new SnapshotGroup(
                            id,
                            caller.projectId(),
                            caller.userId(),
                            SnapshotGroupStatus.CREATING,
                            hosts.iterator().next(),
                            serverId.orElse(null),
                            members.stream().mapToInt(Volume::size).sum(),
                            name,
                            description,
                            now,
                            null));
            for (Volume member : members) {
                snapshots.insert(
                        tx,
                        Snapshot.creating(
                                UUID.randomUUID().toString(), caller, member, id, name, description, now, Map.of()));
            }
            tags.put(tx, EvsTagStore.Kind.SNAPSHOT_GROUP, id, caller.projectId(), newTags);
            tasks.enqueue(tx, SnapshotGroupWork.CREATE_SNAPSHOT_GROUP, id);
        });
        tasks.wake();
        return new Accepted(
                id,
                jobs.started(
                        caller,
                        EvsJobService.Type.CREATE_SNAPSHOT_GROUP,
                        SnapshotGroupWork.CREATE_SNAPSHOT_GROUP,
                        id,
                        Instant.EPOCH,
                        new EvsJobService.Entities(null, null, id)));
    }

    public Shown get(Caller caller, String id) {
        SnapshotGroup group = find(caller, id);
        Policy.GET_SNAPSHOT.authorize(caller);
        return new Shown(
                group, tags.tags(EvsTagStore.Kind.SNAPSHOT_GROUP, List.of(id)).getOrDefault(id, Map.of()));
    }

    /**
     * {@code GET /v5/{project_id}/snapshot-groups/detail}: the caller's project's snapshot groups, newest first unless
     * sorted otherwise, paged by offset; unknown parameters are ignored, as EVS does.
     *
     * @param tagFilter the {@code tags} parameter's key/value pairs, every one of which a group must have
     */
    public GroupPage list(Caller caller, List<Map.Entry<String, String>> query, Map<String, String> tagFilter) {
        Policy.GET_ALL_SNAPSHOTS.authorize(caller);
        int limit = EvsService.MAX_LIMIT;
        int offset = 0;
        String sortKey = "created_at";
        boolean ascending = false;
        Optional<String> name = Optional.empty();
        Optional<String> status = Optional.empty();
        Optional<String> server = Optional.empty();
        Optional<Set<String>> ids = Optional.empty();
        boolean nothingMatches = false;
        for (Map.Entry<String, String> parameter : query) {
            String value = parameter.getValue();
            switch (parameter.getKey()) {
                case "limit" -> limit = EvsService.parseLimit(value);
                case "offset" -> offset = EvsService.parseOffset(value);
                case "sort_key" -> {
                    if (!SnapshotGroupStore.SORT_KEYS.contains(value)) {
                        throw new CairnException(ErrorCode.LIST_SORT_KEY_INVALID, "invalid sort_key!");
                    }
                    sortKey = value;
                }
                case "sort_dir" -> ascending = EvsService.parseSortDir(value);
                case "id" -> ids = Optional.of(EvsService.intersect(ids, List.of(value)));
                case "name" -> name = Optional.of(value);
                case "status" -> {
                    if (SnapshotGroupStatus.parse(value)
                            .filter(s -> s != SnapshotGroupStatus.DELETED)
                            .isEmpty()) {
                        throw CairnException.badRequest("Must specify a valid status.");
                    }
                    status = Optional.of(value);
                }
                case "server_id" -> server = Optional.of(value);
                case "tag_key" ->
                    ids = Optional.of(EvsService.intersect(
                            ids,
                            tags.idsTagged(
                                    EvsTagStore.Kind.SNAPSHOT_GROUP, caller.projectId(), value, Optional.empty())));
                case "enterprise_project_id" -> nothingMatches |= !EvsService.visibleEnterpriseProject(value);
                default -> {} // EVS ignores parameters it does not know
            }
        }
        for (Map.Entry<String, String> tag : tagFilter.entrySet()) {
            ids = Optional.of(EvsService.intersect(
                    ids,
                    tags.idsTagged(
                            EvsTagStore.Kind.SNAPSHOT_GROUP,
                            caller.projectId(),
                            tag.getKey(),
                            Optional.of(tag.getValue()))));
        }
        if (nothingMatches || ids.filter(Collection::isEmpty).isPresent()) {
            return new GroupPage(List.of(), 0);
        }
        SnapshotGroupStore.Query listQuery = new SnapshotGroupStore.Query(
                caller.projectId(), ids, name, status, server, sortKey, ascending, offset, limit);
        List<SnapshotGroup> page = groups.list(listQuery);
        Map<String, Map<String, String>> pageTags = tags.tags(
                EvsTagStore.Kind.SNAPSHOT_GROUP,
                page.stream().map(SnapshotGroup::id).toList());
        return new GroupPage(
                page.stream()
                        .map(g -> new Shown(g, pageTags.getOrDefault(g.id(), Map.of())))
                        .toList(),
                groups.count(listQuery));
    }

    /** Renames or redescribes a snapshot group; an absent field keeps its value, a null one clears it. */
    public Shown update(
            Caller caller, String id, Optional<Optional<String>> name, Optional<Optional<String>> description) {
        name.flatMap(n -> n).ifPresent(n -> EvsService.checkText("name", n));
        description.flatMap(d -> d).ifPresent(d -> EvsService.checkText("description", d));
        Policy.UPDATE_SNAPSHOT.authorize(caller);
        Instant now = Lookup.now(clock);
        database.execute(tx -> {
            SnapshotGroup group = groups.find(tx, id, Lookup.scope(caller)).orElseThrow(() -> notFound(id));
            groups.updateNameAndDescription(
                    tx,
                    id,
                    name.map(n -> n.orElse(null)).orElse(group.name()),
                    description.map(d -> d.orElse(null)).orElse(group.description()),
                    now);
        });
        return get(caller, id);
    }

    /** Deletes a snapshot group, available or in error, with its member snapshots; returns the job doing it. */
    public String delete(Caller caller, String id) {
        Policy.DELETE_SNAPSHOT.authorize(caller);
        Instant now = Lookup.now(clock);
        database.execute(tx -> {
            SnapshotGroup group = groups.find(tx, id, Lookup.scope(caller)).orElseThrow(() -> notFound(id));
            if (!groups.transition(tx, id, SnapshotGroupStatus.DELETABLE, SnapshotGroupStatus.DELETING, now)) {
                throw CairnException.badRequest("Snapshot group " + id
                        + " status must be available or error to be deleted, but current status is: "
                        + group.status().wire() + ".");
            }
            for (Snapshot member : snapshots.findByGroupSnapshot(tx, id)) {
                if (!snapshots.apply(tx, SnapshotTransitions.GROUP_DELETE, member.id(), now)) {
                    throw CairnException.badRequest("Snapshot " + member.id() + " of snapshot group " + id
                            + " must be available or error to be deleted, but its status is: "
                            + member.status().wire() + ".");
                }
            }
            tasks.enqueue(tx, SnapshotGroupWork.DELETE_SNAPSHOT_GROUP, id);
        });
        tasks.wake();
        // A group is deleted once: its delete is the only task of that kind it ever has.
        return jobs.started(
                caller,
                EvsJobService.Type.DELETE_SNAPSHOT_GROUP,
                SnapshotGroupWork.DELETE_SNAPSHOT_GROUP,
                id,
                Instant.EPOCH,
                new EvsJobService.Entities(null, null, id));
    }

    /** Sets tags on a snapshot group (a key it has gets the new value). */
    public void addTags(Caller caller, String id, Map<String, String> newTags) {
        Policy.UPDATE_SNAPSHOT.authorize(caller);
        database.execute(tx -> {
            SnapshotGroup group = groups.find(tx, id, Lookup.scope(caller)).orElseThrow(() -> notFound(id));
            tags.put(tx, EvsTagStore.Kind.SNAPSHOT_GROUP, id, group.projectId(), newTags);
        });
    }

    /** Removes tags from a snapshot group by key; keys it does not have are ignored. */
    public void removeTags(Caller caller, String id, Collection<String> keys) {
        Policy.UPDATE_SNAPSHOT.authorize(caller);
        database.execute(tx -> {
            if (groups.find(tx, id, Lookup.scope(caller)).isEmpty()) {
                throw notFound(id);
            }
            tags.remove(tx, EvsTagStore.Kind.SNAPSHOT_GROUP, id, keys);
        });
    }

    /** The tag keys of the caller's project's snapshot groups, each with the values it takes. */
    public Map<String, List<String>> tagKeys(Caller caller) {
        Policy.GET_ALL_SNAPSHOTS.authorize(caller);
        return tags.keys(EvsTagStore.Kind.SNAPSHOT_GROUP, caller.projectId());
    }

    /**
     * The recovery pass for snapshot groups, run at start-up after {@link io.cairn.task.RecoveryPass}: a group left
     * creating or deleting without a task gets its task again (its member snapshots' own tasks, which that pass may
     * give them, do nothing). Safe while other nodes run: it acts only under the row's lock with no open task for it.
     */
    public int resumeInterrupted() {
        int resumed = 0;
        for (SnapshotGroupWork work : SnapshotGroupWork.values()) {
            for (String id : groups.idsInStatus(work.running())) {
                if (database.transaction(tx -> {
                    if (!groups.lockIfInStatus(tx, id, work.running()) || taskStore.hasOpenTask(tx, id)) {
                        return false;
                    }
                    tasks.enqueue(tx, work, id);
                    return true;
                })) {
                    resumed++;
                }
            }
        }
        return resumed;
    }

    /** The disks a request names: the ids given, else every disk attached to the server, in the caller's project. */
    private List<String> members(Caller caller, Optional<String> serverId, List<String> volumeIds) {
        if (!volumeIds.isEmpty()) {
            return List.copyOf(new LinkedHashSet<>(volumeIds));
        }
        // The project's rows come without attachments: those in use are read again with theirs.
        List<String> attached = volumes.all(Optional.of(caller.projectId())).stream()
                .filter(v -> v.status() == VolumeStatus.IN_USE)
                .flatMap(v -> volumes.find(v.id(), Optional.of(caller.projectId())).stream())
                .filter(v -> attachedTo(v, serverId.orElseThrow()))
                .map(Volume::id)
                .toList();
        if (attached.isEmpty()) {
            throw CairnException.badRequest("Server " + serverId.orElseThrow() + " has no disks attached.");
        }
        return attached;
    }

    private static boolean attachedTo(Volume volume, String serverId) {
        return volume.attachments().stream().map(VolumeAttachment::instanceUuid).anyMatch(serverId::equals);
    }

    private SnapshotGroup find(Caller caller, String id) {
        return groups.find(id, Lookup.scope(caller)).orElseThrow(() -> notFound(id));
    }

    static CairnException notFound(String id) {
        return new CairnException(ErrorCode.RESOURCE_NOT_FOUND, "Snapshot group " + id + " could not be found.");
    }
}
