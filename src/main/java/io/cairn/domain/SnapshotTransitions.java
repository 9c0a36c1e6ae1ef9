package io.cairn.domain;

import static io.cairn.domain.SnapshotGuard.NOT_IN_GROUP;
import static io.cairn.domain.SnapshotStatus.AVAILABLE;
import static io.cairn.domain.SnapshotStatus.DELETING;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every status change a request makes to a snapshot, as data (see {@link VolumeTransitions}). Creation is an
 * insert in {@link SnapshotWork#CREATE_SNAPSHOT}'s running status; the admin reset and the member's status
 * report ({@link SnapshotStatus#reportableTargets()}) take their target from the request.
 */
public final class SnapshotTransitions {
    private SnapshotTransitions() {}

    private static final Set<SnapshotGuard> NO_GUARDS = Set.of();

    public static final Transition<SnapshotStatus, SnapshotGuard> DELETE = Transition.starting(
            "delete", SnapshotStatus.DELETABLE, DELETING, Set.of(NOT_IN_GROUP), SnapshotWork.DELETE_SNAPSHOT);
    public static final Transition<SnapshotStatus, SnapshotGuard> FORCE_DELETE = Transition.starting(
            "force delete",
            EnumSet.allOf(SnapshotStatus.class),
            DELETING,
            Set.of(NOT_IN_GROUP),
            SnapshotWork.DELETE_SNAPSHOT);
    public static final Transition<SnapshotStatus, SnapshotGuard> UNMANAGE = Transition.starting(
            "unmanage",
            SnapshotStatus.DELETABLE,
            SnapshotStatus.UNMANAGING,
            Set.of(NOT_IN_GROUP),
            SnapshotWork.UNMANAGE_SNAPSHOT);
    /** Held by its volume's revert ({@link VolumeWork#REVERT_VOLUME}), which gives it back as available. */
    public static final Transition<SnapshotStatus, SnapshotGuard> RESTORE =
            Transition.of("restore", EnumSet.of(AVAILABLE), SnapshotStatus.RESTORING, NO_GUARDS);
    /** Held by its volume's EVS rollback ({@link VolumeWork#ROLLBACK_VOLUME}). */
    public static final Transition<SnapshotStatus, SnapshotGuard> ROLLBACK =
            Transition.of("EVS rollback", EnumSet.of(AVAILABLE), SnapshotStatus.ROLLBACKING, NO_GUARDS);
    /** A volume is made from a snapshot that stays in a cloneable status until the volume is recorded. */
    public static final Transition<SnapshotStatus, SnapshotGuard> VOLUME_SOURCE =
            Transition.holding("volume source", Dialect.CINDER.volumeSources(), NO_GUARDS);

    public static final Transition<SnapshotStatus, SnapshotGuard> EVS_VOLUME_SOURCE =
            Transition.holding("EVS volume source", Dialect.EVS.volumeSources(), NO_GUARDS);

    /** A backup of the snapshot's data, which gives it back as available when it ends. */
    public static final Transition<SnapshotStatus, SnapshotGuard> BACKUP_SOURCE =
            Transition.of("backup source", EnumSet.of(AVAILABLE), SnapshotStatus.BACKING_UP, NO_GUARDS);

    /** A member of a group snapshot goes with it ({@link GroupWork#DELETE_GROUP_SNAPSHOT}). */
    public static final Transition<SnapshotStatus, SnapshotGuard> GROUP_DELETE =
            Transition.of("group snapshot delete", SnapshotStatus.DELETABLE, DELETING, NO_GUARDS);

    public static final List<Transition<SnapshotStatus, SnapshotGuard>> ALL = List.of(
            DELETE,
            FORCE_DELETE,
            UNMANAGE,
            RESTORE,
            ROLLBACK,
            VOLUME_SOURCE,
            EVS_VOLUME_SOURCE,
            BACKUP_SOURCE,
            GROUP_DELETE);

    /** The admin's os-reset_status: any status to the one asked for. */
    public static Transition<SnapshotStatus, SnapshotGuard> reset(SnapshotStatus target) {
        return Transition.of("reset status", EnumSet.allOf(SnapshotStatus.class), target, NO_GUARDS);
    }

    /** A member's os-update_snapshot_status from {@code current} to one of its reportable targets. */
    public static Transition<SnapshotStatus, SnapshotGuard> report(SnapshotStatus current, SnapshotStatus target) {
        return Transition.of("update status", EnumSet.of(current), target, NO_GUARDS);
    }
}
