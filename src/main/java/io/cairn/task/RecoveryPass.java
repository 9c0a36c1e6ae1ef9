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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run once at start-up, before the workers: hands this node's interrupted tasks back to the queue, and gives
 * every resource left in a transitional status without a task (an admin reset, say) the task that finishes
 * it, so nothing stays in creating or deleting.
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

    public void run(String owner) {
        Instant now = clock.instant();
        int released = tasks.releaseAll(owner, now);
        int resumed = resume(volumes.idsInStatus(VolumeStatus.CREATING), TaskKind.CREATE_VOLUME, now)
                + resume(volumes.idsInStatus(VolumeStatus.DELETING), TaskKind.DELETE_VOLUME, now)
                + resume(snapshots.idsInStatus(SnapshotStatus.CREATING), TaskKind.CREATE_SNAPSHOT, now)
                + resume(snapshots.idsInStatus(SnapshotStatus.DELETING), TaskKind.DELETE_SNAPSHOT, now);
        int failed = fail(VolumeStatus.EXTENDING, VolumeStatus.ERROR_EXTENDING, now)
                + fail(VolumeStatus.REVERTING, VolumeStatus.ERROR, now);
        if (released + resumed + failed > 0) {
            LOG.info("recovery: {} interrupted tasks requeued, {} resources given a new task, {} moved to error",
                    released, resumed, failed);
        }
    }

    /** Work whose argument is lost with its task (the new size, the snapshot) cannot resume: the volume goes to error. */
    private int fail(VolumeStatus stuck, VolumeStatus error, Instant now) {
        int count = 0;
        for (String id : volumes.idsInStatus(stuck)) {
            if (!tasks.hasOpenTask(id)) {
                database.execute(tx -> volumes.compareAndSetStatus(tx, id, java.util.Set.of(stuck), error, now));
                count++;
            }
        }
        return count;
    }

    private int resume(List<String> ids, TaskKind kind, Instant now) {
        int count = 0;
        for (String id : ids) {
            if (!tasks.hasOpenTask(id)) {
                database.execute(tx -> queue.enqueue(tx, kind, id, now));
                count++;
            }
        }
        return count;
    }
}
