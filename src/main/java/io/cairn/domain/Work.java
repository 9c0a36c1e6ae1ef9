package io.cairn.domain;

import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Durable work on one resource, started by a transition and finished by a worker: its name is what the tasks
 * table stores; it runs while the resource is in its running status and moves it to its success or failure
 * status. Enums list the kinds per resource: {@link VolumeWork}, {@link SnapshotWork}, {@link BackupWork},
 * {@link GroupWork}, {@link SnapshotGroupWork}.
 */
public sealed interface Work permits VolumeWork, SnapshotWork, BackupWork, GroupWork, SnapshotGroupWork {
    String name();

    Placement placement();

    /** What the recovery pass does with a resource left in the running status without a task. */
    Recovery recovery();

    /** Which node may run a task. */
    enum Placement {
        /** The node holding the volume the task's resource id names. */
        VOLUME_NODE,
        /** The node holding the volume of the snapshot the task's resource id names. */
        SNAPSHOT_NODE,
        /**
         * The node holding the volume of the backup the task's resource id names, while that volume is live (its
         * data to read, or the engine snapshot kept for the next backup); any node once it is gone.
         */
        BACKUP_VOLUME_NODE,
        /**
         * The node holding the data of the group (a group snapshot's group, an EVS snapshot group's disks) the task's
         * resource id names.
         */
        GROUP_NODE,
        /** Any node: the task touches no engine. */
        ANY_NODE
    }

    enum Recovery {
        /** The work can start again from what the row says: the task is enqueued anew. */
        RESUME,
        /** The work's argument lived only in its task (a new size): the resource goes to the failure status. */
        FAIL
    }

    /** Every kind of work, volumes' first. */
    static Stream<Work> all() {
        return Stream.of(
                        VolumeWork.values(),
                        SnapshotWork.values(),
                        BackupWork.values(),
                        GroupWork.values(),
                        SnapshotGroupWork.values())
                .flatMap(Arrays::stream);
    }

    /** The work a stored task names. */
    static Work named(String name) {
        return all().filter(w -> w.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown kind of work " + name));
    }
}
