package io.cairn.domain;

import static io.cairn.domain.BackupStatus.AVAILABLE;
import static io.cairn.domain.BackupStatus.ERROR;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every status change a request makes to a backup, as data (see {@link VolumeTransitions}). Creation is an insert
 * in {@link BackupWork#CREATE_BACKUP}'s running status; a restore is its target volume's work, which holds the
 * backup in restoring.
 */
public final class BackupTransitions {
    private BackupTransitions() {}

    private static final Set<BackupGuard> NO_GUARDS = Set.of();

    /** Statuses from which a backup may be deleted without force. */
    public static final Set<BackupStatus> DELETABLE = EnumSet.of(AVAILABLE, ERROR);

    public static final Transition<BackupStatus, BackupGuard> DELETE = Transition.starting(
            "delete",
            DELETABLE,
            BackupStatus.DELETING,
            Set.of(BackupGuard.NO_DEPENDENT_BACKUPS),
            BackupWork.DELETE_BACKUP);
    /** Any status but a delete already running; incremental backups built on it still block it. */
    public static final Transition<BackupStatus, BackupGuard> FORCE_DELETE = Transition.starting(
            "force delete",
            EnumSet.complementOf(EnumSet.of(BackupStatus.DELETING, BackupStatus.DELETED)),
            BackupStatus.DELETING,
            Set.of(BackupGuard.NO_DEPENDENT_BACKUPS),
            BackupWork.DELETE_BACKUP);
    /** Held by the target volume's restore ({@link VolumeWork#RESTORE_BACKUP}), which gives it back as available. */
    public static final Transition<BackupStatus, BackupGuard> RESTORE =
            Transition.of("restore", EnumSet.of(AVAILABLE), BackupStatus.RESTORING, NO_GUARDS);
    /** An incremental backup builds on its parent, which must stay available until the new backup is recorded. */
    public static final Transition<BackupStatus, BackupGuard> INCREMENTAL_PARENT =
            Transition.holding("incremental parent", EnumSet.of(AVAILABLE), NO_GUARDS);

    /** The admin's os-reset_status, to available or error (the only targets Cinder allows). */
    public static Transition<BackupStatus, BackupGuard> reset(BackupStatus target) {
        return Transition.of("reset status", EnumSet.allOf(BackupStatus.class), target, NO_GUARDS);
    }
}
