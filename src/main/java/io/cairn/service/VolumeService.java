package io.cairn.service;

import io.cairn.compat.OsloBoolean;
import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.Dialect;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Group;
import io.cairn.domain.GroupTransitions;
import io.cairn.domain.RowVersion;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotTransitions;
import io.cairn.domain.SnapshotWork;
import io.cairn.domain.Transition;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeGuard;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeTransitions;
import io.cairn.domain.VolumeWork;
import io.cairn.store.Database;
import io.cairn.store.GroupStore;
import io.cairn.store.ListQuery;
import io.cairn.store.SnapshotStore;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskQueue;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.DSLContext;

/**
 * Volumes: Cinder's rules for listing, creating, changing and deleting them. Their actions are
 * {@link VolumeActions}', attachments {@link VolumeAttachments}', metadata {@link MetadataService}'s, and the
 * work a request starts {@link VolumeWorkHandler}'s.
 */
public final class VolumeService {
    public static final String DEFAULT_AVAILABILITY_ZONE = "nova";
    private static final String NOT_DELETABLE = "must not be migrating, attached, belong to a group, have snapshots, "
            + "awaiting a transfer, or be disassociated from snapshots after volume transfer.";

    public static final ListSpec LIST_SPEC = new ListSpec(
            "Volume",
            ErrorCode.VOLUME_NOT_FOUND,
            ListSpec.Style.VOLUME_API,
            Set.of("name", "status", "metadata", "availability_zone", "bootable", "group_id"),
            ApiVersion.MIN,
            List.of(
                    "name",
                    "status",
                    "metadata",
                    "bootable",
                    "migration_status",
                    "availability_zone",
                    "group_id",
                    "size",
                    "created_at",
                    "updated_at",
                    "consumes_quota"),
            Map.of("name", "display_name"));

    private final Database database;
    private final VolumeStore volumes;
    private final SnapshotStore snapshots;
    private final GroupStore groups;
    private final VolumeTypeService types;
    private final MetadataService metadata;
    private final QuotaService quotas;
    private final TaskQueue tasks;
    private final Clock clock;
    private final String host;

    /** @param host Cinder's host string of this node's backend, e.g. {@code node1@local#default} */
    public VolumeService(
            Database database,
            VolumeStore volumes,
            SnapshotStore snapshots,
            GroupStore groups,
            VolumeTypeService types,
            MetadataService metadata,
            QuotaService quotas,
            TaskQueue tasks,
            Clock clock,
            String host) {
        this.database = database;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.groups = groups;
        this.types = types;
        this.metadata = metadata;
        this.quotas = quotas;
        this.tasks = tasks;
        this.clock = clock;
        this.host = host;
    }

    public Page<Volume> list(Caller caller, ApiVersion version, List<Map.Entry<String, String>> query) {
        ListRules.Plan plan = ListRules.plan(LIST_SPEC, volumes, caller, version, query, Policy.GET_ALL_VOLUMES);
        return ListRules.execute(LIST_SPEC, volumeRules(plan, version), volumes);
    }

    /** The volume columns Cinder's {@code check_volume_filters} reads as booleans (use_quota is read before it). */
    private static final Set<String> BOOLEAN_FILTERS = Set.of("bootable", "multiattach");

    /**
     * Where Cinder's volume list differs from the snapshot list the shared rules follow: {@code name} sorts by the
     * display name at every microversion (snapshots only from 3.30), and boolean filters are read as
     * {@code check_volume_filters} reads them (strictly from 3.2, a 400 for anything else; before, only
     * False/false/FALSE is false and any other non-empty value true).
     */
    private static ListRules.Plan volumeRules(ListRules.Plan plan, ApiVersion version) {
        List<ListQuery.SortKey> sort = new ArrayList<>(plan.sort());
        int name = sort.stream().map(ListQuery.SortKey::column).toList().indexOf("name");
        if (!version.atLeast(ApiVersion.SORT_BY_NAME) && name >= 0) {
            sort.set(name, new ListQuery.SortKey("display_name", sort.get(name).ascending()));
        }
        Optional<List<ListQuery.Filter>> filters = plan.filters()
                .map(all -> all.stream()
                        .map(filter -> {
                            if (filter instanceof ListQuery.Filter.Equals equals
                                    && BOOLEAN_FILTERS.contains(equals.column().name())) {
                                return new ListQuery.Filter.Equals(
                                        equals.column(),
                                        Boolean.toString(booleanFilter(
                                                equals.column().name(),
                                                equals.value(),
                                                version.atLeast(ApiVersion.STRICT_BOOTABLE_FILTER))));
                            }
                            return filter;
                        })
                        .toList());
        return plan.with(sort, filters);
    }

