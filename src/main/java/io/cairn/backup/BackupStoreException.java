package io.cairn.backup;

import static java.util.Objects.requireNonNull;

import java.io.IOException;

/** A refusal or failure of the backup object store, with a reason callers can act on. */
public final class BackupStoreException extends IOException {
    public enum Reason {
        /** The object store cannot be reached, did not answer in time, or answered with a server error: try later. */
        UNAVAILABLE,
        /** The object store refused the credentials, or they may not do what was asked. */
        DENIED,
        /** A container, manifest or chunk that was needed is not there. */
        NOT_FOUND,
        /** An object's content does not match its checksum, or a manifest cannot be read as one. */
        CORRUPT,
        /**
         * The request cannot be carried out as given: a container name the store refuses, a restore target smaller
         * than the backup, a manifest of a newer format than this Cairn reads.
         */
        INVALID
    }

    private final Reason reason;

    public BackupStoreException(Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public BackupStoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason() {
        return reason;
    }
}
