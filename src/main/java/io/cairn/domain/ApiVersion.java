package io.cairn.domain;

/**
 * A negotiated Cinder microversion, such as 3.41, and the named microversions Cairn's behaviour depends on.
 *
 * <p>The names live here, on the version type itself, rather than in a class of their own: a caller needs
 * only one import to write {@code version.atLeast(ApiVersion.ETAGS)}, and {@link #MIN}, {@link #MAX} and every
 * point between them are read in one list. Each is named after what Cinder's {@code rest_api_version_history}
 * says that microversion added, and no other class spells a microversion as a number.
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
    public static final ApiVersion MIN = new ApiVersion(3, 0);
    /** 3.2: the volume list's {@code bootable} filter is a strict boolean (before, only "false" was false). */
    public static final ApiVersion STRICT_BOOTABLE_FILTER = new ApiVersion(3, 2);
    /** 3.8: the manageable_snapshots API (the os-snapshot-manage extension as a resource). */
    public static final ApiVersion MANAGEABLE_RESOURCES = new ApiVersion(3, 8);
    /** 3.9: backups can be renamed and re-described ({@code PUT /backups/{id}}). */
    public static final ApiVersion BACKUP_UPDATE = new ApiVersion(3, 9);
    /** 3.11: group types and their specs. */
    public static final ApiVersion GROUP_TYPES = new ApiVersion(3, 11);
    /** 3.12: {@code GET /volumes/summary}. */
    public static final ApiVersion VOLUME_SUMMARY = new ApiVersion(3, 12);
    /** 3.13: generic volume groups, so volumes show {@code group_id}. */
    public static final ApiVersion VOLUME_GROUPS = new ApiVersion(3, 13);
    /** 3.14: group snapshots, so snapshots show {@code group_snapshot_id}. */
    public static final ApiVersion GROUP_SNAPSHOTS = new ApiVersion(3, 14);
    /** 3.15: volume metadata carries an {@code Etag} and honours {@code If-Match}. */
    public static final ApiVersion ETAGS = new ApiVersion(3, 15);
    /** 3.17: listing manageable resources accepts {@code cluster} as well as {@code host}. */
    public static final ApiVersion MANAGEABLE_CLUSTER = new ApiVersion(3, 17);
    /** 3.18: admins see a backup's project ({@code os-backup-project-attr:project_id}). */
    public static final ApiVersion BACKUP_PROJECT = new ApiVersion(3, 18);
    /** 3.19: group snapshots' {@code reset_status} action. */
    public static final ApiVersion GROUP_SNAPSHOT_RESET_STATUS = new ApiVersion(3, 19);
    /** 3.20: groups' {@code reset_status} action. */
    public static final ApiVersion GROUP_RESET_STATUS = new ApiVersion(3, 20);
    /** 3.21: admins see the volume's {@code provider_id}. */
    public static final ApiVersion PROVIDER_ID = new ApiVersion(3, 21);
    /** 3.22: the snapshot list filters by {@code metadata}. */
    public static final ApiVersion SNAPSHOT_METADATA_FILTER = new ApiVersion(3, 22);
    /** 3.23: volume delete accepts {@code force}. */
    public static final ApiVersion FORCE_DELETE = new ApiVersion(3, 23);
    /** 3.25: a group shows its volumes' ids when asked ({@code list_volume}). */
    public static final ApiVersion GROUP_VOLUME_LIST = new ApiVersion(3, 25);
    /** 3.29: the group snapshot list pages, sorts and filters. */
    public static final ApiVersion GROUP_SNAPSHOT_PAGINATION = new ApiVersion(3, 29);
    /** 3.30: the snapshot list sorts by {@code name}. */
    public static final ApiVersion SORT_BY_NAME = new ApiVersion(3, 30);
    /** 3.31: the configured resource filters decide which filters a non-admin may use. */
    public static final ApiVersion RESOURCE_FILTERS = new ApiVersion(3, 31);
    /** 3.33: {@code GET /resource_filters}. */
    public static final ApiVersion RESOURCE_FILTERS_API = new ApiVersion(3, 33);
    /** 3.34: like filters ({@code name~}). */
    public static final ApiVersion LIKE_FILTERS = new ApiVersion(3, 34);
    /** 3.36: the volume summary includes the volumes' metadata. */
    public static final ApiVersion SUMMARY_METADATA = new ApiVersion(3, 36);
    /** 3.38: groups show their {@code replication_status}. */
    public static final ApiVersion GROUP_REPLICATION = new ApiVersion(3, 38);
    /** 3.39: an admin's {@code GET /limits} may name another project. */
    public static final ApiVersion LIMITS_PROJECT_ID = new ApiVersion(3, 39);
    /** 3.40: reverting a volume to its latest snapshot. */
    public static final ApiVersion VOLUME_REVERT = new ApiVersion(3, 40);
    /** 3.41: snapshots show {@code user_id}. */
    public static final ApiVersion SNAPSHOT_USER_ID = new ApiVersion(3, 41);
    /** 3.42: extending an in-use volume. */
    public static final ApiVersion EXTEND_ATTACHED = new ApiVersion(3, 42);
    /** 3.43: backups carry metadata. */
    public static final ApiVersion BACKUP_METADATA = new ApiVersion(3, 43);
    /** 3.45: lists give a {@code count} when asked {@code with_count}. */
    public static final ApiVersion LIST_COUNT = new ApiVersion(3, 45);
    /** 3.48: volumes show {@code shared_targets} and {@code service_uuid}. */
    public static final ApiVersion SHARED_TARGETS = new ApiVersion(3, 48);
    /** 3.51: a backup may be created in a named availability zone. */
    public static final ApiVersion BACKUP_AVAILABILITY_ZONE = new ApiVersion(3, 51);
    /** 3.53: volume request bodies are validated strictly by JSON schema. */
    public static final ApiVersion STRICT_SCHEMAS = new ApiVersion(3, 53);
    /** 3.56: backups show their {@code user_id}. */
    public static final ApiVersion BACKUP_USER_ID = new ApiVersion(3, 56);
    /** 3.58: admins see the project of groups and group snapshots. */
    public static final ApiVersion GROUP_PROJECT_ID = new ApiVersion(3, 58);
    /** 3.61: admins see the volume's {@code cluster_name}. */
    public static final ApiVersion CLUSTER_NAME = new ApiVersion(3, 61);
    /** 3.63: every reader sees the volume's {@code volume_type_id}. */
    public static final ApiVersion VOLUME_TYPE_ID = new ApiVersion(3, 63);
    /** 3.65: volumes and snapshots show {@code consumes_quota}. */
    public static final ApiVersion CONSUMES_QUOTA = new ApiVersion(3, 65);
    /** 3.66: an in-use volume is snapshotted without {@code force} (and {@code force=false} is invalid). */
    public static final ApiVersion SNAPSHOT_IN_USE = new ApiVersion(3, 66);

    public static final ApiVersion MAX = new ApiVersion(3, 71);

    public static ApiVersion of(String text) {
        int dot = text.indexOf('.');
        return new ApiVersion(Integer.parseInt(text.substring(0, dot)), Integer.parseInt(text.substring(dot + 1)));
    }

    /** True when this version is {@code other} or later. */
    public boolean atLeast(ApiVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(ApiVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