    private static boolean booleanFilter(String column, String value, boolean strict) {
        if (!strict) {
            return !Set.of("False", "false", "FALSE").contains(value) && !value.isEmpty();
        }
        return OsloBoolean.fromString(value)
                .orElseThrow(() -> CairnException.invalidInput("'" + column + " = " + value + "'"));
    }

    /**
     * A list page as {@link #list} reads it, as the volumes' ids and versions: the caller renders from views it
     * keeps per version, and {@link #load}s the rest.
     */
    public Page<RowVersion> listVersions(Caller caller, ApiVersion version, List<Map.Entry<String, String>> query) {
        ListRules.Plan plan = ListRules.plan(LIST_SPEC, volumes, caller, version, query, Policy.GET_ALL_VOLUMES);
        return ListRules.executeVersions(LIST_SPEC, volumeRules(plan, version), volumes);
    }

    public Volume get(Caller caller, String id) {
        Policy.GET_VOLUME.authorize(caller);
        return Lookup.volume(volumes, caller, id);
    }

    /** The id and version of the volume {@link #get} would return, with the same policy and lookup. */
    public RowVersion getVersion(Caller caller, String id) {
        Policy.GET_VOLUME.authorize(caller);
        return volumes.findVersion(id, Lookup.scope(caller)).orElseThrow(() -> CairnException.volumeNotFound(id));
    }

    /**
     * The live volumes with these ids that the caller may see, with their details, in no order, for ids
     * {@link #listVersions} or {@link #getVersion} gave: a volume deleted since is left out.
     */
    public List<Volume> load(Caller caller, Collection<String> ids) {
        return volumes.findAll(ids, Lookup.scope(caller));
    }

    /** Count and total size of the caller's volumes (of every project for an admin with all_tenants), with their metadata values. */
    public record Summary(int totalCount, long totalSize, Map<String, List<String>> metadata) {}

    public Summary summary(Caller caller, boolean allTenants) {
        Policy.GET_ALL_VOLUMES.authorize(caller);
        List<Volume> all =
                volumes.all(caller.isAdmin() && allTenants ? Optional.empty() : Optional.of(caller.projectId()));
        // Cinder's DISTINCT has no ORDER BY: rows come in the order they were written, which the creation order
        // (oldest volume first, keys in their order) stands for.
        Map<String, Set<String>> metadata = new LinkedHashMap<>();
        all.forEach(v -> v.metadata()
                .forEach((k, value) ->
                        metadata.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(value)));
        Map<String, List<String>> values = new LinkedHashMap<>();
        metadata.forEach((k, set) -> values.put(k, List.copyOf(set)));
        return new Summary(all.size(), all.stream().mapToLong(Volume::size).sum(), values);
    }

    public Volume create(Caller caller, VolumeCreate request) {
        return create(caller, request, Dialect.CINDER);
    }

    /** Creates a volume; {@code dialect} says which snapshot statuses it may start from. */
    Volume create(Caller caller, VolumeCreate request, Dialect dialect) {
        Policy.CREATE_VOLUME.authorize(caller);
        if (request.multiattach()) {
            throw CairnException.badRequest(
                    "multiattach parameter has been removed. The default behavior is to use multiattach "
                            + "enabled volume types. Contact your administrator to create a multiattach enabled volume type and use it "
                            + "to create multiattach volumes.");
        }
        Instant now = now();
        Volume created = database.transaction(tx -> {
            if (request.groupId() != null) {
                requireGroupTakes(tx, caller, request);
            }
            return insert(tx, caller, request, dialect, VolumeWork.CREATE_VOLUME, now);
        });
        tasks.wake();
        return created;
    }

    /**
     * Records a new volume in {@code creation}'s running status with its quota and its task, in {@code tx}; the
     * caller wakes the queue once it commits. Shared by volume creation and the staging volumes of snapshot ingests.
     */
    Volume insert(
            DSLContext tx, Caller caller, VolumeCreate request, Dialect dialect, VolumeWork creation, Instant now) {
        Volume volume = record(tx, caller, request, dialect, creation.running(), now);
        tasks.enqueue(tx, creation, volume.id());
        return volume;
    }

    /**
     * Records a new volume, creating, with its quota and no task of its own: a group task creates it with the other
     * members of its group ({@link io.cairn.domain.GroupWork#CLONE_GROUP}).
     */
    Volume insertGroupMember(DSLContext tx, Caller caller, VolumeCreate request, Instant now) {
        return record(tx, caller, request, Dialect.CINDER, VolumeStatus.CREATING, now);
    }

