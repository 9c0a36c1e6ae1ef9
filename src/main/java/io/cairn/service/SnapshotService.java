package io.cairn.service;

import io.cairn.compat.Python;
import io.cairn.compat.PythonRepr;
import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.RowVersion;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.SnapshotTransitions;
import io.cairn.domain.SnapshotWork;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeTransitions;
import io.cairn.store.Database;
import io.cairn.store.SnapshotStore;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskQueue;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.jooq.DSLContext;

/**
 * Snapshots: Cinder's rules for listing, creating, changing and deleting them. Their metadata is
 * {@link MetadataService}'s, their management (manage, unmanage) {@link SnapshotManagement}'s, and the work a
 * request starts {@link SnapshotWorkHandler}'s.
 */
public final class SnapshotService {
    public static final ListSpec LIST_SPEC = new ListSpec(
            "Snapshot",
            ErrorCode.SNAPSHOT_NOT_FOUND,
            ListSpec.Style.VOLUME_API,
            Set.of("status", "volume_id", "name", "metadata"),
            ApiVersion.SNAPSHOT_METADATA_FILTER,
            List.of("name", "status", "volume_id", "metadata", "availability_zone", "consumes_quota"),
            Map.of("name", "display_name"));

    /** Cinder's text, verbatim: the double space and the misspelling are in the original. */
    static final String FORCE_INVALID_SINCE_3_66 =
            "Since microversion 3.66 the 'force' flag is invalid for this request.  "
                    + "For backward compatability, however, when the 'force' flag is passed with a value evaluating to True, it is silently ignored.";

    private final Database database;
    private final SnapshotStore snapshots;
    private final VolumeStore volumes;
    private final QuotaService quotas;
    private final TaskQueue tasks;
    private final Clock clock;

    public SnapshotService(
            Database database,
            SnapshotStore snapshots,
            VolumeStore volumes,
            QuotaService quotas,
            TaskQueue tasks,
            Clock clock) {
        this.database = database;
        this.snapshots = snapshots;
        this.volumes = volumes;
        this.quotas = quotas;
        this.tasks = tasks;
        this.clock = clock;
    }

    public Page<Snapshot> list(Caller caller, ApiVersion version, List<Map.Entry<String, String>> query) {
        ListRules.Plan plan = ListRules.plan(LIST_SPEC, snapshots, caller, version, query, Policy.GET_ALL_SNAPSHOTS);
        return ListRules.execute(LIST_SPEC, plan, snapshots);
    }

    /**
     * A list page as {@link #list} reads it, as the snapshots' ids and versions: the caller renders from views it
     * keeps per version, and {@link #load}s the rest.
     */
    public Page<RowVersion> listVersions(Caller caller, ApiVersion version, List<Map.Entry<String, String>> query) {
        ListRules.Plan plan = ListRules.plan(LIST_SPEC, snapshots, caller, version, query, Policy.GET_ALL_SNAPSHOTS);
        return ListRules.executeVersions(LIST_SPEC, plan, snapshots);
    }

    /** The id and version of the snapshot {@link #get} would return, with the same lookup and policy. */
    public RowVersion getVersion(Caller caller, String id) {
        RowVersion row =
                snapshots.findVersion(id, Lookup.scope(caller)).orElseThrow(() -> CairnException.snapshotNotFound(id));
        Policy.GET_SNAPSHOT.authorize(caller);
        return row;
    }

    /**
     * The live snapshots with these ids that the caller may see, in no order, for ids {@link #listVersions} or
     * {@link #getVersion} gave: a snapshot deleted since is left out.
     */
    public List<Snapshot> load(Caller caller, Collection<String> ids) {
        return snapshots.findAll(ids, Lookup.scope(caller));
    }

    public Snapshot get(Caller caller, String id) {
        // Looked up first, as Cinder does: another project's snapshot is a 404 whatever the caller's roles.
        Snapshot snapshot = Lookup.snapshot(snapshots, caller, id);
        Policy.GET_SNAPSHOT.authorize(caller);
        return snapshot;
    }

