package io.cairn.service;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeTypes;
import io.cairn.engine.StorageEngine;
import io.cairn.store.Database;
import io.cairn.store.SnapshotStore;
import io.cairn.store.TaskStore.Task;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskHandler;
import io.cairn.task.TaskKind;
import io.cairn.task.TaskQueue;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Volumes: Cinder's rules for creating, listing and deleting them, and the tasks that do the work. */
public final class VolumeService {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeService.class);
    public static final String DEFAULT_AVAILABILITY_ZONE = "nova";
    private static final long GIB = 1L << 30;

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
        return ListRules.execute(LIST_SPEC, plan, volumes);
    }

    public Volume get(Caller caller, String id) {
        Policy.GET_VOLUME.authorize(caller);
        return volumes.find(id, SnapshotService.scope(caller)).orElseThrow(() -> CairnException.volumeNotFound(id));
    }

    public Volume create(Caller caller, VolumeCreate request) {
        Policy.CREATE_VOLUME.authorize(caller);
        String zone = request.availabilityZone() == null ? DEFAULT_AVAILABILITY_ZONE : request.availabilityZone();
        if (!zone.equals(DEFAULT_AVAILABILITY_ZONE)) {
            throw CairnException.invalidInput("Availability zone '" + zone + "' is invalid.");
        }
        Instant now = now();
        Volume created = database.transaction(tx -> {
            quotas.reserve(tx, caller.projectId(), Map.of(QuotaService.VOLUMES, 1L, QuotaService.GIGABYTES, (long) request.size()));
            Volume volume = new Volume(UUID.randomUUID().toString(), caller.projectId(), caller.userId(),
                    VolumeStatus.CREATING, "detached", null, request.size(), zone, host, request.name(),
                    request.description(), null, null, VolumeTypes.DEFAULT_ID, null, false, false, true, now, null, null,
                    request.metadata());
            volumes.insert(tx, volume);
            tasks.enqueue(tx, TaskKind.CREATE_VOLUME, volume.id(), now);
            return volume;
        });
        tasks.wake();
        return created;
    }

    public void delete(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = volumes.find(tx, id, SnapshotService.scope(caller)).orElseThrow(() -> CairnException.volumeNotFound(id));
            Policy.DELETE_VOLUME.authorize(caller);
            boolean deletable = !"attached".equals(volume.attachStatus()) && volume.groupId() == null
                    && snapshots.findByVolume(tx, id).isEmpty()
                    && volumes.compareAndSetStatus(tx, id, VolumeStatus.DELETABLE, VolumeStatus.DELETING, now);
            if (!deletable) {
                throw CairnException.invalidVolume("Volume status must be available or error or error_restoring or "
                        + "error_extending or error_managing and must not be migrating, attached, belong to a group, "
                        + "have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.");
            }
            tasks.enqueue(tx, TaskKind.DELETE_VOLUME, id, now);
        });
        tasks.wake();
    }

    /** Creates the volume's (empty) data on the engine, then marks it available. */
    public TaskHandler createHandler() {
        return new TaskHandler() {
            @Override
            public void run(Task task) throws Exception {
                Optional<Volume> volume = volumes.find(task.resourceId(), Optional.empty());
                if (volume.isEmpty() || volume.get().status() != VolumeStatus.CREATING) {
                    return;
                }
                engine.createVolume(task.resourceId(), volume.get().size() * GIB);
                database.transaction(tx -> volumes.compareAndSetStatus(tx, task.resourceId(),
                        Set.of(VolumeStatus.CREATING), VolumeStatus.AVAILABLE, now()));
            }

            @Override
            public void giveUp(Task task, Exception cause) {
                LOG.error("volume {} could not be created, moving it to error", task.resourceId(), cause);
                database.transaction(tx -> volumes.compareAndSetStatus(tx, task.resourceId(),
                        Set.of(VolumeStatus.CREATING), VolumeStatus.ERROR, now()));
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
                    if (volumes.softDelete(tx, task.resourceId(), Set.of(VolumeStatus.DELETING), now())
                            && volume.get().useQuota()) {
                        quotas.release(tx, volume.get().projectId(),
                                Map.of(QuotaService.VOLUMES, 1L, QuotaService.GIGABYTES, (long) volume.get().size()));
                    }
                });
            }

            @Override
            public void giveUp(Task task, Exception cause) {
                LOG.error("volume {} could not be deleted, moving it to error_deleting", task.resourceId(), cause);
                database.transaction(tx -> volumes.compareAndSetStatus(tx, task.resourceId(),
                        Set.of(VolumeStatus.DELETING), VolumeStatus.ERROR_DELETING, now()));
            }
        };
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
