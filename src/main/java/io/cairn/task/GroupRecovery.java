package io.cairn.task;

import io.cairn.domain.GroupSnapshot;
import io.cairn.domain.GroupSnapshotStatus;
import io.cairn.domain.GroupStatus;
import io.cairn.domain.GroupWork;
import io.cairn.store.Database;
import io.cairn.store.GroupSnapshotStore;
import io.cairn.store.GroupStore;
import io.cairn.store.TaskStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery pass of {@link GroupWork}, run at start-up after {@link RecoveryPass} (which hands this node's
 * interrupted tasks back): a group snapshot left creating or deleting, or a group left reverting, without a task gets
 * its task again. The member snapshots' own tasks, which that pass may give them, do nothing: their group snapshot's
 * task does their work. Safe while other nodes run, as that pass is: it acts only under the row's lock with no open
 * task for it.
 */
public final class GroupRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(GroupRecovery.class);

    private final Database database;
    private final TaskStore tasks;
    private final TaskQueue queue;
    private final GroupStore groups;
    private final GroupSnapshotStore groupSnapshots;
    private final Clock clock;

    public GroupRecovery(
            Database database,
            TaskStore tasks,
            TaskQueue queue,
            GroupStore groups,
            GroupSnapshotStore groupSnapshots,
            Clock clock) {
        this.database = database;
        this.tasks = tasks;
        this.queue = queue;
        this.groups = groups;
        this.groupSnapshots = groupSnapshots;
        this.clock = clock;
    }

    private enum Outcome {
        RESUMED,
        FAILED,
        UNTOUCHED
    }

    public void run() {
        int resumed = 0;
        int failed = 0;
        for (GroupWork work : List.of(GroupWork.CREATE_GROUP_SNAPSHOT, GroupWork.DELETE_GROUP_SNAPSHOT)) {
            GroupSnapshotStatus running = (GroupSnapshotStatus) work.running();
            for (String id : groupSnapshots.idsInStatus(running)) {
                if (database.transaction(tx -> {
                    if (!groupSnapshots.lockIfInStatus(tx, id, running) || tasks.hasOpenTask(tx, id)) {
                        return false;
                    }
                    queue.enqueue(tx, work, id);
                    return true;
                })) {
                    resumed++;
                }
            }
        }
        for (String id : groups.idsInStatus(GroupStatus.CREATING)) {
            if (database.transaction(tx -> {
                if (!groups.lockIfInStatus(tx, id, GroupStatus.CREATING) || tasks.hasOpenTask(tx, id)) {
                    return false;
                }
                // Made from a group: one task clones all its members (made from a group snapshot, each its own).
                boolean cloned = groups.find(tx, id, Optional.empty())
                        .map(group -> group.sourceGroupId() != null)
                        .orElse(false);
                if (cloned) {
                    queue.enqueue(tx, GroupWork.CLONE_GROUP, id);
                }
                return cloned;
            })) {
                resumed++;
            }
        }
        for (String id : groups.idsInStatus(GroupStatus.REVERTING)) {
            Outcome outcome = database.transaction(tx -> {
                if (!groups.lockIfInStatus(tx, id, GroupStatus.REVERTING) || tasks.hasOpenTask(tx, id)) {
                    return Outcome.UNTOUCHED;
                }
                List<GroupSnapshot> held = groupSnapshots.ofGroup(tx, id, GroupSnapshotStatus.RESTORING);
                if (held.isEmpty()) {
                    // Reset meanwhile: nothing says which group snapshot the revert was to.
                    groups.finish(tx, id, GroupStatus.REVERTING, GroupStatus.ERROR, clock.instant());
                    return Outcome.FAILED;
                }
                queue.enqueue(tx, GroupWork.REVERT_GROUP, id, held.getFirst().id());
                return Outcome.RESUMED;
            });
            switch (outcome) {
                case RESUMED -> resumed++;
                case FAILED -> failed++;
                case UNTOUCHED -> {}
            }
        }
        if (resumed > 0 || failed > 0) {
            LOG.info("group recovery: {} group works given a new task, {} groups moved to error", resumed, failed);
        }
    }
}
