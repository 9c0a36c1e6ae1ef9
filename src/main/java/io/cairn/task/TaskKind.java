package io.cairn.task;

/**
 * The kinds of durable work; the name is what the tasks table stores. Each says where it may run: work on
 * a volume's or a snapshot's data runs on the node whose engine holds that data, and work on the database
 * alone runs on any node.
 */
public enum TaskKind {
    CREATE_VOLUME(Placement.VOLUME_NODE),
    DELETE_VOLUME(Placement.VOLUME_NODE),
    EXTEND_VOLUME(Placement.VOLUME_NODE),
    REVERT_VOLUME(Placement.VOLUME_NODE),
    /** The same work as a revert for EVS's rollback, which fails to a status of its own. */
    ROLLBACK_VOLUME(Placement.VOLUME_NODE),
    CREATE_SNAPSHOT(Placement.SNAPSHOT_NODE),
    DELETE_SNAPSHOT(Placement.SNAPSHOT_NODE),
    /** Forgets the snapshot in the database only; its data stays on the engine, so any node may do it. */
    UNMANAGE_SNAPSHOT(Placement.ANY_NODE);

    /** Which node may run a task, from its resource id. */
    public enum Placement {
        /** The node holding the volume the task's resource id names. */
        VOLUME_NODE,
        /** The node holding the volume of the snapshot the task's resource id names. */
        SNAPSHOT_NODE,
        /** Any node: the task touches no engine. */
        ANY_NODE
    }

    private final Placement placement;

    TaskKind(Placement placement) {
        this.placement = placement;
    }

    public Placement placement() {
        return placement;
    }
}
