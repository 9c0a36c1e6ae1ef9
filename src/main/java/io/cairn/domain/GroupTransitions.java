package io.cairn.domain;

import static io.cairn.domain.GroupGuard.NOT_A_SOURCE_BEING_COPIED;
import static io.cairn.domain.GroupGuard.NO_GROUP_SNAPSHOTS;
import static io.cairn.domain.GroupGuard.NO_VOLUMES;
import static io.cairn.domain.GroupGuard.VOLUMES_DETACHED_WITHOUT_SNAPSHOTS;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every status change a request makes to a group or a group snapshot, as data (see {@link VolumeTransitions}).
 * Creating a group from nothing inserts it available; from a source, creating, with a {@link VolumeWork#CREATE_VOLUME}
 * per member whose end makes the group available once no member is still being created.
 */
public final class GroupTransitions {
    private GroupTransitions() {}

    private static final Set<GroupGuard> NO_GUARDS = Set.of();
    private static final Set<GroupSnapshotGuard> NO_SNAPSHOT_GUARDS = Set.of();

    /** Cinder's delete without {@code delete-volumes}: an empty group, available or in error. */
    public static final Transition<GroupStatus, GroupGuard> DELETE = Transition.of(
            "delete",
            EnumSet.of(GroupStatus.AVAILABLE, GroupStatus.ERROR),
            GroupStatus.DELETING,
            Set.of(NO_GROUP_SNAPSHOTS, NO_VOLUMES, NOT_A_SOURCE_BEING_COPIED));
    /**
     * Cinder's delete with {@code delete-volumes}: whatever the group's status but a revert's, its volumes going with
     * it. Each volume's delete is its own {@link VolumeWork#DELETE_VOLUME}; the last one's end deletes the group.
     */
    public static final Transition<GroupStatus, GroupGuard> DELETE_WITH_VOLUMES = Transition.of(
            "delete with volumes",
            EnumSet.complementOf(EnumSet.of(GroupStatus.DELETING, GroupStatus.DELETED, GroupStatus.REVERTING)),
            GroupStatus.DELETING,
            Set.of(NO_GROUP_SNAPSHOTS, VOLUMES_DETACHED_WITHOUT_SNAPSHOTS, NOT_A_SOURCE_BEING_COPIED));
    /** Name, description and members change while the group is available and stays so. */
    public static final Transition<GroupStatus, GroupGuard> UPDATE =
            Transition.holding("update", EnumSet.of(GroupStatus.AVAILABLE), NO_GUARDS);
    /** A group snapshot is taken of an available group, or a group copied from one. */
    public static final Transition<GroupStatus, GroupGuard> SOURCE =
            Transition.holding("source", EnumSet.of(GroupStatus.AVAILABLE), NO_GUARDS);

    public static final Transition<GroupStatus, GroupGuard> REVERT = Transition.starting(
            "revert", EnumSet.of(GroupStatus.AVAILABLE), GroupStatus.REVERTING, NO_GUARDS, GroupWork.REVERT_GROUP);

    public static final Transition<GroupSnapshotStatus, GroupSnapshotGuard> DELETE_SNAPSHOT = Transition.starting(
            "delete",
            EnumSet.of(GroupSnapshotStatus.AVAILABLE, GroupSnapshotStatus.ERROR),
            GroupSnapshotStatus.DELETING,
            Set.of(GroupSnapshotGuard.NOT_A_SOURCE_BEING_COPIED),
            GroupWork.DELETE_GROUP_SNAPSHOT);
    /** Held by its group's revert, which gives it back as available. */
    public static final Transition<GroupSnapshotStatus, GroupSnapshotGuard> RESTORE = Transition.of(
            "restore", EnumSet.of(GroupSnapshotStatus.AVAILABLE), GroupSnapshotStatus.RESTORING, NO_SNAPSHOT_GUARDS);
    /** A group is created from an available group snapshot. */
    public static final Transition<GroupSnapshotStatus, GroupSnapshotGuard> GROUP_SOURCE =
            Transition.holding("group source", EnumSet.of(GroupSnapshotStatus.AVAILABLE), NO_SNAPSHOT_GUARDS);

    /** The admin's reset_status: any status to the one asked for. */
    public static Transition<GroupStatus, GroupGuard> reset(GroupStatus target) {
        return Transition.of("reset status", EnumSet.allOf(GroupStatus.class), target, NO_GUARDS);
    }

    public static Transition<GroupSnapshotStatus, GroupSnapshotGuard> resetSnapshot(GroupSnapshotStatus target) {
        return Transition.of("reset status", EnumSet.allOf(GroupSnapshotStatus.class), target, NO_SNAPSHOT_GUARDS);
    }
}
