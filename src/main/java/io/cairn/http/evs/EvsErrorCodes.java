package io.cairn.http.evs;

import io.cairn.domain.ErrorCode;
import java.util.Optional;

/**
 * The one mapping from Cairn's error kinds to EVS's wire form (the error-code page evs_04_0038): the HTTP
 * status EVS answers with, its code, and its fixed message where the page gives one. Where EVS uses one
 * code for many messages (EVS.5400), the failure's own message is kept. The switch has no default, so a
 * new {@link ErrorCode} cannot compile without its EVS form.
 */
public final class EvsErrorCodes {
    /** One EVS error: status, code, and the fixed message, or empty to keep the failure's own. */
    public record EvsError(int status, String code, Optional<String> message) {
        static EvsError fixed(int status, String code, String message) {
            return new EvsError(status, code, Optional.of(message));
        }

        static EvsError own(int status, String code) {
            return new EvsError(status, code, Optional.empty());
        }
    }

    static final String NOT_FOUND = "Resource(Volume, Snapshot, Backup .etc) cound not be found."; // Huawei's spelling

    private EvsErrorCodes() {}

    public static EvsError of(ErrorCode code) {
        return switch (code) {
            case INVALID_INPUT,
                    INVALID_VERSION,
                    INVALID_FILTER,
                    INVALID_SORT,
                    INVALID_SNAPSHOT,
                    INVALID_VOLUME,
                    INVALID_BACKUP,
                    INVALID_GROUP,
                    INVALID_GROUP_SNAPSHOT,
                    INVALID_GROUP_TYPE,
                    GROUP_TYPE_EXISTS,
                    VOLUME_TYPE_EXISTS,
                    UNKNOWN_ACTION,
                    CHECKSUM_MISMATCH,
                    VOLUME_STATUS_CONFLICT,
                    SNAPSHOT_STATUS_CONFLICT,
                    SNAPSHOT_INGEST_CONFLICT,
                    UNSUPPORTED_MEDIA_TYPE,
                    MALFORMED_REQUEST -> EvsError.own(400, "EVS.5400");
            case MALFORMED_REQUEST_BODY -> EvsError.fixed(400, "EVS.5400", "Malformed request body.");
            case MALFORMED_REQUEST_URL -> EvsError.fixed(400, "EVS.5400", "Malformed request url.");
            case PROJECT_MISMATCH -> EvsError.fixed(400, "EVS.0001", "invalid tenant id!");
            case SNAPSHOT_NOT_DELETABLE ->
                EvsError.fixed(400, "EVS.1047", "snapshot status must be available or error when delete snapshot!");
            case METADATA_TOO_LARGE -> EvsError.fixed(400, "EVS.1005", "size of metadata is too large!");
            // These refusals keep their own message: the Cinder and EVS paths allow different statuses.
            case SNAPSHOT_NOT_CLONEABLE -> EvsError.own(400, "EVS.2043");
            case VOLUME_NOT_DELETABLE -> EvsError.own(400, "EVS.1046");
            // EVS answers a second delete of a snapshot whose deletion failed with a 500.
            case SNAPSHOT_ERROR_DELETING -> EvsError.fixed(500, "EVS.2019", "snapshot is error_deleting!");
            // The Terraform provider waits and retries on this code.
            case SNAPSHOT_IN_CREATION -> EvsError.own(400, "EVS.2409");
            case LIST_SORT_KEY_INVALID -> EvsError.fixed(400, "EVS.1039", "invalid sort_key!");
            case LIST_SORT_DIR_INVALID -> EvsError.fixed(400, "EVS.1040", "invalid sort_dir!");
            case LIST_MARKER_INVALID -> EvsError.fixed(400, "EVS.1024", "invalid filter marker!");
            case LIST_LIMIT_TOO_LARGE ->
                EvsError.fixed(400, "EVS.2142", "invalid filter limit, can not greater than 1000.");
            case UNAUTHORIZED -> EvsError.fixed(401, "EVS.5401", "Authentication required.");
            // Signature failures are the API gateway's in Huawei Cloud, so they carry its codes.
            case SIGNATURE_REJECTED -> EvsError.own(401, "APIGW.0301");
            case SIGNATURE_EXPIRED -> EvsError.own(401, "APIGW.0303");
            case POLICY_NOT_AUTHORIZED -> EvsError.fixed(403, "EVS.5403", "Policy check failed.");
            case RESOURCE_NOT_FOUND,
                    SNAPSHOT_NOT_FOUND,
                    VOLUME_NOT_FOUND,
                    VOLUME_TYPE_NOT_FOUND,
                    METADATA_NOT_FOUND,
                    BACKUP_NOT_FOUND,
                    SNAPSHOT_INGEST_NOT_FOUND,
                    GROUP_NOT_FOUND,
                    GROUP_TYPE_NOT_FOUND,
                    GROUP_TYPE_SPECS_NOT_FOUND,
                    GROUP_SNAPSHOT_NOT_FOUND -> EvsError.fixed(404, "EVS.5404", NOT_FOUND);
            case VERSION_NOT_SUPPORTED -> EvsError.own(406, "EVS.5400");
            case SNAPSHOT_LIMIT_EXCEEDED -> EvsError.fixed(413, "EVS.5413", "Insufficient volume quota.");
            case BACKUP_LIMIT_EXCEEDED, BACKUP_GIGABYTES_QUOTA_EXCEEDED -> EvsError.own(413, "EVS.5413");
            case VOLUME_SIZE_EXCEEDS_LIMIT, GROUP_LIMIT_EXCEEDED -> EvsError.own(413, "EVS.5413");
            case VOLUME_LIMIT_EXCEEDED -> EvsError.own(400, "EVS.1034");
            case GIGABYTES_QUOTA_EXCEEDED -> EvsError.own(400, "EVS.1042");
            case INTERNAL -> EvsError.fixed(500, "EVS.5500", "Internal server error.");
            case SERVICE_UNAVAILABLE, BACKUP_SERVICE_NOT_FOUND ->
                EvsError.fixed(503, "EVS.5503", "Service unavailable.");
        };
    }
}