    private Volume record(
            DSLContext tx, Caller caller, VolumeCreate request, Dialect dialect, VolumeStatus status, Instant now) {
        Source source = source(tx, caller, request, dialect);
        int size = request.size() != null ? request.size() : source.size();
        source.checkSize(size);
        String zone = request.availabilityZone() != null
                ? request.availabilityZone()
                : source.zone().orElse(DEFAULT_AVAILABILITY_ZONE);
        if (!zone.equals(DEFAULT_AVAILABILITY_ZONE)) {
            throw CairnException.badRequest("Availability zone '" + zone + "' is invalid.");
        }
        String type = request.volumeType() == null && source.volumeTypeId().isPresent()
                ? source.volumeTypeId().get()
                : types.resolve(tx, caller, request.volumeType());
        quotas.reserve(tx, caller.projectId(), Map.of(QuotaService.VOLUMES, 1L, QuotaService.GIGABYTES, (long) size));
        Volume volume = new Volume(
                UUID.randomUUID().toString(),
                caller.projectId(),
                caller.userId(),
                status,
                "detached",
                null,
                size,
                zone,
                source.host().orElse(host),
                request.name(),
                request.description(),
                request.snapshotId(),
                request.sourceVolid(),
                type,
                request.groupId(),
                source.bootable(),
                false,
                true,
                now,
                null,
                null,
                null,
                request.metadata(),
                Map.of(),
                List.of(),
                0);
        volumes.insert(tx, volume);
        return volume;
    }

    /**
     * What a new volume starts from: nothing, a snapshot or another volume. A copy lives where its source's
     * data does ({@code host}): with several nodes, only that node's engine can build it. A copy that names no
     * volume type gets its source's ({@code volumeTypeId}), as in Cinder.
     */
    private record Source(
            int size,
            Optional<String> zone,
            boolean bootable,
            String smallerMessage,
            Optional<String> host,
            Optional<String> volumeTypeId) {
        void checkSize(int requested) {
            if (requested < size) {
                throw CairnException.invalidInput(String.format(smallerMessage, requested, size));
            }
        }
    }

    private Source source(DSLContext tx, Caller caller, VolumeCreate request, Dialect dialect) {
        TreeSet<String> given = new TreeSet<>();
        if (request.snapshotId() != null) {
            given.add("snapshot");
        }
        if (request.sourceVolid() != null) {
            given.add("source volume");
        }
        if (given.size() > 1) {
            throw CairnException.invalidInput("May specify only one of " + String.join(", ", given));
        }
        if (request.snapshotId() != null) {
            Snapshot snapshot = Lookup.snapshot(snapshots, tx, caller, request.snapshotId());
            var holding = switch (dialect) {
                case CINDER -> SnapshotTransitions.VOLUME_SOURCE;
                case EVS -> SnapshotTransitions.EVS_VOLUME_SOURCE;
            };
            if (!snapshots.apply(tx, holding, snapshot.id(), Lookup.now(clock))) {
                throw new CairnException(
                        ErrorCode.SNAPSHOT_NOT_CLONEABLE,
                        switch (dialect) {
                            case CINDER ->
                                "Invalid snapshot: Originating snapshot status must be one of 'available' values";
                            case EVS -> "The status of snapshot is not available or backing-up.";
                        });
            }
            Optional<Volume> parent = volumes.find(tx, snapshot.volumeId(), Optional.empty());
            return new Source(
                    snapshot.volumeSize(),
                    parent.map(Volume::availabilityZone),
                    parent.map(Volume::bootable).orElse(false),
                    "Volume size '%d'GB cannot be smaller than the snapshot size %dGB. They must be >= original snapshot size.",
                    parent.map(Volume::host),
                    parent.map(Volume::volumeTypeId));
        }
        if (request.sourceVolid() != null) {
            Volume source = Lookup.volume(volumes, tx, caller, request.sourceVolid());
            if (!volumes.apply(tx, VolumeTransitions.CLONE_SOURCE, source.id(), Lookup.now(clock))) {
                throw CairnException.invalidVolume(
                        "Originating source volume status must be one of 'available, in-use' values");
            }
            return new Source(
                    source.size(),
                    Optional.of(source.availabilityZone()),
                    source.bootable(),
                    "Volume size '%d'GB cannot be smaller than original volume size  %dGB. They must be >= original volume size.",
                    Optional.ofNullable(source.host()),
                    Optional.ofNullable(source.volumeTypeId()));
        }
        if (request.size() == null) {
            throw new CairnException(
                    ErrorCode.INVALID_INPUT,
                    "The server could not comply with the request since it is either malformed or otherwise incorrect.");
        }
        return new Source(1, Optional.empty(), false, "", Optional.empty(), Optional.empty());
    }

