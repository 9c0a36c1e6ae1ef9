package io.cairn.domain;

/**
 * Every kind of failure the service reports. Each code carries its HTTP status; the fault name written in
 * the body follows from the status (see {@link #faultName()}), as in Cinder. Dialects (Cinder, EVS) map a
 * code to their own wire form, so callers never match on message text.
 */
public enum ErrorCode {
    INVALID_INPUT(400),
    MALFORMED_REQUEST_BODY(400),
    MALFORMED_REQUEST_URL(400),
    /** A request HTTP itself cannot parse (its request line, a header), refused before it reaches the API. */
    MALFORMED_REQUEST(400),
    /** The project in the URL is not the caller's. */
    PROJECT_MISMATCH(400),
    INVALID_VERSION(400),
    INVALID_FILTER(400),
    INVALID_SORT(400),
    /** A sort key, a sort direction or a marker EVS's v5 lists refuse (EVS gives each its own code). */
    LIST_SORT_KEY_INVALID(400),
    LIST_SORT_DIR_INVALID(400),
    LIST_MARKER_INVALID(400),
    INVALID_SNAPSHOT(400),
    /** Delete asked of a snapshot that is not available or error (EVS tells this apart from other invalid snapshots). */
    SNAPSHOT_NOT_DELETABLE(400),
    /** Delete asked of a snapshot whose deletion already failed. */
    SNAPSHOT_ERROR_DELETING(400),
    /** A list limit above what the API serves (EVS refuses it where Cinder clamps). */
    LIST_LIMIT_TOO_LARGE(400),
    /** A volume asked of a snapshot in a status no volume is made from (EVS tells this apart from other invalid snapshots). */
    SNAPSHOT_NOT_CLONEABLE(400),
    INVALID_VOLUME(400),
    /** A standard snapshot asked of a disk on which another snapshot is being created (EVS allows one at a time). */
    SNAPSHOT_IN_CREATION(400),
    INVALID_BACKUP(400),
    INVALID_GROUP(400),
    INVALID_GROUP_SNAPSHOT(400),
    INVALID_GROUP_TYPE(400),
    /** Delete asked of a volume in a status it is not deleted from (EVS tells this apart from other invalid volumes). */
    VOLUME_NOT_DELETABLE(400),
    /** Metadata whose keys and values together reach EVS's limit. */
    METADATA_TOO_LARGE(400),
    UNKNOWN_ACTION(400),
    /** A snapshot ingest's block, or its completion, whose checksum or block count is not what was received. */
    CHECKSUM_MISMATCH(400),
    UNAUTHORIZED(401),
    /** An AK/SK signature that does not verify: unknown key, tampered request, replay. */
    SIGNATURE_REJECTED(401),
    /** An AK/SK signature dated too far from the server's clock. */
    SIGNATURE_EXPIRED(401),
    POLICY_NOT_AUTHORIZED(403),
    RESOURCE_NOT_FOUND(404),
    SNAPSHOT_NOT_FOUND(404),
    VOLUME_NOT_FOUND(404),
    VOLUME_TYPE_NOT_FOUND(404),
    METADATA_NOT_FOUND(404),
    BACKUP_NOT_FOUND(404),
    SNAPSHOT_INGEST_NOT_FOUND(404),
    GROUP_NOT_FOUND(404),
    GROUP_TYPE_NOT_FOUND(404),
    GROUP_TYPE_SPECS_NOT_FOUND(404),
    GROUP_SNAPSHOT_NOT_FOUND(404),
    /** The backup service is not configured (no object store): Cinder's ServiceNotFound for cinder-backup. */
    BACKUP_SERVICE_NOT_FOUND(503),
    VERSION_NOT_SUPPORTED(406),
    VOLUME_STATUS_CONFLICT(409),
    SNAPSHOT_STATUS_CONFLICT(409),
    GROUP_TYPE_EXISTS(409),
    VOLUME_TYPE_EXISTS(409),
    /** A snapshot ingest that cannot take the request now: not open, a block still being put, a reused client token. */
    SNAPSHOT_INGEST_CONFLICT(409),
    SNAPSHOT_LIMIT_EXCEEDED(413),
    VOLUME_LIMIT_EXCEEDED(413),
    GIGABYTES_QUOTA_EXCEEDED(413),
    VOLUME_SIZE_EXCEEDS_LIMIT(413),
    BACKUP_LIMIT_EXCEEDED(413),
    BACKUP_GIGABYTES_QUOTA_EXCEEDED(413),
    GROUP_LIMIT_EXCEEDED(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    INTERNAL(500),
    SERVICE_UNAVAILABLE(503);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Cinder's fault name for this status; every status without a name of its own is a computeFault. */
    public String faultName() {
        return switch (status) {
            case 400 -> "badRequest";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "itemNotFound";
            case 405 -> "badMethod";
            case 409 -> "conflictingRequest";
            case 413 -> "overLimit";
            case 415 -> "badMediaType";
            case 501 -> "notImplemented";
            case 503 -> "serviceUnavailable";
            default -> "computeFault";
        };
    }
}