    /** Whether the caller may see the extended attributes (project id, progress); Cinder omits them silently otherwise. */
    public boolean showsExtendedAttributes(Caller caller) {
        return Policy.EXTENDED_SNAPSHOT_ATTRIBUTES.allows(caller);
    }

    /**
     * Creates a snapshot of the request's volume; {@code inUseWithoutForce} is Cinder's 3.66 rule (an in-use
     * volume needs no {@code force}, and {@code force=false} is invalid), else only {@code force} allows in-use.
     */
    public Snapshot create(Caller caller, SnapshotCreate request, boolean inUseWithoutForce) {
        Instant now = now();
        Snapshot created = database.transaction(tx -> {
            Volume volume = sourceVolume(tx, caller, request);
            // Cinder's controller rejects force=false at 3.66 before the volume API checks the policy.
            if (inUseWithoutForce
                    && request.force().isPresent()
                    && !request.force().get()) {
                throw new CairnException(ErrorCode.INVALID_INPUT, FORCE_INVALID_SINCE_3_66);
            }
            Policy.CREATE_SNAPSHOT.authorize(caller);
            // From 3.66 in-use needs no force (force=false was refused above); before it, only force allows in-use.
            boolean inUseAllowed = inUseWithoutForce || request.force().orElse(false);
            if (!volumes.apply(
                    tx,
                    inUseAllowed ? VolumeTransitions.SNAPSHOT_SOURCE_IN_USE : VolumeTransitions.SNAPSHOT_SOURCE,
                    volume.id(),
                    now)) {
                throw notSnapshotable(Lookup.volume(volumes, tx, caller, volume.id()), inUseAllowed);
            }
            return take(tx, caller, volume, UUID.randomUUID().toString(), request, now);
        });
        tasks.wake();
        return created;
    }

    /**
     * EVS's standard snapshot of an available or in-use disk, refused while another snapshot of the disk is being
     * created ({@link ErrorCode#SNAPSHOT_IN_CREATION}): the check is the transition's guard, so two racing requests
     * never both pass it. {@code alongside} writes what belongs to the snapshot (its tags) in the same transaction, so
     * a crash leaves the snapshot with all of it or leaves no snapshot.
     */
    public Snapshot createStandard(Caller caller, SnapshotCreate request, BiConsumer<DSLContext, Snapshot> alongside) {
        Instant now = now();
        Snapshot created = database.transaction(tx -> {
            Volume volume = sourceVolume(tx, caller, request);
            Policy.CREATE_SNAPSHOT.authorize(caller);
            if (!volumes.apply(tx, VolumeTransitions.STANDARD_SNAPSHOT_SOURCE, volume.id(), now)) {
                if (volumes.apply(tx, VolumeTransitions.SNAPSHOT_SOURCE_IN_USE, volume.id(), now)) {
                    throw snapshotInCreation(volume.id());
                }
                throw notSnapshotable(Lookup.volume(volumes, tx, caller, volume.id()), true);
            }
            Snapshot snapshot = take(tx, caller, volume, UUID.randomUUID().toString(), request, now);
            alongside.accept(tx, snapshot);
            return snapshot;
        });
        tasks.wake();
        return created;
    }

    private Volume sourceVolume(DSLContext tx, Caller caller, SnapshotCreate request) {
        return Optional.ofNullable(request.volumeId())
                .flatMap(id -> volumes.find(tx, id, Lookup.scope(caller)))
                .orElseThrow(
                        () -> CairnException.volumeNotFound(request.volumeId() == null ? "None" : request.volumeId()));
    }

    /** The fault of a standard snapshot, or snapshot group, asked of a disk another snapshot is being taken of. */
    public static CairnException snapshotInCreation(String volumeId) {
        return new CairnException(
                ErrorCode.SNAPSHOT_IN_CREATION, "A snapshot of volume " + volumeId + " is being created; retry later.");
    }

