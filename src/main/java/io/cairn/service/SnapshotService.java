package io.cairn.service;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.engine.StorageEngine;
import io.cairn.store.Database;
import io.cairn.store.SnapshotStore;
import io.cairn.store.TaskStore.Task;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskHandler;
import io.cairn.task.TaskKind;
import io.cairn.task.TaskQueue;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Snapshots: Cinder's rules for listing, creating, changing and deleting them, and the tasks that do the work. */
public final class SnapshotService {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotService.class);

    public static final ListSpec LIST_SPEC = new ListSpec("Snapshot",
            Set.of("status", "volume_id", "name", "metadata"), 22,
            Set.of("name", "status", "volume_id", "metadata", "availability_zone", "consumes_quota"),
            Map.of("name", "display_name"), Set.of("availability_zone"));

    /** Cinder's text, verbatim: the double space and the misspelling are in the original. */
    static final String FORCE_INVALID_SINCE_3_66 = "Since microversion 3.66 the 'force' flag is invalid for this request.  "
            + "For backward compatability, however, when the 'force' flag is passed with a value evaluating to True, it is silently ignored.";

    private static final long GIB = 1L << 30;
    private static final JsonMapper MARKER_JSON = JsonMapper.builder().build();

    private final Database database;
    private final SnapshotStore snapshots;
    private final VolumeStore volumes;
    private final QuotaService quotas;
    private final TaskQueue tasks;
    private final StorageEngine engine;
    private final Clock clock;

    public SnapshotService(Database database, SnapshotStore snapshots, VolumeStore volumes, QuotaService quotas,
                           TaskQueue tasks, StorageEngine engine, Clock clock) {
        this.database = database;
        this.snapshots = snapshots;
        this.volumes = volumes;
        this.quotas = quotas;
        this.tasks = tasks;
        this.engine = engine;
        this.clock = clock;
    }

    public Page<Snapshot> list(Caller caller, ApiVersion version, List<Map.Entry<String, String>> query) {
        ListRules.Plan plan = ListRules.plan(LIST_SPEC, snapshots, caller, version, query, Policy.GET_ALL_SNAPSHOTS);
        return ListRules.execute(LIST_SPEC, plan, snapshots);
    }

    public Snapshot get(Caller caller, String id) {
        // Looked up first, as Cinder does: another project's snapshot is a 404 whatever the caller's roles.
        Snapshot snapshot = find(caller, id);
        Policy.GET_SNAPSHOT.authorize(caller);
        return snapshot;
    }

    /** Whether the caller may see the extended attributes (project id, progress); Cinder omits them silently otherwise. */
    public boolean showsExtendedAttributes(Caller caller) {
        return Policy.EXTENDED_SNAPSHOT_ATTRIBUTES.allows(caller);
    }

    public Snapshot create(Caller caller, ApiVersion version, SnapshotCreate request) {
        Instant now = now();
        Snapshot created = database.transaction(tx -> {
            Volume volume = Optional.ofNullable(request.volumeId())
                    .flatMap(id -> volumes.find(tx, id, scope(caller)))
                    .orElseThrow(() -> CairnException.volumeNotFound(request.volumeId() == null ? "None" : request.volumeId()));
            // Cinder's controller rejects force=false at 3.66 before the volume API checks the policy.
            if (version.atLeast(66) && request.force().isPresent() && !request.force().get()) {
                throw new CairnException(ErrorCode.INVALID_INPUT, FORCE_INVALID_SINCE_3_66);
            }
            Policy.CREATE_SNAPSHOT.authorize(caller);
            checkSnapshotable(volume, version, request.force());
            // Like Cinder, the snapshot belongs to (and is counted against) the caller's project, even when an
            // admin snapshots another project's volume.
            quotas.reserve(tx, caller.projectId(), Map.of(QuotaService.SNAPSHOTS, 1L, QuotaService.GIGABYTES, (long) volume.size()));
            Snapshot snapshot = new Snapshot(UUID.randomUUID().toString(), caller.projectId(), caller.userId(), volume.id(),
                    null, SnapshotStatus.CREATING, "0%", volume.size(), request.name(), request.description(), true,
                    now, null, request.metadata());
            snapshots.insert(tx, snapshot);
            tasks.enqueue(tx, TaskKind.CREATE_SNAPSHOT, snapshot.id(), now);
            return snapshot;
        });
        tasks.wake();
        return created;
    }

    private static void checkSnapshotable(Volume volume, ApiVersion version, Optional<Boolean> force) {
        if (volume.host() == null) {
            throw CairnException.invalidVolume("The snapshot cannot be created because volume has not been scheduled to any host.");
        }
        if (volume.status() == VolumeStatus.MAINTENANCE) {
            throw CairnException.invalidVolume("The snapshot cannot be created when the volume is in maintenance mode.");
        }
        if (volume.migrationStatus() != null && volume.migrationStatus().startsWith("migrating")) {
            throw CairnException.invalidVolume("Snapshot cannot be created while volume is migrating.");
        }
        if (volume.status() == VolumeStatus.ERROR) {
            throw CairnException.invalidVolume("The snapshot cannot be created when the volume is in error status.");
        }
        // From 3.66 in-use needs no force (force=false was refused above); before it, only force allows in-use.
        boolean inUseAllowed = version.atLeast(66) || force.orElse(false);
        boolean allowed = volume.status() == VolumeStatus.AVAILABLE || (inUseAllowed && volume.status() == VolumeStatus.IN_USE);
        if (!allowed) {
            throw CairnException.invalidVolume("Volume " + volume.id() + " status must be "
                    + (inUseAllowed ? "available, in-use" : "available") + ", but current status is: " + volume.status().wire() + ".");
        }
    }

    /**
     * Renames or re-describes a snapshot. For each field, empty leaves it as it is and an empty inner value
     * clears it (the client sent null). Returns the snapshot with the new values but its previous
     * {@code updated_at}, as Cinder's response shows it.
     */
    public Snapshot update(Caller caller, String id, Optional<Optional<String>> name, Optional<Optional<String>> description) {
        Instant now = now();
        return database.transaction(tx -> {
            // Cinder looks the snapshot up before the policy check: another project's snapshot is a 404, never a 403.
            Snapshot current = find(tx, caller, id);
            Policy.UPDATE_SNAPSHOT.authorize(caller);
            String newName = name.isPresent() ? name.get().orElse(null) : current.displayName();
            String newDescription = description.isPresent() ? description.get().orElse(null) : current.displayDescription();
            snapshots.updateNameAndDescription(tx, id, newName, newDescription, now);
            return new Snapshot(current.id(), current.projectId(), current.userId(), current.volumeId(),
                    current.groupSnapshotId(), current.status(), current.progress(), current.volumeSize(), newName,
                    newDescription, current.useQuota(), current.createdAt(), current.updatedAt(), current.metadata());
        });
    }

    public void delete(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Snapshot snapshot = find(tx, caller, id);
            Policy.DELETE_SNAPSHOT.authorize(caller);
            if (snapshot.groupSnapshotId() != null
                    || !snapshots.compareAndSetStatus(tx, id, SnapshotStatus.DELETABLE, SnapshotStatus.DELETING, null, now)) {
                // Same message either way; the code lets a dialect (EVS) tell a failed deletion apart.
                throw new CairnException(snapshot.status() == SnapshotStatus.ERROR_DELETING ? ErrorCode.SNAPSHOT_ERROR_DELETING
                        : ErrorCode.SNAPSHOT_NOT_DELETABLE,
                        "Invalid snapshot: Snapshot status must be available or error and must not be part of a group.");
            }
            tasks.enqueue(tx, TaskKind.DELETE_SNAPSHOT, id, now);
        });
        tasks.wake();
    }

    public void forceDelete(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Snapshot snapshot = find(tx, caller, id);
            Policy.FORCE_DELETE_SNAPSHOT.authorize(caller);
            if (snapshot.groupSnapshotId() != null) {
                throw CairnException.invalidSnapshot("Snapshot  must not be part of a group.");
            }
            snapshots.setStatus(tx, id, SnapshotStatus.DELETING, now);
            tasks.enqueue(tx, TaskKind.DELETE_SNAPSHOT, id, now);
        });
        tasks.wake();
    }

    /** Cinder's os-unmanage: the delete's checks, then a task forgets the row; the engine keeps the data. */
    public void unmanage(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Snapshot snapshot = find(tx, caller, id);
            Policy.UNMANAGE_SNAPSHOT.authorize(caller);
            if (snapshot.groupSnapshotId() != null
                    || !snapshots.compareAndSetStatus(tx, id, SnapshotStatus.DELETABLE, SnapshotStatus.UNMANAGING, null, now)) {
                throw CairnException.invalidSnapshot("Snapshot status must be available or error and must not be part of a group.");
            }
            tasks.enqueue(tx, TaskKind.UNMANAGE_SNAPSHOT, id, now);
        });
        tasks.wake();
    }

    /**
     * Brings a snapshot the engine holds but the database does not know under management, as Cinder's
     * manage_existing_snapshot. The data is already there, so the row starts out available.
     */
    public Snapshot manage(Caller caller, SnapshotManage request) {
        Policy.MANAGE_SNAPSHOT.authorize(caller);
        Instant now = now();
        return database.transaction(tx -> {
            Volume volume = volumes.find(tx, request.volumeId(), Optional.empty())
                    .orElseThrow(() -> CairnException.volumeNotFound(request.volumeId()));
            String backendId = request.sourceName()
                    .orElseThrow(() -> invalidReference(request.reference(), "source-name is required"));
            Long sizeBytes = engine.snapshotSizes().get(backendId);
            if (sizeBytes == null) {
                throw invalidReference(request.reference(), "no snapshot " + backendId + " on the backend");
            }
            if (snapshots.find(tx, backendId, Optional.empty()).isPresent()) {
                throw invalidReference(request.reference(), "snapshot " + backendId + " is already managed");
            }
            snapshots.purgeDeleted(tx, backendId);
            int size = gibibytes(sizeBytes);
            // As with create, Cinder puts the row (and its quota) in the caller's project, not the volume's.
            quotas.reserve(tx, caller.projectId(), Map.of(QuotaService.SNAPSHOTS, 1L, QuotaService.GIGABYTES, (long) size));
            Snapshot snapshot = new Snapshot(backendId, caller.projectId(), caller.userId(), volume.id(), null,
                    SnapshotStatus.AVAILABLE, "100%", size, request.name(), request.description(), true, now, null,
                    request.metadata());
            snapshots.insert(tx, snapshot);
            return snapshot;
        });
    }

    private static CairnException invalidReference(String reference, String reason) {
        return new CairnException(ErrorCode.INVALID_INPUT,
                "Manage existing snapshot failed due to invalid backend reference " + reference + ": " + reason);
    }

    /** One snapshot the engine holds and the database does not: Cinder's manageable-snapshot entry. */
    public record Manageable(String reference, int size) {}

    /**
     * The engine's snapshots unknown to the database, sorted and paginated as Cinder's
     * {@code paginate_entries_list}; {@code host} or {@code cluster} (from 3.17) must be given, exactly one.
     */
    public List<Manageable> manageable(Caller caller, ApiVersion version, List<Map.Entry<String, String>> query) {
        Map<String, String> params = new LinkedHashMap<>();
        query.forEach(e -> params.put(e.getKey(), e.getValue()));
        boolean clusterAllowed = version.atLeast(17);
        String cluster = clusterAllowed ? params.get("cluster") : null;
        String host = params.get("host");
        if (isEmpty(cluster) == isEmpty(host)) {
            throw CairnException.invalidInput(clusterAllowed ? "One and only one of cluster and host must be set." : "Host field is missing.");
        }
        int limit = ListRules.parseLimit(params.get("limit"));
        int offset = ListRules.parseOffset(params.get("offset"));
        List<String> sortKeys = new ArrayList<>();
        List<String> sortDirs = new ArrayList<>();
        if (params.containsKey("sort")) {
            for (String item : params.get("sort").split(",", -1)) {
                String[] parts = item.split(":", 2);
                sortKeys.add(ListRules.pythonStrip(parts[0]));
                sortDirs.add(parts.length < 2 || parts[1].isBlank() ? "desc" : ListRules.pythonStrip(parts[1]));
            }
        } else {
            sortKeys.add(ListRules.pythonStrip(params.getOrDefault("sort_key", "reference")));
            sortDirs.add(ListRules.pythonStrip(params.getOrDefault("sort_dir", "desc")));
        }
        List<String> invalidKeys = sortKeys.stream().filter(k -> !k.equals("reference") && !k.equals("size")).toList();
        if (!invalidKeys.isEmpty()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "Invalid sort keys passed: " + String.join(", ", invalidKeys));
        }
        List<String> invalidDirs = sortDirs.stream().filter(d -> !d.equals("asc") && !d.equals("desc")).toList();
        if (!invalidDirs.isEmpty()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "Invalid sort dirs passed: " + String.join(", ", invalidDirs));
        }
        Policy.LIST_MANAGEABLE_SNAPSHOTS.authorize(caller);

        Set<String> known = new HashSet<>(snapshots.liveIds(engine.snapshotSizes().keySet()));
        Comparator<Manageable> order = (a, b) -> 0;
        for (int i = 0; i < sortKeys.size(); i++) {
            Comparator<Manageable> byKey = sortKeys.get(i).equals("size")
                    ? Comparator.comparingInt(Manageable::size) : Comparator.comparing(Manageable::reference);
            order = order.thenComparing(sortDirs.get(i).equals("desc") ? byKey.reversed() : byKey);
        }
        List<Manageable> sorted = engine.snapshotSizes().entrySet().stream()
                .filter(e -> !known.contains(e.getKey()))
                .map(e -> new Manageable(e.getKey(), gibibytes(e.getValue())))
                .sorted(order).toList();
        int start = 0;
        String marker = params.get("marker");
        if (marker != null) {
            // Cinder's marker is the entry's reference as JSON, e.g. {"source-name": "<id>"}.
            String markerName = markerSourceName(marker);
            start = -1;
            for (int i = 0; i < sorted.size() && start < 0; i++) {
                if (sorted.get(i).reference().equals(markerName)) {
                    start = i + 1;
                }
            }
            if (start < 0) {
                throw CairnException.invalidInput("marker not found: " + marker);
            }
        }
        int from = Math.min(sorted.size(), start + offset);
        int to = Math.min(sorted.size(), Math.max(from, start + limit + offset));
        return sorted.subList(from, to);
    }

    private static String markerSourceName(String marker) {
        try {
            JsonNode reference = MARKER_JSON.readTree(marker);
            return reference.isObject() && reference.path("source-name").isString() ? reference.get("source-name").asString() : null;
        } catch (JacksonException e) {
            throw CairnException.invalidInput("marker " + marker + " can not be analysed, please use json like format");
        }
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }

    /** Cinder counts sizes in whole GiB, rounding a partial one up. */
    private static int gibibytes(long bytes) {
        return (int) ((bytes + GIB - 1) / GIB);
    }

    /** Admin reset: any of Cinder's statuses (not EVS's rollbacking, which only a rollback sets), no transition rules. */
    public void resetStatus(Caller caller, String id, String status) {
        SnapshotStatus target = SnapshotStatus.parse(status).filter(s -> s != SnapshotStatus.ROLLBACKING).orElseThrow(() -> new CairnException(ErrorCode.INVALID_INPUT,
                "Snapshot status: " + status + " is invalid, valid statuses are: " + SnapshotStatus.pythonTuple() + "."));
        Instant now = now();
        database.execute(tx -> {
            find(tx, caller, id);
            Policy.RESET_SNAPSHOT_STATUS.authorize(caller);
            snapshots.setStatus(tx, id, target, now);
        });
    }

    /** A member reports the outcome of work on the snapshot (creating or deleting only). */
    public void updateStatus(Caller caller, String id, String status, String progress) {
        // Cinder checks the progress in its request schema, so a bad one is reported before anything else.
        String newProgress = progress == null || progress.isEmpty() ? null : validProgress(progress);
        Instant now = now();
        database.execute(tx -> {
            Snapshot current = find(tx, caller, id);
            Policy.UPDATE_SNAPSHOT_STATUS.authorize(caller);
            Set<SnapshotStatus> allowed = current.status().reportableTargets();
            if (allowed.isEmpty()) {
                throw statusNotReportable(current.status());
            }
            Optional<SnapshotStatus> target = SnapshotStatus.parse(status).filter(s -> s.wire().equals(status));
            if (target.isEmpty() || !allowed.contains(target.get())) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "Provided snapshot status " + status
                        + " not allowed for snapshot with status " + current.status().wire() + ".");
            }
            if (!snapshots.compareAndSetStatus(tx, id, Set.of(current.status()), target.get(), newProgress, now)) {
                throw statusNotReportable(current.status());
            }
        });
    }

    /** Cinder raises this as a plain HTTPBadRequest, so it has no "Invalid input received" prefix. */
    private static CairnException statusNotReportable(SnapshotStatus current) {
        return new CairnException(ErrorCode.INVALID_INPUT, "Snapshot status " + current.wire() + " not allowed for update_snapshot_status");
    }

    /** Cinder's check: {@code int(progress[:-1])} must work and lie in 0..100, and the last character be '%'. */
    private static String validProgress(String progress) {
        BigInteger value = ListRules.parsePythonInt(progress.substring(0, progress.length() - 1))
                .orElseThrow(() -> CairnException.invalidInput("progress must be an integer percentage"));
        if (value.signum() < 0 || value.compareTo(BigInteger.valueOf(100)) > 0 || !progress.endsWith("%")) {
            throw CairnException.invalidInput("progress must be an integer percentage between 0 and 100");
        }
        return progress;
    }

    // Metadata: no call checks the snapshot's status.

    public Map<String, String> metadata(Caller caller, String id) {
        Snapshot snapshot = find(caller, id);
        Policy.GET_SNAPSHOT_METADATA.authorize(caller);
        return snapshot.metadata();
    }

    public String metadataItem(Caller caller, String id, String key) {
        Map<String, String> metadata = metadata(caller, id);
        if (!metadata.containsKey(key)) {
            throw metadataNotFound(id, key);
        }
        return metadata.get(key);
    }

    /** Merges (POST) or replaces (PUT) the metadata; returns the whole stored map. */
    public Map<String, String> updateMetadata(Caller caller, String id, Map<String, String> changes, boolean replace) {
        return database.transaction(tx -> {
            Snapshot snapshot = find(tx, caller, id);
            Policy.UPDATE_SNAPSHOT_METADATA.authorize(caller);
            Map<String, String> result = replace ? new LinkedHashMap<>() : new LinkedHashMap<>(snapshot.metadata());
            result.putAll(changes);
            snapshots.replaceMetadata(tx, id, result);
            return result;
        });
    }

    public void deleteMetadataItem(Caller caller, String id, String key) {
        database.execute(tx -> {
            // Cinder's order: the snapshot, then the key (404 for both), then the policy.
            Snapshot snapshot = find(tx, caller, id);
            if (!snapshot.metadata().containsKey(key)) {
                throw metadataNotFound(id, key);
            }
            Policy.DELETE_SNAPSHOT_METADATA.authorize(caller);
            Map<String, String> result = new LinkedHashMap<>(snapshot.metadata());
            result.remove(key);
            snapshots.replaceMetadata(tx, id, result);
        });
    }

    private static CairnException metadataNotFound(String id, String key) {
        return new CairnException(ErrorCode.METADATA_NOT_FOUND, "Snapshot " + id + " has no metadata with key " + key + ".");
    }

    // Durable work.

    /** Takes the snapshot on the engine, then marks it available. */
    public TaskHandler createHandler() {
        return new TaskHandler() {
            @Override
            public void run(Task task) throws Exception {
                Optional<Snapshot> snapshot = snapshots.find(task.resourceId(), Optional.empty());
                if (snapshot.isEmpty() || snapshot.get().status() != SnapshotStatus.CREATING) {
                    return; // deleted or reset meanwhile: nothing left to create
                }
                engine.createSnapshot(snapshot.get().volumeId(), task.resourceId(),
                        fraction -> database.execute(tx -> snapshots.updateProgress(tx, task.resourceId(), Math.round(fraction * 100) + "%")));
                boolean available = database.transaction(tx -> snapshots.compareAndSetStatus(tx, task.resourceId(),
                        Set.of(SnapshotStatus.CREATING), SnapshotStatus.AVAILABLE, "100%", now()));
                if (!available && snapshots.find(task.resourceId(), Optional.empty()).isEmpty()) {
                    engine.deleteSnapshot(task.resourceId()); // deleted while it was being taken
                }
            }

            @Override
            public void giveUp(Task task, Exception cause) {
                LOG.error("snapshot {} could not be created, moving it to error", task.resourceId(), cause);
                database.transaction(tx -> snapshots.compareAndSetStatus(tx, task.resourceId(),
                        Set.of(SnapshotStatus.CREATING), SnapshotStatus.ERROR, null, now()));
            }
        };
    }

    /** Drops the snapshot's data, then soft-deletes the row and releases its quota in one transaction. */
    public TaskHandler deleteHandler() {
        return new TaskHandler() {
            @Override
            public void run(Task task) throws Exception {
                Optional<Snapshot> snapshot = snapshots.find(task.resourceId(), Optional.empty());
                if (snapshot.isEmpty() || snapshot.get().status() != SnapshotStatus.DELETING) {
                    return;
                }
                engine.deleteSnapshot(task.resourceId());
                database.execute(tx -> {
                    if (snapshots.softDelete(tx, task.resourceId(), Set.of(SnapshotStatus.DELETING), now())
                            && snapshot.get().useQuota()) {
                        quotas.release(tx, snapshot.get().projectId(), Map.of(QuotaService.SNAPSHOTS, 1L,
                                QuotaService.GIGABYTES, (long) snapshot.get().volumeSize()));
                    }
                });
            }

            @Override
            public void giveUp(Task task, Exception cause) {
                LOG.error("snapshot {} could not be deleted, moving it to error_deleting", task.resourceId(), cause);
                database.transaction(tx -> snapshots.compareAndSetStatus(tx, task.resourceId(),
                        Set.of(SnapshotStatus.DELETING), SnapshotStatus.ERROR_DELETING, null, now()));
            }
        };
    }

    /** Forgets the snapshot (soft delete) and releases its quota; the engine keeps the data. */
    public TaskHandler unmanageHandler() {
        return new TaskHandler() {
            @Override
            public void run(Task task) {
                database.execute(tx -> {
                    Optional<Snapshot> snapshot = snapshots.find(tx, task.resourceId(), Optional.empty());
                    if (snapshot.isPresent()
                            && snapshots.softDelete(tx, task.resourceId(), Set.of(SnapshotStatus.UNMANAGING), now())
                            && snapshot.get().useQuota()) {
                        quotas.release(tx, snapshot.get().projectId(), Map.of(QuotaService.SNAPSHOTS, 1L,
                                QuotaService.GIGABYTES, (long) snapshot.get().volumeSize()));
                    }
                });
            }

            @Override
            public void giveUp(Task task, Exception cause) {
                LOG.error("snapshot {} could not be unmanaged, moving it to error", task.resourceId(), cause);
                database.transaction(tx -> snapshots.compareAndSetStatus(tx, task.resourceId(),
                        Set.of(SnapshotStatus.UNMANAGING), SnapshotStatus.ERROR, null, now()));
            }
        };
    }

    private Snapshot find(Caller caller, String id) {
        return snapshots.find(id, scope(caller)).orElseThrow(() -> CairnException.snapshotNotFound(id));
    }

    private Snapshot find(DSLContext tx, Caller caller, String id) {
        return snapshots.find(tx, id, scope(caller)).orElseThrow(() -> CairnException.snapshotNotFound(id));
    }

    /** Admins see every project's snapshots by id; everyone else only their own project's. */
    static Optional<String> scope(Caller caller) {
        return caller.isAdmin() ? Optional.empty() : Optional.of(caller.projectId());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
