package io.cairn.task;

import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.VolumeStatus;
import io.cairn.store.Database;
import io.cairn.store.SnapshotStore;
import io.cairn.store.TaskStore;
import io.cairn.store.VolumeStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run once at start-up, before the workers: hands this node's interrupted tasks back to the queue, and gives
 * every resource left in a transitional status without a task (an admin reset, say) the task that finishes
 * it, so nothing stays in creating or deleting.
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
    private final Clock clock;

    public RecoveryPass(Database database, TaskStore tasks, TaskQueue queue, SnapshotStore snapshots, VolumeStore volumes, Clock clock) {
        this.database = database;
        this.tasks = tasks;
        this.queue = queue;
        this.snapshots = snapshots;
        this.volumes = volumes;
        this.clock = clock;
    }

    /** @param node this node's name, the owner of the leases it took before it stopped */
    public void run(String node) {
        Instant now = clock.instant();
        int released = tasks.releaseAll(node);
        int resumed = resumeVolumes(VolumeStatus.CREATING, TaskKind.CREATE_VOLUME, now)
                + resumeVolumes(VolumeStatus.DELETING, TaskKind.DELETE_VOLUME, now)
                + resumeSnapshots(SnapshotStatus.CREATING, TaskKind.CREATE_SNAPSHOT, now)
                + resumeSnapshots(SnapshotStatus.DELETING, TaskKind.DELETE_SNAPSHOT, now)
                + resumeSnapshots(SnapshotStatus.UNMANAGING, TaskKind.UNMANAGE_SNAPSHOT, now);
        int failed = fail(VolumeStatus.EXTENDING, VolumeStatus.ERROR_EXTENDING, now)
                + fail(VolumeStatus.REVERTING, VolumeStatus.ERROR, now);
        if (released + resumed + failed > 0) {
            LOG.info("recovery: {} interrupted tasks requeued, {} resources given a new task, {} moved to error",
                    released, resumed, failed);
        }
    }

    /** Work whose argument is lost with its task (the new size, the snapshot) cannot resume: the volume goes to error. */
    private int fail(VolumeStatus stuck, VolumeStatus error, Instant now) {
        return count(volumes.idsInStatus(stuck), id -> database.transaction(tx ->
                volumes.lockIfInStatus(tx, id, stuck) && !tasks.hasOpenTask(tx, id)
                        && volumes.compareAndSetStatus(tx, id, Set.of(stuck), error, now)));
    }

    private int resumeVolumes(VolumeStatus status, TaskKind kind, Instant now) {
        return count(volumes.idsInStatus(status), id -> database.transaction(tx ->
                volumes.lockIfInStatus(tx, id, status) && enqueueUnlessOpen(tx, kind, id, now)));
    }

    private int resumeSnapshots(SnapshotStatus status, TaskKind kind, Instant now) {
        return count(snapshots.idsInStatus(status), id -> database.transaction(tx ->
                snapshots.lockIfInStatus(tx, id, status) && enqueueUnlessOpen(tx, kind, id, now)));
    }

    private boolean enqueueUnlessOpen(DSLContext tx, TaskKind kind, String id, Instant now) {
        if (tasks.hasOpenTask(tx, id)) {
            return false;
        }
        queue.enqueue(tx, kind, id, now);
        return true;
    }

    private static int count(List<String> ids, java.util.function.Predicate<String> action) {
        int count = 0;
        for (String id : ids) {
            if (action.test(id)) {
                count++;
            }
        }
        return count;
    }
}
