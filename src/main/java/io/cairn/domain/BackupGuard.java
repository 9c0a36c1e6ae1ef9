package io.cairn.domain;

/** What must hold of a backup, besides its status, for a transition to apply; the store writes each as SQL. */
public enum BackupGuard {
    /** No incremental backup builds on it. */
    NO_DEPENDENT_BACKUPS
}