    /**
     * Records snapshot {@code id} of {@code volume}, which the caller has checked may be snapshotted, with its quota
     * and its task, in {@code tx}; the caller wakes the queue once it commits. Shared by snapshot creation and the
     * completion of snapshot ingests.
     */
    Snapshot take(DSLContext tx, Caller caller, Volume volume, String id, SnapshotCreate request, Instant now) {
        // Like Cinder, the snapshot belongs to (and is counted against) the caller's project, even when an
        // admin snapshots another project's volume.
        quotas.reserve(tx, caller.projectId(), Map.of(QuotaService.SNAPSHOTS, 1L, QuotaService.GIGABYTES, (long)
                volume.size()));
        Snapshot snapshot = Snapshot.creating(
                id, caller, volume, null, request.name(), request.description(), now, request.metadata());
        snapshots.insert(tx, snapshot);
        tasks.enqueue(tx, SnapshotWork.CREATE_SNAPSHOT, snapshot.id());
        return snapshot;
    }

    /** Why the volume's status refused a snapshot, in Cinder's words and order. */
    private static CairnException notSnapshotable(Volume volume, boolean inUseAllowed) {
        if (volume.host() == null) {
            return CairnException.invalidVolume(
                    "The snapshot cannot be created because volume has not been scheduled to any host.");
        }
        if (volume.status() == VolumeStatus.MAINTENANCE) {
            return CairnException.invalidVolume(
                    "The snapshot cannot be created when the volume is in maintenance mode.");
        }
        if (volume.migrationStatus() != null && volume.migrationStatus().startsWith("migrating")) {
            return CairnException.invalidVolume("Snapshot cannot be created while volume is migrating.");
        }
        if (volume.status() == VolumeStatus.ERROR) {
            return CairnException.invalidVolume("The snapshot cannot be created when the volume is in error status.");
        }
        return CairnException.invalidVolume(
                "Volume " + volume.id() + " status must be " + (inUseAllowed ? "available, in-use" : "available")
                        + ", but current status is: " + volume.status().wire() + ".");
    }

    /**
     * Renames or re-describes a snapshot. For each field, empty leaves it as it is and an empty inner value
     * clears it (the client sent null). Returns the snapshot with the new values but its previous
     * {@code updated_at}, as Cinder's response shows it.
     */
    public Snapshot update(
            Caller caller, String id, Optional<Optional<String>> name, Optional<Optional<String>> description) {
        Instant now = now();
        return database.transaction(tx -> {
            // Cinder looks the snapshot up before the policy check: another project's snapshot is a 404, never a 403.
            Snapshot current = Lookup.snapshot(snapshots, tx, caller, id);
            Policy.UPDATE_SNAPSHOT.authorize(caller);
            String newName = name.isPresent() ? name.get().orElse(null) : current.displayName();
            String newDescription =
                    description.isPresent() ? description.get().orElse(null) : current.displayDescription();
            snapshots.updateNameAndDescription(tx, id, newName, newDescription, now);
            return new Snapshot(
                    current.id(),
                    current.projectId(),
                    current.userId(),
                    current.volumeId(),
                    current.groupSnapshotId(),
                    current.status(),
                    current.progress(),
                    current.volumeSize(),
                    newName,
                    newDescription,
                    current.useQuota(),
                    current.createdAt(),
                    current.updatedAt(),
                    current.metadata(),
                    current.version());
        });
    }

