package io.cairn.task;

import io.cairn.domain.Backup;
import io.cairn.domain.BackupStatus;
import io.cairn.domain.BackupWork;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.SnapshotWork;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeWork;
import io.cairn.domain.Work;
import io.cairn.store.BackupStore;
import io.cairn.store.Database;
import io.cairn.store.SnapshotIngestStore;
import io.cairn.store.SnapshotStore;
import io.cairn.store.TaskStore;
import io.cairn.store.VolumeStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run once at start-up, before the workers: hands this node's interrupted tasks back to the queue, then walks
 * the work tables ({@link VolumeWork}, {@link SnapshotWork}, {@link BackupWork}) so that every resource left in a work's running
 * status without a task gets that task again or, when the work cannot resume, the work's failure status; a
 * snapshot a restore held without its restore running is given back as available. So nothing stays in a
 * transitional status, whichever work a crash interrupted.
 *
 * <p>Safe while other nodes run: it releases only tasks leased to this node, and it acts on a resource only
 * in a transaction that holds the resource's row lock and finds no open task for it, held by any node.
 */
public final class RecoveryPass {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryPass.class);

    private final Database database;
    private final TaskStore tasks;
    private final TaskQueue queue;
    private final SnapshotStore snapshots;
    private final VolumeStore volumes;
    private final BackupStore backups;
    private final SnapshotIngestStore ingests;
    private final Clock clock;

    public RecoveryPass(
            Database database,
            TaskStore tasks,
            TaskQueue queue,
            SnapshotStore snapshots,
            VolumeStore volumes,
            BackupStore backups,
            SnapshotIngestStore ingests,
            Clock clock) {
        this.database = database;
        this.tasks = tasks;
        this.queue = queue;
        this.snapshots = snapshots;
        this.volumes = volumes;
        this.backups = backups;
        this.ingests = ingests;
        this.clock = clock;
    }

    /** What became of one resource the pass looked at. */
    private enum Outcome {
        RESUMED,
        FAILED,
        RELEASED,
        UNTOUCHED
    }

    /** @param node this node's name, the owner of the leases it took before it stopped */
    public void run(String node) {
        Instant now = clock.instant();
        int released = tasks.releaseAll(node);
        List<Outcome> outcomes = new ArrayList<>();
        Set<VolumeStatus> volumeRunning =
                Arrays.stream(VolumeWork.values()).map(VolumeWork::running).collect(Collectors.toSet());
        for (VolumeStatus running : volumeRunning) {
            for (String id : volumes.idsInStatus(running)) {
                outcomes.add(database.transaction(tx -> volumes.lockIfInStatus(tx, id, running) && !hasOpenWork(tx, id)
                        ? recoverVolume(tx, id, running, now)
                        : Outcome.UNTOUCHED));
            }
        }
        for (SnapshotWork work : SnapshotWork.values()) {
            for (String id : snapshots.idsInStatus(work.running())) {
                outcomes.add(database.transaction(
                        tx -> snapshots.lockIfInStatus(tx, id, work.running()) && !tasks.hasOpenTask(tx, id)
                                ? resume(tx, work, id, null)
                                : Outcome.UNTOUCHED));
            }
        }
        for (BackupWork work : BackupWork.values()) {
            for (String id : backups.idsInStatus(work.running())) {
                outcomes.add(database.transaction(
                        tx -> backups.lockIfInStatus(tx, id, work.running()) && !tasks.hasOpenTask(tx, id)
                                ? resume(tx, work, id, null)
                                : Outcome.UNTOUCHED));
            }
        }
        for (String id : backups.idsInStatus(BackupStatus.RESTORING)) {
            outcomes.add(database.transaction(tx -> releaseRestoring(tx, id, now)));
        }
        for (VolumeWork work : VolumeWork.values()) {
            Optional<SnapshotStatus> held = work.heldSnapshot();
            if (held.isPresent()) {
                for (String id : snapshots.idsInStatus(held.get())) {
                    outcomes.add(database.transaction(tx -> releaseHeld(tx, id, held.get(), now)));
                }
            }
        }
        if (released > 0 || outcomes.stream().anyMatch(o -> o != Outcome.UNTOUCHED)) {
            LOG.info(
                    "recovery: {} interrupted tasks requeued, {} resources given a new task, {} moved to their failure "
                            + "status, {} held snapshots given back",
                    released,
                    count(outcomes, Outcome.RESUMED),
                    count(outcomes, Outcome.FAILED),
                    count(outcomes, Outcome.RELEASED));
        }
    }

    /** Whether a task is open for the volume or for its group, whose task may be creating it (a group's clone). */
    private boolean hasOpenWork(DSLContext tx, String volumeId) {
        if (tasks.hasOpenTask(tx, volumeId)) {
            return true;
        }
        return volumes.find(tx, volumeId, Optional.empty())
                .map(Volume::groupId)
                .filter(groupId -> tasks.hasOpenTask(tx, groupId))
                .isPresent();
    }

    /**
     * Several works may run in one status (a revert and a rollback both in reverting, a volume and a staging volume
     * both in creating): the one whose held snapshot, or ingest, is there resumes with it; without one, a work that
     * needs nothing but the row resumes; otherwise the volume takes the first such work's failure status.
     */
    private Outcome recoverVolume(DSLContext tx, String id, VolumeStatus running, Instant now) {
        if (running == VolumeWork.RESTORE_BACKUP.running()) {
            // The backup's row names the volume it is restored onto; without it, nothing says what to write.
            Optional<Backup> restoring = backups.restoringInto(tx, id);
            if (restoring.isPresent()) {
                return resume(tx, VolumeWork.RESTORE_BACKUP, id, restoring.get().id());
            }
            volumes.finish(tx, id, running, VolumeWork.RESTORE_BACKUP.failure(), now);
            return Outcome.FAILED;
        }
        if (running == VolumeWork.CREATE_STAGING_VOLUME.running() && ingests.isOpenStagingVolume(tx, id)) {
            // Created for a snapshot ingest, whose row names it: it must end in maintenance, not available.
            return resume(tx, VolumeWork.CREATE_STAGING_VOLUME, id, null);
        }
        List<VolumeWork> candidates = Arrays.stream(VolumeWork.values())
                .filter(w -> w.running() == running)
                .toList();
        for (VolumeWork work : candidates) {
            if (work.heldSnapshot().isPresent()) {
                Optional<Snapshot> held = snapshots.findByVolume(tx, id).stream()
                        .filter(s -> s.status() == work.heldSnapshot().get())
                        .findFirst();
                if (held.isPresent()) {
                    return resume(tx, work, id, held.get().id());
                }
            } else if (work.recovery() == Work.Recovery.RESUME) {
                return resume(tx, work, id, null);
            }
        }
        volumes.finish(tx, id, running, candidates.getFirst().failure(), now);
        return Outcome.FAILED;
    }

    private Outcome resume(DSLContext tx, Work work, String id, String payload) {
        queue.enqueue(tx, work, id, payload);
        return Outcome.RESUMED;
    }

    /** A snapshot held by a restore that no task runs (its volume's task is gone) is available again. */
    private Outcome releaseHeld(DSLContext tx, String id, SnapshotStatus held, Instant now) {
        if (!snapshots.lockIfInStatus(tx, id, held)) {
            return Outcome.UNTOUCHED;
        }
        Optional<Snapshot> snapshot = snapshots.find(tx, id, Optional.empty());
        if (snapshot.isEmpty() || tasks.hasOpenTask(tx, snapshot.get().volumeId())) {
            return Outcome.UNTOUCHED;
        }
        return snapshots.finish(tx, id, held, SnapshotStatus.AVAILABLE, now) ? Outcome.RELEASED : Outcome.UNTOUCHED;
    }

    /** A backup held by a restore that no task runs (its volume's task is gone) is available again. */
    private Outcome releaseRestoring(DSLContext tx, String id, Instant now) {
        if (!backups.lockIfInStatus(tx, id, BackupStatus.RESTORING)) {
            return Outcome.UNTOUCHED;
        }
        Optional<String> target = backups.find(tx, id, Optional.empty()).flatMap(Backup::restoreVolumeId);
        if (target.isPresent() && tasks.hasOpenTask(tx, target.get())) {
            return Outcome.UNTOUCHED;
        }
        return backups.finish(tx, id, BackupStatus.RESTORING, BackupStatus.AVAILABLE, Optional.empty(), now)
                ? Outcome.RELEASED
                : Outcome.UNTOUCHED;
    }

    private static long count(List<Outcome> outcomes, Outcome outcome) {
        return outcomes.stream().filter(o -> o == outcome).count();
    }
}
