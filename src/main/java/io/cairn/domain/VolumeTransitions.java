package io.cairn.domain;

import static io.cairn.domain.VolumeGuard.ATTACHED;
import static io.cairn.domain.VolumeGuard.HAS_ATTACHMENTS;
import static io.cairn.domain.VolumeGuard.IN_USE_ONLY_IF_MULTIATTACH;
import static io.cairn.domain.VolumeGuard.MIGRATION_SETTLED;
import static io.cairn.domain.VolumeGuard.NOT_ATTACHED;
import static io.cairn.domain.VolumeGuard.NOT_IN_GROUP;
import static io.cairn.domain.VolumeGuard.NOT_MIGRATING;
import static io.cairn.domain.VolumeGuard.NO_ATTACHMENTS;
import static io.cairn.domain.VolumeGuard.NO_GROUP_SNAPSHOTS;
import static io.cairn.domain.VolumeGuard.NO_MIGRATION;
import static io.cairn.domain.VolumeGuard.NO_SNAPSHOTS;
import static io.cairn.domain.VolumeGuard.ONLY_DELETABLE_SNAPSHOTS;
import static io.cairn.domain.VolumeGuard.SCHEDULED;
import static io.cairn.domain.VolumeStatus.ATTACHING;
import static io.cairn.domain.VolumeStatus.AVAILABLE;
import static io.cairn.domain.VolumeStatus.DELETING;
import static io.cairn.domain.VolumeStatus.DETACHING;
import static io.cairn.domain.VolumeStatus.ERROR_ROLLBACKING;
import static io.cairn.domain.VolumeStatus.EXTENDING;
import static io.cairn.domain.VolumeStatus.IN_USE;
import static io.cairn.domain.VolumeStatus.RESERVED;
import static io.cairn.domain.VolumeStatus.REVERTING;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every status change a request makes to a volume, as data: from-statuses, to-status, guards and the work
 * started (whose own table, {@link VolumeWork}, gives the statuses on success and failure). Creation is an
 * insert in {@link VolumeWork#CREATE_VOLUME}'s running status; the rest is here.
 */
public final class VolumeTransitions {
    private VolumeTransitions() {}

    private static final Set<VolumeGuard> NO_GUARDS = Set.of();

    private static final Set<VolumeGuard> DELETE_GUARDS = EnumSet.of(NOT_ATTACHED, NOT_IN_GROUP, MIGRATION_SETTLED);

    public static final Transition<VolumeStatus, VolumeGuard> DELETE = Transition.starting(
            "delete", VolumeStatus.DELETABLE, DELETING, with(DELETE_GUARDS, NO_SNAPSHOTS), VolumeWork.DELETE_VOLUME);
    /** Deletes the volume's snapshots with it: they must be deletable themselves. */
    public static final Transition<VolumeStatus, VolumeGuard> DELETE_CASCADE = Transition.starting(
            "delete with cascade",
            VolumeStatus.DELETABLE,
            DELETING,
            with(DELETE_GUARDS, NO_GROUP_SNAPSHOTS, ONLY_DELETABLE_SNAPSHOTS),
            VolumeWork.DELETE_VOLUME);
    /** EVS deletes a disk with its snapshots, and also one whose rollback failed. */
    public static final Transition<VolumeStatus, VolumeGuard> EVS_DELETE_CASCADE = Transition.starting(
            "EVS delete",
            Dialect.EVS.deletableVolumes(),
            DELETING,
            with(DELETE_GUARDS, NO_GROUP_SNAPSHOTS, ONLY_DELETABLE_SNAPSHOTS),
            VolumeWork.DELETE_VOLUME);
    /** Any status; snapshots still block it. */
    public static final Transition<VolumeStatus, VolumeGuard> FORCE_DELETE = Transition.starting(
            "force delete",
            EnumSet.allOf(VolumeStatus.class),
            DELETING,
            with(DELETE_GUARDS, NO_SNAPSHOTS),
            VolumeWork.DELETE_VOLUME);

    public static final Transition<VolumeStatus, VolumeGuard> FORCE_DELETE_CASCADE = Transition.starting(
            "force delete with cascade",
            EnumSet.allOf(VolumeStatus.class),
            DELETING,
            with(DELETE_GUARDS, NO_GROUP_SNAPSHOTS),
            VolumeWork.DELETE_VOLUME);

    public static final Transition<VolumeStatus, VolumeGuard> EXTEND =
            Transition.starting("extend", EnumSet.of(AVAILABLE), EXTENDING, NO_GUARDS, VolumeWork.EXTEND_VOLUME);
    /** From 3.42, an attached volume grows too, and is in use again afterwards. */
    public static final Transition<VolumeStatus, VolumeGuard> EXTEND_ATTACHED = Transition.starting(
            "extend attached", EnumSet.of(IN_USE), EXTENDING, NO_GUARDS, VolumeWork.EXTEND_ATTACHED_VOLUME);

    public static final Transition<VolumeStatus, VolumeGuard> REVERT =
            Transition.starting("revert", EnumSet.of(AVAILABLE), REVERTING, NO_GUARDS, VolumeWork.REVERT_VOLUME);
    public static final Transition<VolumeStatus, VolumeGuard> ROLLBACK = Transition.starting(
            "EVS rollback", EnumSet.of(AVAILABLE, ERROR_ROLLBACKING), REVERTING, NO_GUARDS, VolumeWork.ROLLBACK_VOLUME);

    public static final Transition<VolumeStatus, VolumeGuard> RESERVE =
            Transition.of("reserve", EnumSet.of(AVAILABLE, IN_USE), ATTACHING, Set.of(IN_USE_ONLY_IF_MULTIATTACH));
    public static final Transition<VolumeStatus, VolumeGuard> UNRESERVE =
            Transition.of("unreserve", EnumSet.of(ATTACHING), AVAILABLE, Set.of(NO_ATTACHMENTS));
    public static final Transition<VolumeStatus, VolumeGuard> UNRESERVE_ATTACHED =
            Transition.of("unreserve attached", EnumSet.of(ATTACHING), IN_USE, Set.of(HAS_ATTACHMENTS));
    public static final Transition<VolumeStatus, VolumeGuard> ATTACH = Transition.of(
            "attach", EnumSet.of(AVAILABLE, ATTACHING, RESERVED, IN_USE), IN_USE, Set.of(IN_USE_ONLY_IF_MULTIATTACH));
    /** Attaching to the server (or host) that already holds the volume answers that attachment. */
    public static final Transition<VolumeStatus, VolumeGuard> REATTACH = Transition.of(
            "attach again", EnumSet.of(AVAILABLE, ATTACHING, RESERVED, IN_USE, DETACHING), IN_USE, NO_GUARDS);

    public static final Transition<VolumeStatus, VolumeGuard> BEGIN_DETACHING =
            Transition.of("begin detaching", EnumSet.of(IN_USE), DETACHING, Set.of(ATTACHED, NO_MIGRATION));
    public static final Transition<VolumeStatus, VolumeGuard> ROLL_DETACHING =
            Transition.of("roll detaching", EnumSet.of(DETACHING), IN_USE, NO_GUARDS);
    /** The last attachment ended: the volume is available again (a delete in progress is left alone). */
    public static final Transition<VolumeStatus, VolumeGuard> DETACH_LAST = Transition.of(
            "detach",
            EnumSet.complementOf(EnumSet.of(DELETING, VolumeStatus.DELETED)),
            AVAILABLE,
            Set.of(NO_ATTACHMENTS));

    /** A snapshot is taken of a volume that stays available (or, when allowed, in use) until the snapshot is recorded. */
    public static final Transition<VolumeStatus, VolumeGuard> SNAPSHOT_SOURCE =
            Transition.holding("snapshot source", EnumSet.of(AVAILABLE), Set.of(SCHEDULED, NOT_MIGRATING));

    public static final Transition<VolumeStatus, VolumeGuard> SNAPSHOT_SOURCE_IN_USE = Transition.holding(
            "snapshot source in use", EnumSet.of(AVAILABLE, IN_USE), Set.of(SCHEDULED, NOT_MIGRATING));
    /** EVS's standard (v5) snapshots and snapshot groups: as in use, while no other snapshot of the disk is creating. */
    public static final Transition<VolumeStatus, VolumeGuard> STANDARD_SNAPSHOT_SOURCE = Transition.holding(
            "standard snapshot source",
            EnumSet.of(AVAILABLE, IN_USE),
            Set.of(SCHEDULED, NOT_MIGRATING, VolumeGuard.NO_SNAPSHOT_IN_CREATION));
    /** A volume is copied from one that stays available or in use until the copy is recorded. */
    public static final Transition<VolumeStatus, VolumeGuard> CLONE_SOURCE =
            Transition.holding("clone source", EnumSet.of(AVAILABLE, IN_USE), NO_GUARDS);

    /** A backup of the volume's own data: backing-up until it is read, then its previous status again. */
    public static final Transition<VolumeStatus, VolumeGuard> BACKUP_SOURCE =
            Transition.of("backup source", EnumSet.of(AVAILABLE, IN_USE), VolumeStatus.BACKING_UP, NO_GUARDS);
    /** A backup is written onto the volume by {@link VolumeWork#RESTORE_BACKUP}, whose payload names the backup. */
    public static final Transition<VolumeStatus, VolumeGuard> RESTORE_BACKUP =
            Transition.of("restore backup", EnumSet.of(AVAILABLE), VolumeStatus.RESTORING_BACKUP, NO_GUARDS);

    /**
     * A snapshot ingest is completed: the snapshot of its staging volume is taken while the volume stays in
     * maintenance, so that no write reaches it between the verification of its blocks and the engine's snapshot.
     */
    public static final Transition<VolumeStatus, VolumeGuard> INGEST_SNAPSHOT_SOURCE =
            Transition.holding("ingest snapshot source", EnumSet.of(VolumeStatus.MAINTENANCE), NO_GUARDS);
    /** The snapshot of a completed ingest was taken (or failed): its staging volume is an ordinary volume again. */
    public static final Transition<VolumeStatus, VolumeGuard> END_INGEST =
            Transition.of("end ingest", EnumSet.of(VolumeStatus.MAINTENANCE), AVAILABLE, NO_GUARDS);

    /** A volume joins a group while it is available or in use (Cinder's VALID_ADD_VOL_TO_GROUP_STATUS). */
    public static final Transition<VolumeStatus, VolumeGuard> JOIN_GROUP =
            Transition.holding("join group", EnumSet.of(AVAILABLE, VolumeStatus.IN_USE), Set.of(NOT_IN_GROUP));
    /** Its group is deleted with its volumes: group membership does not block this delete, attachments do. */
    public static final Transition<VolumeStatus, VolumeGuard> GROUP_DELETE = Transition.starting(
            "group delete",
            with(VolumeStatus.DELETABLE, VolumeStatus.ERROR_DELETING),
            DELETING,
            EnumSet.of(NOT_ATTACHED, NO_SNAPSHOTS, MIGRATION_SETTLED),
            VolumeWork.DELETE_VOLUME);
    /**
     * Held by its group's revert ({@link GroupWork#REVERT_GROUP}) in maintenance, where no I/O or request reaches it,
     * until the revert's task ends.
     */
    public static final Transition<VolumeStatus, VolumeGuard> GROUP_REVERT =
            Transition.of("group revert", EnumSet.of(AVAILABLE), VolumeStatus.MAINTENANCE, NO_GUARDS);

    /** The whole table, for tests that check it against the work table and the recovery pass. */
    public static final List<Transition<VolumeStatus, VolumeGuard>> ALL = List.of(
            DELETE,
            DELETE_CASCADE,
            EVS_DELETE_CASCADE,
            FORCE_DELETE,
            FORCE_DELETE_CASCADE,
            EXTEND,
            EXTEND_ATTACHED,
            REVERT,
            ROLLBACK,
            RESERVE,
            UNRESERVE,
            UNRESERVE_ATTACHED,
            ATTACH,
            REATTACH,
            BEGIN_DETACHING,
            ROLL_DETACHING,
            DETACH_LAST,
            SNAPSHOT_SOURCE,
            SNAPSHOT_SOURCE_IN_USE,
            STANDARD_SNAPSHOT_SOURCE,
            CLONE_SOURCE,
            BACKUP_SOURCE,
            RESTORE_BACKUP,
            INGEST_SNAPSHOT_SOURCE,
            END_INGEST,
            JOIN_GROUP,
            GROUP_DELETE,
            GROUP_REVERT);

    private static Set<VolumeStatus> with(Set<VolumeStatus> base, VolumeStatus... more) {
        Set<VolumeStatus> all = EnumSet.copyOf(base);
        all.addAll(List.of(more));
        return all;
    }

    private static Set<VolumeGuard> with(Set<VolumeGuard> base, VolumeGuard... more) {
        Set<VolumeGuard> all = EnumSet.copyOf(base);
        all.addAll(List.of(more));
        return all;
    }
}
