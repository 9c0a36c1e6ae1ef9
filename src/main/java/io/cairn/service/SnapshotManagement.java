package io.cairn.service;

import io.cairn.compat.Python;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.SnapshotTransitions;
import io.cairn.domain.SnapshotWork;
import io.cairn.domain.Volume;
import io.cairn.engine.StorageEngine;
import io.cairn.store.Database;
import io.cairn.store.SnapshotStore;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskQueue;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cinder's snapshot management: bringing a snapshot the engine holds under the database's management
 * (manage, and the list of what could be managed), and letting one go (unmanage) while the engine keeps its data.
 */
public final class SnapshotManagement {
    private static final long GIB = 1L << 30;
    private static final JsonMapper MARKER_JSON = JsonMapper.builder().build();

    private final Database database;
    private final SnapshotStore snapshots;
    private final VolumeStore volumes;
    private final QuotaService quotas;
    private final TaskQueue tasks;
    private final StorageEngine engine;
    private final Clock clock;

    public SnapshotManagement(
            Database database,
            SnapshotStore snapshots,
            VolumeStore volumes,
            QuotaService quotas,
            TaskQueue tasks,
            StorageEngine engine,
            Clock clock) {
        this.database = database;
        this.snapshots = snapshots;
        this.volumes = volumes;
        this.quotas = quotas;
        this.tasks = tasks;
        this.engine = engine;
        this.clock = clock;
    }

    /** Cinder's os-unmanage: the delete's checks, then a task forgets the row; the engine keeps the data. */
    public void unmanage(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Lookup.snapshot(snapshots, tx, caller, id);
            Policy.UNMANAGE_SNAPSHOT.authorize(caller);
            if (!snapshots.apply(tx, SnapshotTransitions.UNMANAGE, id, now)) {
                throw CairnException.invalidSnapshot(
                        "Snapshot status must be available or error and must not be part of a group.");
            }
            tasks.enqueue(tx, SnapshotWork.UNMANAGE_SNAPSHOT, id);
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
            Long sizeBytes = snapshotSizes(Optional.of(volume.id())).get(backendId);
            if (sizeBytes == null) {
                throw invalidReference(request.reference(), "no snapshot " + backendId + " on the backend");
            }
            if (snapshots.find(tx, backendId, Optional.empty()).isPresent()) {
                throw invalidReference(request.reference(), "snapshot " + backendId + " is already managed");
            }
            snapshots.purgeDeleted(tx, backendId);
            int size = gibibytes(sizeBytes);
            // As with create, Cinder puts the row (and its quota) in the caller's project, not the volume's.
            quotas.reserve(
                    tx, caller.projectId(), Map.of(QuotaService.SNAPSHOTS, 1L, QuotaService.GIGABYTES, (long) size));
            Snapshot snapshot = new Snapshot(
                    backendId,
                    caller.projectId(),
                    caller.userId(),
                    volume.id(),
                    null,
                    SnapshotStatus.AVAILABLE,
                    "100%",
                    size,
                    request.name(),
                    request.description(),
                    true,
                    now,
                    null,
                    request.metadata(),
                    0);
            snapshots.insert(tx, snapshot);
            return snapshot;
        });
    }

    /** The engine's snapshots but the images backups keep for themselves, which are never anyone's to manage. */
    private Map<String, Long> snapshotSizes(Optional<String> volumeId) {
        try {
            Map<String, Long> sizes = new java.util.TreeMap<>(engine.snapshotSizes(volumeId));
            sizes.keySet().removeIf(BackupWorkHandler::isBaseSnapshot);
            return sizes;
        } catch (IOException e) {
            throw CairnException.backendUnavailable(e);
        }
    }

    private static CairnException invalidReference(String reference, String reason) {
        return new CairnException(
                ErrorCode.INVALID_INPUT,
                "Manage existing snapshot failed due to invalid backend reference " + reference + ": " + reason);
    }

    /** One snapshot the engine holds and the database does not: Cinder's manageable-snapshot entry. */
    public record Manageable(String reference, int size) {}

    /**
     * The engine's snapshots unknown to the database, sorted and paginated as Cinder's
     * {@code paginate_entries_list}; {@code host} or, when {@code clusterAllowed} (Cinder's 3.17), {@code cluster}
     * must be given, exactly one.
     */
    public List<Manageable> manageable(Caller caller, boolean clusterAllowed, List<Map.Entry<String, String>> query) {
        Map<String, String> params = new LinkedHashMap<>();
        query.forEach(e -> params.put(e.getKey(), e.getValue()));
        String cluster = clusterAllowed ? params.get("cluster") : null;
        String host = params.get("host");
        if (isEmpty(cluster) == isEmpty(host)) {
            throw CairnException.invalidInput(
                    clusterAllowed ? "One and only one of cluster and host must be set." : "Host field is missing.");
        }
        int limit = ListRules.parseLimit(params.get("limit"));
        int offset = ListRules.parseOffset(params.get("offset"));
        List<String> sortKeys = new ArrayList<>();
        List<String> sortDirs = new ArrayList<>();
        if (params.containsKey("sort")) {
            for (String item : params.get("sort").split(",", -1)) {
                String[] parts = item.split(":", 2);
                sortKeys.add(Python.strip(parts[0]));
                sortDirs.add(parts.length < 2 || parts[1].isBlank() ? "desc" : Python.strip(parts[1]));
            }
        } else {
            sortKeys.add(Python.strip(params.getOrDefault("sort_key", "reference")));
            sortDirs.add(Python.strip(params.getOrDefault("sort_dir", "desc")));
        }
        List<String> invalidKeys = sortKeys.stream()
                .filter(k -> !k.equals("reference") && !k.equals("size"))
                .toList();
        if (!invalidKeys.isEmpty()) {
            throw new CairnException(
                    ErrorCode.INVALID_INPUT, "Invalid sort keys passed: " + String.join(", ", invalidKeys));
        }
        List<String> invalidDirs = sortDirs.stream()
                .filter(d -> !d.equals("asc") && !d.equals("desc"))
                .toList();
        if (!invalidDirs.isEmpty()) {
            throw new CairnException(
                    ErrorCode.INVALID_INPUT, "Invalid sort dirs passed: " + String.join(", ", invalidDirs));
        }
        Policy.LIST_MANAGEABLE_SNAPSHOTS.authorize(caller);

        Set<String> known =
                new HashSet<>(snapshots.liveIds(snapshotSizes(Optional.empty()).keySet()));
        List<Comparator<Manageable>> keys = new ArrayList<>();
        for (int i = 0; i < sortKeys.size(); i++) {
            Comparator<Manageable> byKey = sortKeys.get(i).equals("size")
                    ? Comparator.comparingInt(Manageable::size)
                    : Comparator.comparing(Manageable::reference);
            keys.add(sortDirs.get(i).equals("desc") ? byKey.reversed() : byKey);
        }
        Comparator<Manageable> order =
                keys.stream().reduce(Comparator::thenComparing).orElseThrow();
        List<Manageable> sorted = snapshotSizes(Optional.empty()).entrySet().stream()
                .filter(e -> !known.contains(e.getKey()))
                .map(e -> new Manageable(e.getKey(), gibibytes(e.getValue())))
                .sorted(order)
                .toList();
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
            return reference.isObject() && reference.path("source-name").isString()
                    ? reference.get("source-name").asString()
                    : null;
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

    private Instant now() {
        return Lookup.now(clock);
    }
}
