package io.cairn.domain;

import static java.util.Objects.requireNonNull;

/** The one exception the service raises for a failure a client can be told about. */
public class CairnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public CairnException(ErrorCode code, String message) {
        super(requireNonNull(message, "message is null"));
        this.code = requireNonNull(code, "code is null");
    }

    public ErrorCode code() {
        return code;
    }

    /** A request that needs the storage backend now, while it does not answer (a Ceph cluster gone away). */
    public static CairnException backendUnavailable(java.io.IOException cause) {
        return new CairnException(
                ErrorCode.SERVICE_UNAVAILABLE, "The storage backend is unavailable: " + cause.getMessage());
    }

    /** A 400 whose message is Cinder's whole text, without the "Invalid input received" prefix. */
    public static CairnException badRequest(String message) {
        return new CairnException(ErrorCode.INVALID_INPUT, message);
    }

    public static CairnException invalidInput(String detail) {
        return new CairnException(ErrorCode.INVALID_INPUT, "Invalid input received: " + detail);
    }

    public static CairnException snapshotNotFound(String id) {
        return new CairnException(ErrorCode.SNAPSHOT_NOT_FOUND, "Snapshot " + id + " could not be found.");
    }

    public static CairnException volumeNotFound(String id) {
        return new CairnException(ErrorCode.VOLUME_NOT_FOUND, "Volume " + id + " could not be found.");
    }

    public static CairnException invalidSnapshot(String reason) {
        return new CairnException(ErrorCode.INVALID_SNAPSHOT, "Invalid snapshot: " + reason);
    }

    public static CairnException invalidVolume(String reason) {
        return new CairnException(ErrorCode.INVALID_VOLUME, "Invalid volume: " + reason);
    }

    public static CairnException backupNotFound(String id) {
        return new CairnException(ErrorCode.BACKUP_NOT_FOUND, "Backup " + id + " could not be found.");
    }

    public static CairnException invalidBackup(String reason) {
        return new CairnException(ErrorCode.INVALID_BACKUP, "Invalid backup: " + reason);
    }

    public static CairnException groupNotFound(String id) {
        return new CairnException(ErrorCode.GROUP_NOT_FOUND, "Group " + id + " could not be found.");
    }

    public static CairnException groupSnapshotNotFound(String id) {
        return new CairnException(ErrorCode.GROUP_SNAPSHOT_NOT_FOUND, "GroupSnapshot " + id + " could not be found.");
    }

    public static CairnException groupTypeNotFound(String id) {
        return new CairnException(ErrorCode.GROUP_TYPE_NOT_FOUND, "Group type " + id + " could not be found.");
    }

    public static CairnException invalidGroup(String reason) {
        return new CairnException(ErrorCode.INVALID_GROUP, "Invalid Group: " + reason);
    }

    public static CairnException invalidGroupSnapshot(String reason) {
        return new CairnException(ErrorCode.INVALID_GROUP_SNAPSHOT, "Invalid GroupSnapshot: " + reason);
    }
}
