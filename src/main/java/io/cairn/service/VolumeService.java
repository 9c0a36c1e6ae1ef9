package io.cairn.service;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.Dialect;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeAttachment;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeTypes;
import io.cairn.engine.StorageEngine;
import io.cairn.store.Database;
import io.cairn.store.ListQuery;
import io.cairn.store.SnapshotStore;
import io.cairn.store.TaskStore.Task;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskHandler;
import io.cairn.task.TaskKind;
import io.cairn.task.TaskQueue;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Volumes: Cinder's rules for creating, changing, attaching, extending, reverting and deleting them. */
public final class VolumeService {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeService.class);
    public static final String DEFAULT_AVAILABILITY_ZONE = "nova";
    private static final long GIB = 1L << 30;
    private static final String NOT_DELETABLE = "must not be migrating, attached, belong to a group, have snapshots, "
            + "awaiting a transfer, or be disassociated from snapshots after volume transfer.";
    private static final Set<String> DELETABLE_MIGRATION_STATUSES = Set.of("deleting", "error", "success");

    public static final ListSpec LIST_SPEC = new ListSpec("Volume",
            Set.of("name", "status", "metadata", "availability_zone", "bootable", "group_id"), 0,
            Set.of("name", "status", "metadata", "bootable", "migration_status", "availability_zone", "group_id",
                    "size", "created_at", "updated_at", "consumes_quota"),
            Map.of("name", "display_name"), Set.of());

    private final Database database;
    private final VolumeStore volumes;
    private final SnapshotStore snapshots;
    private final QuotaService quotas;
    private final TaskQueue tasks;
    private final StorageEngine engine;
    private final Clock clock;
    private final String host;

    /** @param host Cinder's host string of this node's backend, e.g. {@code node1@local#default} */
    public VolumeService(Database database, VolumeStore volumes, SnapshotStore snapshots, QuotaService quotas,
                         TaskQueue tasks, StorageEngine engine, Clock clock, String host) {
        this.database = database;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.quotas = quotas;
        this.tasks = tasks;
        this.engine = engine;
        this.clock = clock;
        this.host = host;
    }

    public Page<Volume> list(Caller caller, ApiVersion version, List<Map.Entry<String, String>> query) {
        ListRules.Plan plan = ListRules.plan(LIST_SPEC, volumes, caller, version, query, Policy.GET_ALL_VOLUMES);
        return ListRules.execute(LIST_SPEC, volumeRules(plan, version), volumes);
    }

    /** The volume columns Cinder's {@code check_volume_filters} reads as booleans (use_quota is read before it). */
    private static final Set<String> BOOLEAN_FILTERS = Set.of("bootable", "multiattach");
    private static final Set<String> STRICT_TRUE = Set.of("1", "t", "true", "on", "y", "yes");
    private static final Set<String> STRICT_FALSE = Set.of("0", "f", "false", "off", "n", "no");

    /**
     * Where Cinder's volume list differs from the snapshot list the shared rules follow: {@code name} sorts by the
     * display name at every microversion (snapshots only from 3.30), and boolean filters are read as
     * {@code check_volume_filters} reads them (strictly from 3.2, a 400 for anything else; before, only
     * False/false/FALSE is false and any other non-empty value true).
     */
    private static ListRules.Plan volumeRules(ListRules.Plan plan, ApiVersion version) {
        List<String> sortKeys = plan.sortKeys();
        int name = sortKeys.indexOf("name");
        if (!version.atLeast(30) && name >= 0) {
            sortKeys = new ArrayList<>(sortKeys);
            sortKeys.set(name, "display_name");
        }
        Optional<List<ListQuery.Filter>> filters = plan.filters().map(all -> all.stream().map(filter -> {
            if (filter instanceof ListQuery.Filter.Equals equals && BOOLEAN_FILTERS.contains(equals.column())) {
                return new ListQuery.Filter.Equals(equals.column(),
                        Boolean.toString(booleanFilter(equals.column(), equals.value(), version.atLeast(2))));
            }
            return filter;
        }).toList());
        return new ListRules.Plan(sortKeys, plan.ascending(), plan.limit(), plan.marker(), plan.offset(), plan.withCount(),
                filters, plan.projectScope(), plan.markerScope());
    }

    private static boolean booleanFilter(String column, String value, boolean strict) {
        if (!strict) {
            return !Set.of("False", "false", "FALSE").contains(value) && !value.isEmpty();
        }
        String word = value.strip().toLowerCase(Locale.ROOT);
        if (!STRICT_TRUE.contains(word) && !STRICT_FALSE.contains(word)) {
            throw CairnException.invalidInput("'" + column + " = " + value + "'");
        }
        return STRICT_TRUE.contains(word);
    }

    public Volume get(Caller caller, String id) {
        Policy.GET_VOLUME.authorize(caller);
        return find(caller, id);
    }

    /** Count and total size of the caller's volumes (of every project for an admin with all_tenants), with their metadata values. */
    public record Summary(int totalCount, long totalSize, Map<String, List<String>> metadata) {}

    public Summary summary(Caller caller, boolean allTenants) {
        Policy.GET_ALL_VOLUMES.authorize(caller);
        List<Volume> all = volumes.all(caller.isAdmin() && allTenants ? Optional.empty() : Optional.of(caller.projectId()));
        // Cinder's DISTINCT has no ORDER BY: rows come in the order they were written, which the creation order
        // (oldest volume first, keys in their order) stands for.
        Map<String, Set<String>> metadata = new LinkedHashMap<>();
        all.forEach(v -> v.metadata().forEach((k, value) -> metadata.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(value)));
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
            throw badRequest("multiattach parameter has been removed. The default behavior is to use multiattach "
                    + "enabled volume types. Contact your administrator to create a multiattach enabled volume type and use it "
                    + "to create multiattach volumes.");
        }
        Instant now = now();
        Volume created = database.transaction(tx -> {
            Source source = source(tx, caller, request, dialect);
            int size = request.size() != null ? request.size() : source.size();
            source.checkSize(size);
            String zone = request.availabilityZone() != null ? request.availabilityZone()
                    : source.zone().orElse(DEFAULT_AVAILABILITY_ZONE);
            if (!zone.equals(DEFAULT_AVAILABILITY_ZONE)) {
                throw badRequest("Availability zone '" + zone + "' is invalid.");
            }
            String type = volumeType(request.volumeType());
            quotas.reserve(tx, caller.projectId(), Map.of(QuotaService.VOLUMES, 1L, QuotaService.GIGABYTES, (long) size));
            Volume volume = new Volume(UUID.randomUUID().toString(), caller.projectId(), caller.userId(),
                    VolumeStatus.CREATING, "detached", null, size, zone, source.host().orElse(host), request.name(), request.description(),
                    request.snapshotId(), request.sourceVolid(), type, null, source.bootable(), false, true, now, null,
                    null, null, request.metadata(), Map.of(), List.of());
            volumes.insert(tx, volume);
            tasks.enqueue(tx, TaskKind.CREATE_VOLUME, volume.id(), now);
            return volume;
        });
        tasks.wake();
        return created;
    }

    /**
     * What a new volume starts from: nothing, a snapshot or another volume. A copy lives where its source's
     * data does ({@code host}): with several nodes, only that node's engine can build it.
     */
    private record Source(int size, Optional<String> zone, boolean bootable, String smallerMessage, Optional<String> host) {
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
            Snapshot snapshot = snapshots.find(tx, request.snapshotId(), SnapshotService.scope(caller))
                    .orElseThrow(() -> CairnException.snapshotNotFound(request.snapshotId()));
            if (!dialect.volumeSources().contains(snapshot.status())) {
                throw new CairnException(ErrorCode.SNAPSHOT_NOT_CLONEABLE, switch (dialect) {
                    case CINDER -> "Invalid snapshot: Originating snapshot status must be one of 'available' values";
                    case EVS -> "The status of snapshot is not available or backing-up.";
                });
            }
            Optional<Volume> parent = volumes.find(tx, snapshot.volumeId(), Optional.empty());
            return new Source(snapshot.volumeSize(), parent.map(Volume::availabilityZone), parent.map(Volume::bootable).orElse(false),
                    "Volume size '%d'GB cannot be smaller than the snapshot size %dGB. They must be >= original snapshot size.",
                    parent.map(Volume::host));
        }
        if (request.sourceVolid() != null) {
            Volume source = volumes.find(tx, request.sourceVolid(), SnapshotService.scope(caller))
                    .orElseThrow(() -> CairnException.volumeNotFound(request.sourceVolid()));
            if (source.status() != VolumeStatus.AVAILABLE && source.status() != VolumeStatus.IN_USE) {
                throw CairnException.invalidVolume("Originating source volume status must be one of 'available, in-use' values");
            }
            return new Source(source.size(), Optional.of(source.availabilityZone()), source.bootable(),
                    "Volume size '%d'GB cannot be smaller than original volume size  %dGB. They must be >= original volume size.",
                    Optional.ofNullable(source.host()));
        }
        if (request.size() == null) {
            throw new CairnException(ErrorCode.INVALID_INPUT,
                    "The server could not comply with the request since it is either malformed or otherwise incorrect.");
        }
        return new Source(1, Optional.empty(), false, "", Optional.empty());
    }

    /** The one type there is, asked for by id or name; anything else is not found as Cinder says it. */
    private static String volumeType(String requested) {
        if (requested == null || requested.equals(VolumeTypes.DEFAULT_ID) || requested.equals(VolumeTypes.DEFAULT_NAME)) {
            return VolumeTypes.DEFAULT_ID;
        }
        boolean uuidLike = requested.replace("-", "").matches("(?i)[0-9a-f]{32}");
        throw new CairnException(ErrorCode.VOLUME_TYPE_NOT_FOUND, uuidLike
                ? "Volume type " + requested + " could not be found."
                : "Volume type with name " + requested + " could not be found.");
    }

    /**
     * Renames, re-describes or replaces the metadata of a volume. Returns it with the new values and its
     * previous {@code updated_at}, as Cinder's response shows it.
     */
    public Volume update(Caller caller, String id, Optional<Optional<String>> name, Optional<Optional<String>> description,
                         Optional<Map<String, String>> metadata) {
        Instant now = now();
        return database.transaction(tx -> {
            Volume volume = find(tx, caller, id);
            Policy.UPDATE_VOLUME.authorize(caller);
            if (volume.status() == VolumeStatus.MAINTENANCE) {
                throw CairnException.invalidVolume("The volume cannot be updated during maintenance.");
            }
            String newName = name.isPresent() ? name.get().orElse(null) : volume.displayName();
            String newDescription = description.isPresent() ? description.get().orElse(null) : volume.displayDescription();
            volumes.update(tx, id, newName, newDescription, now);
            metadata.ifPresent(m -> volumes.replaceMetadata(tx, id, MetadataUpdate.of(volume.metadata(), m, true).stored()));
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
            Volume volume = find(tx, caller, id);
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
            Volume volume = find(tx, caller, id);
            Policy.FORCE_DELETE_VOLUME.authorize(caller);
            startDelete(tx, caller, volume, false, true, Dialect.CINDER, now);
        });
        tasks.wake();
    }

    private void startDelete(DSLContext tx, Caller caller, Volume volume, boolean cascade, boolean force, Dialect dialect,
                             Instant now) {
        List<Snapshot> children = snapshots.findByVolume(tx, volume.id());
        boolean snapshotsAllow = children.isEmpty() || (cascade && children.stream().allMatch(s -> s.groupSnapshotId() == null
                && (force || SnapshotStatus.DELETABLE.contains(s.status()))
                && (caller.isAdmin() || s.projectId().equals(caller.projectId()))));
        Set<VolumeStatus> allowed = force ? EnumSet.allOf(VolumeStatus.class) : dialect.deletableVolumes();
        boolean deletable = snapshotsAllow && !"attached".equals(volume.attachStatus()) && volume.groupId() == null
                && (volume.migrationStatus() == null || DELETABLE_MIGRATION_STATUSES.contains(volume.migrationStatus()))
                && volumes.compareAndSetStatus(tx, volume.id(), allowed, VolumeStatus.DELETING, now);
        if (!deletable) {
            // One message for every reason, as Cinder's; the code lets a dialect (EVS) tell a refused status apart.
            throw new CairnException(allowed.contains(volume.status()) ? ErrorCode.INVALID_VOLUME : ErrorCode.VOLUME_NOT_DELETABLE,
                    "Invalid volume: " + (force ? "Volume  " + NOT_DELETABLE
                            : "Volume status must be " + allowed.stream().map(VolumeStatus::wire)
                                    .collect(Collectors.joining(" or ")) + " and " + NOT_DELETABLE));
        }
        for (Snapshot snapshot : children) {
            snapshots.setStatus(tx, snapshot.id(), SnapshotStatus.DELETING, now);
            tasks.enqueue(tx, TaskKind.DELETE_SNAPSHOT, snapshot.id(), now);
        }
        tasks.enqueue(tx, TaskKind.DELETE_VOLUME, volume.id(), now);
    }

    // Metadata: the user's, never the admin keys.

    public Map<String, String> metadata(Caller caller, String id) {
        Policy.GET_VOLUME_METADATA.authorize(caller);
        return find(caller, id).metadata();
    }

    public String metadataItem(Caller caller, String id, String key) {
        Map<String, String> metadata = metadata(caller, id);
        if (!metadata.containsKey(key)) {
            throw metadataNotFound(id, key);
        }
        return metadata.get(key);
    }

    /**
     * Merges (POST) or replaces (PUT) the metadata. Returns the map in the order Cinder's answer has it: the
     * changed keys, then the new ones, then those left as they were.
     */
    public Map<String, String> updateMetadata(Caller caller, String id, Map<String, String> changes, boolean replace) {
        return database.transaction(tx -> {
            Volume volume = find(tx, caller, id);
            Policy.UPDATE_VOLUME_METADATA.authorize(caller);
            requireMetadataChangeable(volume, "Updating");
            MetadataUpdate update = MetadataUpdate.of(volume.metadata(), changes, replace);
            volumes.replaceMetadata(tx, id, update.stored());
            return update.answered();
        });
    }

    public void deleteMetadataItem(Caller caller, String id, String key) {
        database.execute(tx -> {
            Volume volume = find(tx, caller, id);
            if (!volume.metadata().containsKey(key)) {
                throw metadataNotFound(id, key);
            }
            Policy.DELETE_VOLUME_METADATA.authorize(caller);
            requireMetadataChangeable(volume, "Deleting");
            Map<String, String> result = new LinkedHashMap<>(volume.metadata());
            result.remove(key);
            volumes.replaceMetadata(tx, id, result);
        });
    }

    /**
     * A metadata write as Cinder's {@code _volume_x_metadata_update} does it: {@code stored} is the rows' order
     * afterwards (kept keys where they were, new keys after them), {@code answered} the dict it returns (rows
     * whose value changed, then the new ones, then the unchanged).
     */
    private record MetadataUpdate(Map<String, String> stored, Map<String, String> answered) {
        static MetadataUpdate of(Map<String, String> current, Map<String, String> changes, boolean replace) {
            Map<String, String> stored = new LinkedHashMap<>();
            Map<String, String> changed = new LinkedHashMap<>();
            Map<String, String> unchanged = new LinkedHashMap<>();
            current.forEach((key, value) -> {
                if (changes.containsKey(key)) {
                    String next = changes.get(key);
                    stored.put(key, next);
                    (next.equals(value) ? unchanged : changed).put(key, next);
                } else if (!replace) {
                    stored.put(key, value);
                    unchanged.put(key, value);
                }
            });
            Map<String, String> answered = new LinkedHashMap<>(changed);
            changes.forEach((key, value) -> {
                if (!current.containsKey(key)) {
                    stored.put(key, value);
                    answered.put(key, value);
                }
            });
            answered.putAll(unchanged);
            return new MetadataUpdate(stored, answered);
        }
    }

    /** Cinder refuses metadata changes of a volume in maintenance or uploading, naming the status. */
    private static void requireMetadataChangeable(Volume volume, String verb) {
        if (volume.status() == VolumeStatus.MAINTENANCE || volume.status() == VolumeStatus.UPLOADING) {
            throw CairnException.invalidVolume(verb + " volume metadata is not allowed for volumes in "
                    + volume.status().wire() + " status.");
        }
    }

    private static CairnException metadataNotFound(String id, String key) {
        return new CairnException(ErrorCode.METADATA_NOT_FOUND, "Volume " + id + " has no metadata with key " + key + ".");
    }

    // Actions.

    public void extend(Caller caller, ApiVersion version, String id, int newSize) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = find(tx, caller, id);
            Policy.EXTEND_VOLUME.authorize(caller);
            if (newSize <= volume.size()) {
                throw CairnException.invalidInput("New size for extend must be greater than current size. (current: "
                        + volume.size() + ", extended: " + newSize + ").");
            }
            VolumeStatus expected = VolumeStatus.AVAILABLE;
            if (version.atLeast(42) && volume.status() == VolumeStatus.IN_USE) {
                Policy.EXTEND_ATTACHED_VOLUME.authorize(caller);
                expected = VolumeStatus.IN_USE;
            }
            if (!volumes.compareAndSetStatusRememberingPrevious(tx, id, Set.of(expected), VolumeStatus.EXTENDING, now)) {
                throw CairnException.invalidVolume("Volume " + id + " status must be '{'status': '" + expected.wire()
                        + "'}' to extend, currently " + volume.status().wire() + ".");
            }
            quotas.reserveExtend(tx, caller.projectId(), volume.projectId(), volume.size(), newSize);
            tasks.enqueue(tx, TaskKind.EXTEND_VOLUME, id, Integer.toString(newSize), now);
        });
        tasks.wake();
    }

    /** Reverts a volume to its latest snapshot (3.40). */
    public void revert(Caller caller, String id, String snapshotId) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = find(tx, caller, id);
            List<Snapshot> all = snapshots.findByVolume(tx, id);
            if (all.isEmpty()) {
                throw badRequest("Volume " + id + " doesn't have any snapshots.");
            }
            Snapshot latest = all.getLast();
            if (snapshotId == null || !snapshotId.equals(latest.id())) {
                throw badRequest("Specified snapshot " + (snapshotId == null ? "None" : snapshotId)
                        + " is None or not the latest one of volume " + id + ".");
            }
            String cannot = "Can't revert volume " + id + " to its latest snapshot " + latest.id() + ". ";
            if (volume.size() != latest.volumeSize()) {
                throw badRequest(cannot + "The volume size must be equal to the snapshot size.");
            }
            Policy.REVERT_VOLUME.authorize(caller);
            if (!volumes.compareAndSetStatus(tx, id, Set.of(VolumeStatus.AVAILABLE), VolumeStatus.REVERTING, now)) {
                throw new CairnException(ErrorCode.VOLUME_STATUS_CONFLICT, "Invalid volume: " + cannot + "Volume's status must be 'available'.");
            }
            if (!snapshots.compareAndSetStatus(tx, latest.id(), Set.of(SnapshotStatus.AVAILABLE), SnapshotStatus.RESTORING, null, now)) {
                throw new CairnException(ErrorCode.SNAPSHOT_STATUS_CONFLICT, "Invalid snapshot: " + cannot + "Snapshot's status must be 'available'.");
            }
            tasks.enqueue(tx, TaskKind.REVERT_VOLUME, id, latest.id(), now);
        });
        tasks.wake();
    }

    /**
     * EVS's rollback: restores a volume to any available snapshot of its own (Cinder's revert takes only the
     * latest). The snapshot shows {@code rollbacking} and the volume {@code reverting} until the task ends; a
     * volume whose rollback failed ({@code error_rollbacking}) may be rolled back again. {@code newName}, when
     * not null, renames the volume as EVS does.
     */
    public void rollbackToSnapshot(Caller caller, String snapshotId, String volumeId, String newName) {
        Instant now = now();
        database.execute(tx -> {
            Snapshot snapshot = snapshots.find(tx, snapshotId, SnapshotService.scope(caller))
                    .orElseThrow(() -> CairnException.snapshotNotFound(snapshotId));
            if (volumeId == null || !volumeId.equals(snapshot.volumeId())) {
                throw CairnException.invalidVolume("Snapshot " + snapshotId + " can only be rolled back to its source volume "
                        + snapshot.volumeId() + ".");
            }
            Volume volume = find(tx, caller, volumeId);
            Policy.REVERT_VOLUME.authorize(caller);
            if (!snapshots.compareAndSetStatus(tx, snapshotId, Set.of(SnapshotStatus.AVAILABLE), SnapshotStatus.ROLLBACKING, null, now)) {
                throw new CairnException(ErrorCode.SNAPSHOT_STATUS_CONFLICT, "Invalid snapshot: Snapshot's status must be "
                        + "'available' to roll back, currently " + snapshot.status().wire() + ".");
            }
            if (!volumes.compareAndSetStatus(tx, volumeId, Set.of(VolumeStatus.AVAILABLE, VolumeStatus.ERROR_ROLLBACKING),
                    VolumeStatus.REVERTING, now)) {
                throw new CairnException(ErrorCode.VOLUME_STATUS_CONFLICT, "Invalid volume: Volume's status must be "
                        + "'available' or 'error_rollbacking' to roll back, currently " + volume.status().wire() + ".");
            }
            if (newName != null) {
                volumes.update(tx, volumeId, newName, volume.displayDescription(), now);
            }
            tasks.enqueue(tx, TaskKind.ROLLBACK_VOLUME, volumeId, snapshotId, now);
        });
        tasks.wake();
    }

    /**
     * Admin reset of status, attach status and migration status; each is optional, at least one is needed.
     * {@code migrationStatus} "none" clears it.
     */
    public void resetStatus(Caller caller, String id, Optional<String> status, Optional<String> attachStatus,
                            Optional<String> migrationStatus) {
        if (status.isEmpty() && attachStatus.isEmpty() && migrationStatus.isEmpty()) {
            throw badRequest("Must specify 'status', 'attach_status' or 'migration_status' for update.");
        }
        Optional<String> newStatus = status.map(s -> s.toLowerCase(java.util.Locale.ROOT));
        if (newStatus.isPresent() && VolumeStatus.RESETTABLE.stream().noneMatch(s -> s.wire().equals(newStatus.get()))) {
            throw badRequest("Volume status: " + status.get() + " is invalid, valid statuses are: "
                    + VolumeStatus.RESETTABLE.stream().map(s -> "'" + s.wire() + "'").collect(Collectors.joining(", ", "(", ")")) + ".");
        }
        Optional<String> newAttach = attachStatus.map(s -> s.toLowerCase(java.util.Locale.ROOT));
        if (newAttach.isPresent() && !Set.of("attached", "detached").contains(newAttach.get())) {
            throw badRequest("Volume attach status: " + attachStatus.get()
                    + " is invalid, valid statuses are: ['attached', 'detached'].");
        }
        Optional<String> newMigration = migrationStatus.map(s -> s.toLowerCase(java.util.Locale.ROOT));
        if (newMigration.isPresent() && !Set.of("migrating", "error", "success", "completing", "none", "starting").contains(newMigration.get())) {
            throw badRequest("Volume migration status: " + migrationStatus.get() + " is invalid, valid statuses are: "
                    + "('migrating', 'error', 'success', 'completing', 'none', 'starting').");
        }
        Instant now = now();
        database.execute(tx -> {
            Volume volume = find(tx, caller, id);
            Policy.RESET_VOLUME_STATUS.authorize(caller);
            if (newStatus.equals(Optional.of("deleting"))) {
                throw badRequest("Cannot reset-state to deleting");
            }
            if (newStatus.equals(Optional.of("in-use")) && volume.attachments().isEmpty()) {
                throw badRequest("Cannot reset-state to in-use because volume does not have any attachments.");
            }
            if (newAttach.equals(Optional.of("detached"))) {
                volumes.detach(tx, id, Optional.empty(), now);
            }
            volumes.resetStatus(tx, id, newStatus, newAttach,
                    newMigration.map(m -> m.equals("none") ? Optional.<String>empty() : Optional.of(m)), now);
        });
    }

    /** os-set_bootable: answered with 200, as Cinder does. */
    public void setBootable(Caller caller, String id, boolean bootable) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = find(tx, caller, id);
            Policy.UPDATE_VOLUME.authorize(caller);
            if (volume.status() == VolumeStatus.MAINTENANCE) {
                throw CairnException.invalidVolume("The volume cannot be updated during maintenance.");
            }
            volumes.setBootable(tx, id, bootable, now);
        });
    }

    public void updateReadonlyFlag(Caller caller, String id, boolean readonly) {
        database.execute(tx -> {
            Volume volume = find(tx, caller, id);
            Policy.UPDATE_READONLY_FLAG.authorize(caller);
            if (volume.status() != VolumeStatus.AVAILABLE) {
                throw CairnException.invalidVolume("Volume " + id + " status must be available to update readonly flag, but current status is: "
                        + volume.status().wire() + ".");
            }
            volumes.setAdminMetadata(tx, id, "readonly", readonly ? "True" : "False");
        });
    }

    public void attach(Caller caller, String id, VolumeAttach request) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = find(tx, caller, id);
            Policy.ATTACH_VOLUME.authorize(caller);
            if (volume.status() == VolumeStatus.MAINTENANCE) {
                throw CairnException.invalidVolume("The volume cannot be attached in maintenance mode.");
            }
            boolean readonly = "True".equals(volume.adminMetadata().get("readonly"));
            if (readonly && !request.mode().equals("ro")) {
                throw badRequest("Invalid attaching mode '" + request.mode() + "' for volume " + id + ".");
            }
            // Cinder's manager answers an attach to the server (or host) already holding it with that attachment.
            Optional<VolumeAttachment> same = volume.attachments().stream().filter(a -> request.instanceUuid() != null
                    ? request.instanceUuid().equals(a.instanceUuid())
                    : a.instanceUuid() == null && request.hostName() != null && request.hostName().equals(a.attachedHost())).findFirst();
            if (same.isPresent()) {
                volumes.compareAndSetStatus(tx, id, EnumSet.complementOf(EnumSet.of(VolumeStatus.IN_USE)), VolumeStatus.IN_USE, now);
                return;
            }
            if (volume.status() == VolumeStatus.IN_USE && !volume.multiattach() && volume.migrationStatus() == null) {
                throw CairnException.invalidVolume("volume is already attached and multiple attachments are not enabled");
            }
            Set<VolumeStatus> attachable = volume.multiattach()
                    ? EnumSet.of(VolumeStatus.AVAILABLE, VolumeStatus.ATTACHING, VolumeStatus.RESERVED, VolumeStatus.IN_USE)
                    : EnumSet.of(VolumeStatus.AVAILABLE, VolumeStatus.ATTACHING, VolumeStatus.RESERVED);
            if (!attachable.contains(volume.status())) {
                throw CairnException.invalidVolume("Volume status must be available or attaching to attach, but the status is "
                        + volume.status().wire() + ".");
            }
            volumes.attach(tx, new VolumeAttachment(UUID.randomUUID().toString(), id, request.instanceUuid(),
                    request.hostName(), request.mountpoint(), request.mode(), now), now);
            volumes.setAdminMetadata(tx, id, "attached_mode", request.mode());
            if (!volume.adminMetadata().containsKey("readonly")) {
                volumes.setAdminMetadata(tx, id, "readonly", "False");
            }
        });
    }

    public void detach(Caller caller, String id, Optional<String> attachmentId) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = find(tx, caller, id);
            Policy.DETACH_VOLUME.authorize(caller);
            // Cinder's guard for bug 2004555: an attachment it cannot single out (an unknown id, or several and no
            // id) is taken for one Nova still uses. (A legacy attachment has no connection_info, so the guard lets
            // a known one go.)
            boolean singledOut = attachmentId.isPresent()
                    ? volume.attachments().stream().anyMatch(a -> a.id().equals(attachmentId.get()))
                    : volume.attachments().size() <= 1;
            if (!singledOut) {
                throw new CairnException(ErrorCode.VOLUME_STATUS_CONFLICT,
                        "ConflictNovaUsingAttachment: Detach volume from instance  using the Compute API");
            }
            if (volume.status() == VolumeStatus.MAINTENANCE) {
                throw CairnException.invalidVolume("The volume cannot be detached in maintenance mode.");
            }
            // Without attachments Cinder's manager just marks the volume available and detached.
            volumes.detach(tx, id, attachmentId, now);
        });
    }

    public void reserve(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = find(tx, caller, id);
            Policy.RESERVE_VOLUME.authorize(caller);
            Set<VolumeStatus> from = volume.multiattach() ? EnumSet.of(VolumeStatus.AVAILABLE, VolumeStatus.IN_USE) : EnumSet.of(VolumeStatus.AVAILABLE);
            if (!volumes.compareAndSetStatus(tx, id, from, VolumeStatus.ATTACHING, now)) {
                throw CairnException.invalidVolume("Volume status must be " + (volume.multiattach() ? "available or in-use" : "available")
                        + " to reserve, but the status is " + volume.status().wire() + ".");
            }
        });
    }

    public void unreserve(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = find(tx, caller, id);
            Policy.UNRESERVE_VOLUME.authorize(caller);
            volumes.compareAndSetStatus(tx, id, Set.of(VolumeStatus.ATTACHING),
                    volume.attachments().isEmpty() ? VolumeStatus.AVAILABLE : VolumeStatus.IN_USE, now);
        });
    }

    public void beginDetaching(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = find(tx, caller, id);
            Policy.BEGIN_DETACHING.authorize(caller);
            if (!"attached".equals(volume.attachStatus()) || volume.migrationStatus() != null
                    || !volumes.compareAndSetStatus(tx, id, Set.of(VolumeStatus.IN_USE), VolumeStatus.DETACHING, now)) {
                throw CairnException.invalidVolume("Unable to detach volume. Volume status must be 'in-use' and attach_status "
                        + "must be 'attached' to detach.");
            }
        });
    }

    public void rollDetaching(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            find(tx, caller, id);
            Policy.ROLL_DETACHING.authorize(caller);
            volumes.compareAndSetStatus(tx, id, Set.of(VolumeStatus.DETACHING), VolumeStatus.IN_USE, now);
        });
    }

    // Durable work.

    /** Creates the volume's data on the engine (empty, from a snapshot or from another volume), then marks it available. */
    public TaskHandler createHandler() {
        return new TaskHandler() {
            @Override
            public void run(Task task) throws Exception {
                Optional<Volume> found = volumes.find(task.resourceId(), Optional.empty());
                if (found.isEmpty() || found.get().status() != VolumeStatus.CREATING) {
                    return;
                }
                Volume volume = found.get();
                long bytes = volume.size() * GIB;
                if (volume.snapshotId() != null) {
                    engine.createVolumeFromSnapshot(volume.id(), volume.snapshotId(), bytes);
                } else if (volume.sourceVolid() != null) {
                    engine.cloneVolume(volume.id(), volume.sourceVolid(), bytes);
                } else {
                    engine.createVolume(volume.id(), bytes);
                }
                database.transaction(tx -> volumes.compareAndSetStatus(tx, volume.id(), Set.of(VolumeStatus.CREATING), VolumeStatus.AVAILABLE, now()));
            }

            @Override
            public void giveUp(Task task, Exception cause) {
                LOG.error("volume {} could not be created, moving it to error", task.resourceId(), cause);
                database.transaction(tx -> volumes.compareAndSetStatus(tx, task.resourceId(), Set.of(VolumeStatus.CREATING), VolumeStatus.ERROR, now()));
            }
        };
    }

    /** Drops the volume's data, then soft-deletes the row and releases its quota in one transaction. */
    public TaskHandler deleteHandler() {
        return new TaskHandler() {
            @Override
            public void run(Task task) throws Exception {
                Optional<Volume> volume = volumes.find(task.resourceId(), Optional.empty());
                if (volume.isEmpty() || volume.get().status() != VolumeStatus.DELETING) {
                    return;
                }
                engine.deleteVolume(task.resourceId());
                database.execute(tx -> {
                    if (volumes.softDelete(tx, task.resourceId(), Set.of(VolumeStatus.DELETING), now()) && volume.get().useQuota()) {
                        quotas.release(tx, volume.get().projectId(),
                                Map.of(QuotaService.VOLUMES, 1L, QuotaService.GIGABYTES, (long) volume.get().size()));
                    }
                });
            }

            @Override
            public void giveUp(Task task, Exception cause) {
                LOG.error("volume {} could not be deleted, moving it to error_deleting", task.resourceId(), cause);
                database.transaction(tx -> volumes.compareAndSetStatus(tx, task.resourceId(), Set.of(VolumeStatus.DELETING), VolumeStatus.ERROR_DELETING, now()));
            }
        };
    }

    /** Grows the volume on the engine, then records the new size and returns it to its previous status. */
    public TaskHandler extendHandler() {
        return new TaskHandler() {
            @Override
            public void run(Task task) throws Exception {
                Optional<Volume> volume = volumes.find(task.resourceId(), Optional.empty());
                if (volume.isEmpty() || volume.get().status() != VolumeStatus.EXTENDING) {
                    return;
                }
                int newSize = Integer.parseInt(task.payload());
                engine.extendVolume(task.resourceId(), newSize * GIB);
                database.transaction(tx -> volumes.finishExtend(tx, task.resourceId(), newSize, now()));
            }

            @Override
            public void giveUp(Task task, Exception cause) {
                LOG.error("volume {} could not be extended, moving it to error_extending", task.resourceId(), cause);
                database.execute(tx -> {
                    Optional<Volume> volume = volumes.find(tx, task.resourceId(), Optional.empty());
                    if (volume.isPresent() && volumes.compareAndSetStatus(tx, task.resourceId(), Set.of(VolumeStatus.EXTENDING),
                            VolumeStatus.ERROR_EXTENDING, now())) {
                        quotas.release(tx, volume.get().projectId(),
                                Map.of(QuotaService.GIGABYTES, (long) (Integer.parseInt(task.payload()) - volume.get().size())));
                    }
                });
            }
        };
    }

    /** Cinder's revert: a volume whose data could not be replaced goes to error, as Cinder's does. */
    public TaskHandler revertHandler() {
        return restoreHandler(VolumeStatus.ERROR);
    }

    /** EVS's rollback: a volume whose data could not be replaced goes to error_rollbacking, whence it may be retried. */
    public TaskHandler rollbackHandler() {
        return restoreHandler(VolumeStatus.ERROR_ROLLBACKING);
    }

    /**
     * Replaces the volume's data with a snapshot's and returns both to available. The work only reads the
     * snapshot, so it is available again even when the work keeps failing; the volume then goes to {@code failed}.
     */
    private TaskHandler restoreHandler(VolumeStatus failed) {
        return new TaskHandler() {
            @Override
            public void run(Task task) throws Exception {
                Optional<Volume> volume = volumes.find(task.resourceId(), Optional.empty());
                if (volume.isEmpty() || volume.get().status() != VolumeStatus.REVERTING) {
                    return;
                }
                engine.revertToSnapshot(task.resourceId(), task.payload());
                finish(task, VolumeStatus.AVAILABLE);
            }

            @Override
            public void giveUp(Task task, Exception cause) {
                LOG.error("volume {} could not be restored from snapshot {}, moving it to {}", task.resourceId(), task.payload(),
                        failed.wire(), cause);
                finish(task, failed);
            }

            private void finish(Task task, VolumeStatus volumeStatus) {
                Instant now = now();
                database.execute(tx -> {
                    volumes.compareAndSetStatus(tx, task.resourceId(), Set.of(VolumeStatus.REVERTING), volumeStatus, now);
                    snapshots.compareAndSetStatus(tx, task.payload(), Set.of(SnapshotStatus.RESTORING, SnapshotStatus.ROLLBACKING),
                            SnapshotStatus.AVAILABLE, null, now);
                });
            }
        };
    }

    private Volume find(Caller caller, String id) {
        return volumes.find(id, SnapshotService.scope(caller)).orElseThrow(() -> CairnException.volumeNotFound(id));
    }

    private Volume find(DSLContext tx, Caller caller, String id) {
        return volumes.find(tx, id, SnapshotService.scope(caller)).orElseThrow(() -> CairnException.volumeNotFound(id));
    }

    private static CairnException badRequest(String message) {
        return new CairnException(ErrorCode.INVALID_INPUT, message);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