    /**
     * A new volume may join an available group of the caller's whose volume types include its own; the group stays
     * available until the volume is recorded.
     */
    private void requireGroupTakes(DSLContext tx, Caller caller, VolumeCreate request) {
        Group group = groups.find(tx, request.groupId(), Lookup.scope(caller))
                .orElseThrow(() -> CairnException.groupNotFound(request.groupId()));
        String type = types.resolve(tx, caller, request.volumeType());
        if (!group.volumeTypeIds().contains(type)) {
            throw CairnException.invalidInput(
                    "Invalid volume_type provided: " + type + ". The volume type must be supported by this group.");
        }
        if (!groups.apply(tx, GroupTransitions.UPDATE, group.id(), Lookup.now(clock))) {
            throw CairnException.invalidGroup("Group status must be available, but current status is: "
                    + group.status().wire() + ".");
        }
        if (!group.host().equals(host)) {
            throw CairnException.invalidVolume("Volume is not local to this node.");
        }
    }

    /**
     * Renames, re-describes or replaces the metadata of a volume. Returns it with the new values and its
     * previous {@code updated_at}, as Cinder's response shows it.
     */
    public Volume update(
            Caller caller,
            String id,
            Optional<Optional<String>> name,
            Optional<Optional<String>> description,
            Optional<Map<String, String>> metadata) {
        Instant now = now();
        return database.transaction(tx -> {
            Volume volume = Lookup.lockedVolume(volumes, tx, caller, id);
            Policy.UPDATE_VOLUME.authorize(caller);
            if (volume.status() == VolumeStatus.MAINTENANCE) {
                throw CairnException.invalidVolume("The volume cannot be updated during maintenance.");
            }
            String newName = name.isPresent() ? name.get().orElse(null) : volume.displayName();
            String newDescription =
                    description.isPresent() ? description.get().orElse(null) : volume.displayDescription();
            volumes.update(tx, id, newName, newDescription, now);
            metadata.ifPresent(m -> this.metadata.replaceAll(tx, id, volume.metadata(), m));
            return volume.withNameDescriptionMetadata(newName, newDescription, metadata.orElse(volume.metadata()));
        });
    }

    /** DELETE /volumes/{id}, with Cinder's cascade and force options. */
    public void delete(Caller caller, String id, boolean cascade, boolean force) {
        delete(caller, id, cascade, force, Dialect.CINDER);
    }

    /** A delete; {@code dialect} says which statuses it may start from without force. */
    void delete(Caller caller, String id, boolean cascade, boolean force, Dialect dialect) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = Lookup.lockedVolume(volumes, tx, caller, id);
            Policy.DELETE_VOLUME.authorize(caller);
            if (force) {
                Policy.FORCE_DELETE_VOLUME_ON_DELETE.authorize(caller);
            }
            startDelete(tx, caller, volume, cascade, force, dialect, now);
        });
        tasks.wake();
    }

    /** The admin action os-force_delete: any status, but snapshots still block it. */
    public void forceDelete(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = Lookup.lockedVolume(volumes, tx, caller, id);
            Policy.FORCE_DELETE_VOLUME.authorize(caller);
            startDelete(tx, caller, volume, false, true, Dialect.CINDER, now);
        });
        tasks.wake();
    }

    private void startDelete(
            DSLContext tx, Caller caller, Volume volume, boolean cascade, boolean force, Dialect dialect, Instant now) {
        Transition<VolumeStatus, VolumeGuard> deletion = switch (dialect) {
            case CINDER ->
                force
                        ? (cascade ? VolumeTransitions.FORCE_DELETE_CASCADE : VolumeTransitions.FORCE_DELETE)
                        : (cascade ? VolumeTransitions.DELETE_CASCADE : VolumeTransitions.DELETE);
            case EVS -> VolumeTransitions.EVS_DELETE_CASCADE;
        };
        if (cascade && !caller.isAdmin()) {
            deletion = deletion.and(VolumeGuard.ONLY_OWN_SNAPSHOTS);
        }
        if (!volumes.apply(tx, deletion, volume.id(), now)) {
            // One message for every reason, as Cinder's; the code lets a dialect (EVS) tell a refused status apart.
            Set<VolumeStatus> allowed = deletion.from();
            throw new CairnException(
                    allowed.contains(volume.status()) ? ErrorCode.INVALID_VOLUME : ErrorCode.VOLUME_NOT_DELETABLE,
                    "Invalid volume: "
                            + (force
                                    ? "Volume  " + NOT_DELETABLE
                                    : "Volume status must be "
                                            + allowed.stream()
                                                    .map(VolumeStatus::wire)
                                                    .collect(Collectors.joining(" or "))
                                            + " and " + NOT_DELETABLE));
        }
        // The guards held, so these are the snapshots a cascade deletes (none otherwise).
        for (Snapshot snapshot : snapshots.findByVolume(tx, volume.id())) {
            snapshots.apply(tx, SnapshotTransitions.FORCE_DELETE, snapshot.id(), now);
            tasks.enqueue(tx, SnapshotWork.DELETE_SNAPSHOT, snapshot.id());
        }
        tasks.enqueue(tx, deletion.work().orElseThrow(), volume.id());
    }

    private Instant now() {
        return Lookup.now(clock);
    }
}
