package io.cairn.domain;

/** What must hold of a volume, besides its status, for a transition to apply; the store writes each as SQL. */
public enum VolumeGuard {
    /** No live snapshot of the volume. */
    NO_SNAPSHOTS,
    /** No live snapshot of the volume is being created (EVS's standard snapshots: one at a time per disk). */
    NO_SNAPSHOT_IN_CREATION,
    /** No live snapshot of the volume belongs to a group snapshot. */
    NO_GROUP_SNAPSHOTS,
    /** Every live snapshot of the volume is available or error (a cascade deletes them). */
    ONLY_DELETABLE_SNAPSHOTS,
    /** Every live snapshot of the volume is in the volume's project (a member's cascade deletes no one else's). */
    ONLY_OWN_SNAPSHOTS,
    /** The attach status is not attached. */
    NOT_ATTACHED,
    /** The attach status is attached. */
    ATTACHED,
    /** No attachment is open. */
    NO_ATTACHMENTS,
    /** At least one attachment is open. */
    HAS_ATTACHMENTS,
    /** Only a multiattach volume may be in use while the transition applies. */
    IN_USE_ONLY_IF_MULTIATTACH,
    /** The volume is in no group. */
    NOT_IN_GROUP,
    /** No migration, or one that has ended (deleting, error, success). */
    MIGRATION_SETTLED,
    /** No migration status at all. */
    NO_MIGRATION,
    /** No migration status that starts with migrating. */
    NOT_MIGRATING,
    /** The volume has a host: its data exists somewhere. */
    SCHEDULED
}
