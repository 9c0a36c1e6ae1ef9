package io.cairn.service;

import static java.util.Objects.requireNonNull;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Work;
import io.cairn.store.EvsJobStore;
import io.cairn.store.TaskStore;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * EVS's jobs ({@code GET /v2/{project_id}/jobs/{job_id}}): a v5 request that starts background work answers with a
 * job, which is the Cairn task doing that work. A job's status is its task's, read when asked: running while the task
 * waits or runs, success once it finished, fail once it gave up. Tasks are pruned a day after they finish, and their
 * jobs are then not found.
 */
public final class EvsJobService {
    private final EvsJobStore jobs;
    private final TaskStore tasks;
    private final Clock clock;

    public EvsJobService(EvsJobStore jobs, TaskStore tasks, Clock clock) {
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.tasks = requireNonNull(tasks, "tasks is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The kinds of job, with EVS's job_type and the reason a failed one gives. */
    public enum Type {
        CREATE_SNAPSHOT("createSnapshot", "The snapshot could not be created."),
        DELETE_SNAPSHOT("deleteSnapshot", "The snapshot could not be deleted."),
        ROLLBACK_SNAPSHOT("rollbackSnapshot", "The disk could not be rolled back to the snapshot."),
        CREATE_SNAPSHOT_GROUP("createSnapshotGroup", "The snapshot group could not be created."),
        DELETE_SNAPSHOT_GROUP("deleteSnapshotGroup", "The snapshot group could not be deleted.");

        private final String wire;
        private final String failReason;

        Type(String wire, String failReason) {
            this.wire = wire;
            this.failReason = failReason;
        }

        public String wire() {
            return wire;
        }

        static Optional<Type> parse(String wire) {
            for (Type type : values()) {
                if (type.wire.equals(wire)) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }
    }

    /** EVS's job statuses. */
    public enum Status {
        INIT,
        RUNNING,
        SUCCESS,
        FAIL
    }

    /** What a job acts on, as EVS's {@code entities} names it; the ids it does not act on are null. */
    public record Entities(String snapshotId, String volumeId, String snapshotGroupId) {
        public Map<String, String> asMap() {
            Map<String, String> map = new LinkedHashMap<>();
            if (snapshotGroupId != null) {
                map.put("snapshot_group_id", snapshotGroupId);
            }
            if (snapshotId != null) {
                map.put("snapshot_id", snapshotId);
            }
            if (volumeId != null) {
                map.put("volume_id", volumeId);
            }
            return map;
        }
    }

    /** A job as the query shows it; the end and the failure are empty until there are such. */
    public record Job(
            String id,
            Type type,
            Status status,
            Entities entities,
            Instant beganAt,
            Optional<Instant> endedAt,
            Optional<String> failReason) {}

    /** The instant to pass to {@link #started} for a request about to be made. */
    public Instant now() {
        return clock.instant();
    }

    /**
     * Records the job of a request just accepted: the first task of {@code work} for {@code resourceId} enqueued since
     * {@code since} (taken before the request), which is the request's own, as a second one on the same resource
     * can only be accepted after it.
     */
    public String started(Caller caller, Type type, Work work, String resourceId, Instant since, Entities entities) {
        String id = tasks.firstSince(resourceId, work.name(), since)
                .orElseThrow(() -> new IllegalStateException(work + " of " + resourceId + " has no task"));
        jobs.insert(
                new EvsJobStore.Row(
                        id,
                        caller.projectId(),
                        type.wire(),
                        entities.snapshotId(),
                        entities.volumeId(),
                        entities.snapshotGroupId()),
                clock.instant());
        return id;
    }

    /** The caller's job (any project's for an admin), as its task now stands. */
    public Job get(Caller caller, String id) {
        Policy.GET_SNAPSHOT.authorize(caller);
        EvsJobStore.Row row = jobs.find(id, Lookup.scope(caller)).orElseThrow(() -> notFound(id));
        TaskStore.Observed task = tasks.observe(id).orElseThrow(() -> notFound(id));
        Type type = Type.parse(row.type()).orElseThrow(() -> notFound(id));
        Status status = switch (task.stage()) {
            // A task that failed and waits for its next attempt is under way all the same.
            case PENDING -> task.attempts() == 0 ? Status.INIT : Status.RUNNING;
            case RUNNING -> Status.RUNNING;
            case DONE -> Status.SUCCESS;
            case FAILED -> Status.FAIL;
        };
        boolean ended = status == Status.SUCCESS || status == Status.FAIL;
        return new Job(
                id,
                type,
                status,
                new Entities(row.snapshotId(), row.volumeId(), row.snapshotGroupId()),
                task.enqueuedAt(),
                ended ? Optional.of(task.changedAt()) : Optional.empty(),
                status == Status.FAIL ? Optional.of(type.failReason) : Optional.empty());
    }

    private static CairnException notFound(String id) {
        return new CairnException(ErrorCode.RESOURCE_NOT_FOUND, "Job " + id + " could not be found.");
    }
}