    public void delete(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Lookup.snapshot(snapshots, tx, caller, id);
            Policy.DELETE_SNAPSHOT.authorize(caller);
            if (!snapshots.apply(tx, SnapshotTransitions.DELETE, id, now)) {
                // Same message either way; the code lets a dialect (EVS) tell a failed deletion apart.
                SnapshotStatus current =
                        Lookup.snapshot(snapshots, tx, caller, id).status();
                throw new CairnException(
                        current == SnapshotStatus.ERROR_DELETING
                                ? ErrorCode.SNAPSHOT_ERROR_DELETING
                                : ErrorCode.SNAPSHOT_NOT_DELETABLE,
                        "Invalid snapshot: Snapshot status must be available or error and must not be part of a group.");
            }
            tasks.enqueue(tx, SnapshotWork.DELETE_SNAPSHOT, id);
        });
        tasks.wake();
    }

    public void forceDelete(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            // Looked up before the policy, as Cinder's admin actions: a missing or foreign id is a 404 for anyone.
            Lookup.snapshot(snapshots, tx, caller, id);
            Policy.FORCE_DELETE_SNAPSHOT.authorize(caller);
            if (!snapshots.apply(tx, SnapshotTransitions.FORCE_DELETE, id, now)) {
                throw CairnException.invalidSnapshot("Snapshot  must not be part of a group.");
            }
            tasks.enqueue(tx, SnapshotWork.DELETE_SNAPSHOT, id);
        });
        tasks.wake();
    }

    /** Admin reset: any of Cinder's statuses (not EVS's rollbacking, which only a rollback sets), no transition rules. */
    public void resetStatus(Caller caller, String id, String status) {
        SnapshotStatus target = SnapshotStatus.parse(status)
                .filter(s -> s != SnapshotStatus.ROLLBACKING)
                .orElseThrow(() -> new CairnException(
                        ErrorCode.INVALID_INPUT,
                        "Snapshot status: " + status + " is invalid, valid statuses are: "
                                + PythonRepr.tuple(SnapshotStatus.cinderStatuses()) + "."));
        Instant now = now();
        database.execute(tx -> {
            Lookup.snapshot(snapshots, tx, caller, id);
            Policy.RESET_SNAPSHOT_STATUS.authorize(caller);
            snapshots.apply(tx, SnapshotTransitions.reset(target), id, now);
        });
    }

    /** A member reports the outcome of work on the snapshot (creating or deleting only). */
    public void updateStatus(Caller caller, String id, String status, String progress) {
        // Cinder checks the progress in its request schema, so a bad one is reported before anything else.
        String newProgress = progress == null || progress.isEmpty() ? null : validProgress(progress);
        Instant now = now();
        database.execute(tx -> {
            Snapshot current = Lookup.snapshot(snapshots, tx, caller, id);
            Policy.UPDATE_SNAPSHOT_STATUS.authorize(caller);
            Set<SnapshotStatus> allowed = current.status().reportableTargets();
            if (allowed.isEmpty()) {
                throw statusNotReportable(current.status());
            }
            Optional<SnapshotStatus> target =
                    SnapshotStatus.parse(status).filter(s -> s.wire().equals(status));
            if (target.isEmpty() || !allowed.contains(target.get())) {
                throw new CairnException(
                        ErrorCode.INVALID_INPUT,
                        "Provided snapshot status " + status + " not allowed for snapshot with status "
                                + current.status().wire() + ".");
            }
            if (!snapshots.apply(tx, SnapshotTransitions.report(current.status(), target.get()), id, now)) {
                throw statusNotReportable(current.status());
            }
            if (newProgress != null) {
                snapshots.updateProgress(tx, id, newProgress);
            }
        });
    }

    /** Cinder raises this as a plain HTTPBadRequest, so it has no "Invalid input received" prefix. */
    private static CairnException statusNotReportable(SnapshotStatus current) {
        return new CairnException(
                ErrorCode.INVALID_INPUT,
                "Snapshot status " + current.wire() + " not allowed for update_snapshot_status");
    }

    /** Cinder's check: {@code int(progress[:-1])} must work and lie in 0..100, and the last character be '%'. */
    private static String validProgress(String progress) {
        BigInteger value = Python.parseInt(progress.substring(0, progress.length() - 1))
                .orElseThrow(() -> CairnException.invalidInput("progress must be an integer percentage"));
        if (value.signum() < 0 || value.compareTo(BigInteger.valueOf(100)) > 0 || !progress.endsWith("%")) {
            throw CairnException.invalidInput("progress must be an integer percentage between 0 and 100");
        }
        return progress;
    }

    private Instant now() {
        return Lookup.now(clock);
    }
}
