package io.cairn.service;

import static java.util.Objects.requireNonNull;

import io.cairn.compat.OsloBoolean;
import io.cairn.compat.Python;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.VolumeTypes;
import io.cairn.store.Database;
import io.cairn.store.QuotaStore;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jooq.DSLContext;

/**
 * Quota limits and usage, with Cinder's resources, defaults, API rules and over-limit messages. Usage
 * changes run in the caller's transaction, next to the row they count, so that no interleaving of
 * requests can pass a limit. Usage is committed at once, so Cinder's {@code reserved} is always 0.
 */
public final class QuotaService {
    public static final String VOLUMES = "volumes";
    public static final String PER_VOLUME_GIGABYTES = "per_volume_gigabytes";
    public static final String SNAPSHOTS = "snapshots";
    public static final String GIGABYTES = "gigabytes";
    public static final String BACKUPS = "backups";
    public static final String BACKUP_GIGABYTES = "backup_gigabytes";
    public static final String GROUPS = "groups";

    /** Resources that Cinder also counts per volume type, under {@code <resource>_<type name>}. */
    private static final List<String> PER_TYPE_RESOURCES = List.of(VOLUMES, GIGABYTES, SNAPSHOTS);
    /** Cairn has one volume type, so every volume and snapshot counts against its per-type keys. */
    private static final List<String> VOLUME_TYPE_NAMES = List.of(VolumeTypes.DEFAULT_NAME);
    /** Keys a quota-set body may carry besides resources; Cinder ignores them. */
    private static final Set<String> NON_QUOTA_KEYS = Set.of("id", "tenant_id");

    private static final BigInteger MAX_LIMIT = BigInteger.valueOf(2147483647);
    private static final int MAX_PROJECT_ID_LENGTH = 255;

    /** One resource's quota: its limit (-1 is unlimited) and what is counted against it. */
    public record Usage(long limit, long inUse, long reserved) {}

    /** Every resource's quota of one project, in Cinder's order, and whether the usage is to be shown. */
    public record QuotaSet(Map<String, Usage> quotas, boolean withUsage) {
        public QuotaSet {
            quotas = Collections.unmodifiableMap(new LinkedHashMap<>(quotas));
        }
    }

    private final Database database;
    private final QuotaStore store;
    private final Map<String, Long> defaults;

    /** @param configuredDefaults the default limit of each project-wide resource, by name */
    public QuotaService(Database database, QuotaStore store, Map<String, Long> configuredDefaults) {
        this.database = requireNonNull(database, "database is null");
        this.store = requireNonNull(store, "store is null");
        Map<String, Long> all = new LinkedHashMap<>();
        for (String resource :
                List.of(VOLUMES, PER_VOLUME_GIGABYTES, SNAPSHOTS, GIGABYTES, BACKUPS, BACKUP_GIGABYTES)) {
            all.put(resource, configuredDefaults.getOrDefault(resource, -1L));
        }
        for (String type : VOLUME_TYPE_NAMES) {
            for (String resource : PER_TYPE_RESOURCES) {
                all.put(resource + "_" + type, -1L);
            }
        }
        all.put(GROUPS, configuredDefaults.getOrDefault(GROUPS, -1L));
        this.defaults = Collections.unmodifiableMap(all);
    }

    // The quota-set API.

    /** A project's quotas; {@code usage} is the raw query value, read as a strict boolean after the policy check. */
    public QuotaSet show(Caller caller, String projectId, Optional<String> usage) {
        Policy.SHOW_QUOTAS.authorize(caller, projectId);
        boolean withUsage =
                usage.map(value -> OsloBoolean.require("usage", value)).orElse(false);
        return new QuotaSet(quotas(projectId), withUsage);
    }

    /** The default limit of every resource; the project is not checked, as in Cinder. */
    public Map<String, Long> defaults(Caller caller, String projectId) {
        Policy.SHOW_QUOTAS.authorize(caller, projectId);
        return defaults;
    }

    /**
     * Cinder's format check of a quota-set body, which runs inside its schema validation (so before any
     * policy check): each value, given as Python's {@code str()} of the JSON value, must read as Python's
     * {@code int()} within -1..2147483647, checked in body order; unknown keys are reported after all values.
     *
     * @return the requested limits of the known resources, in body order
     */
    public Map<String, Long> parseQuotaSet(Map<String, String> values) {
        List<String> badKeys = new ArrayList<>();
        Map<String, Long> limits = new LinkedHashMap<>();
        values.forEach((key, text) -> {
            if (!defaults.containsKey(key) && !NON_QUOTA_KEYS.contains(key)) {
                badKeys.add(key);
            } else if (!NON_QUOTA_KEYS.contains(key)) {
                limits.put(key, parseLimit(key, text));
            }
        });
        if (!badKeys.isEmpty()) {
            throw CairnException.invalidInput("Bad key(s) in quota set: " + String.join(", ", badKeys));
        }
        return limits;
    }

    private static long parseLimit(String key, String text) {
        BigInteger value = Python.parseInt(text)
                .orElseThrow(() -> new CairnException(ErrorCode.INVALID_INPUT, key + " must be an integer"));
        if (value.compareTo(BigInteger.ONE.negate()) < 0) {
            throw new CairnException(ErrorCode.INVALID_INPUT, key + " must be >= -1");
        }
        if (value.compareTo(MAX_LIMIT) > 0) {
            throw new CairnException(ErrorCode.INVALID_INPUT, key + " must be <= " + MAX_LIMIT);
        }
        return value.longValueExact();
    }

    /**
     * Sets the project's own limits (already through {@link #parseQuotaSet}) and returns all its limits.
     * As in Cinder, a limit below current usage is refused only for a resource the project already has
     * its own limit for.
     */
    public Map<String, Long> update(Caller caller, String projectId, Map<String, Long> limits) {
        Policy.UPDATE_QUOTAS.authorize(caller);
        int length = projectId.codePointCount(0, projectId.length());
        if (length > MAX_PROJECT_ID_LENGTH) {
            throw CairnException.invalidInput(
                    "quota_set_name has " + length + " characters, more than " + MAX_PROJECT_ID_LENGTH + ".");
        }
        database.execute(tx -> {
            Map<String, Long> own = store.limits(tx, projectId);
            Map<String, Long> usages = store.usages(tx, projectId);
            limits.forEach((resource, limit) -> {
                long used = usages.getOrDefault(resource, 0L);
                if (own.containsKey(resource)
                        && !resource.equals(PER_VOLUME_GIGABYTES)
                        && limit != -1
                        && limit < used) {
                    throw new CairnException(
                            ErrorCode.INVALID_INPUT,
                            "Quota " + resource + " limit must be equal or greater than "
                                    + "existing resources. Current usage is " + used + " and the requested limit is "
                                    + limit + ".");
                }
            });
            limits.forEach((resource, limit) -> store.setLimit(tx, projectId, resource, limit));
        });
        Map<String, Long> result = new LinkedHashMap<>();
        quotas(projectId).forEach((resource, usage) -> result.put(resource, usage.limit()));
        return result;
    }

    /** Drops the project's own limits, so the defaults apply again; usage is kept. */
    public void delete(Caller caller, String projectId) {
        Policy.DELETE_QUOTAS.authorize(caller);
        database.execute(tx -> store.deleteLimits(tx, projectId));
    }

    /**
     * The quotas behind {@code GET /limits}: the caller's project, or for an admin the {@code requestedProject}
     * (which the API takes from 3.39 on). Usage is shown to project readers only.
     */
    public QuotaSet limits(Caller caller, Optional<String> requestedProject) {
        String projectId = caller.projectId();
        if (caller.isAdmin()) {
            projectId = requestedProject.orElse(projectId);
        }
        return new QuotaSet(quotas(projectId), Policy.USED_LIMITS.allows(caller));
    }

    private Map<String, Usage> quotas(String projectId) {
        Map<String, Long> own = store.limits(projectId);
        Map<String, Long> usages = store.usages(projectId);
        Map<String, Usage> quotas = new LinkedHashMap<>();
        defaults.forEach((resource, limit) -> quotas.put(
                resource, new Usage(own.getOrDefault(resource, limit), usages.getOrDefault(resource, 0L), 0)));
        return quotas;
    }

    // Usage, in the caller's transaction.

    /**
     * Counts what creating volumes or snapshots uses: every delta (volumes, snapshots, gigabytes) and its
     * per-volume-type twin, or none. A reservation that counts a new volume first checks its gigabytes
     * against {@code per_volume_gigabytes}, as Cinder's create flow does. When a limit would be passed,
     * throws Cinder's 413 for the first such resource in name order (Cinder sorts them) and the caller's
     * transaction rolls back. Deltas are never negative.
     */
    public void reserve(DSLContext tx, String projectId, Map<String, Long> deltas) {
        if (deltas.getOrDefault(VOLUMES, 0L) > 0) {
            checkVolumeSize(tx, projectId, deltas.getOrDefault(GIGABYTES, 0L));
        }
        for (Map.Entry<String, Long> delta : withVolumeTypeKeys(deltas).entrySet()) {
            String resource = delta.getKey();
            long limit = limit(tx, projectId, resource);
            if (!store.reserve(tx, projectId, resource, delta.getValue(), limit)) {
                throw overLimit(resource, delta.getValue(), limit, store.inUse(tx, projectId, resource));
            }
        }
    }

    /**
     * Counts the gigabytes an extend adds, as Cinder's extend does: {@code newSize} is checked against the
     * caller's project's {@code per_volume_gigabytes}, then the increase is counted against the volume's
     * project. Over a limit, Cinder always reports the project-wide {@code gigabytes} quota. Release the
     * increase with {@link #release} if the extend fails.
     */
    public void reserveExtend(
            DSLContext tx, String callerProjectId, String volumeProjectId, long currentSize, long newSize) {
        checkVolumeSize(tx, callerProjectId, newSize);
        long increase = newSize - currentSize;
        long gigabytesLimit = limit(tx, volumeProjectId, GIGABYTES);
        long gigabytesConsumed = store.inUse(tx, volumeProjectId, GIGABYTES);
        for (Map.Entry<String, Long> delta :
                withVolumeTypeKeys(Map.of(GIGABYTES, increase)).entrySet()) {
            if (!store.reserve(
                    tx,
                    volumeProjectId,
                    delta.getKey(),
                    delta.getValue(),
                    limit(tx, volumeProjectId, delta.getKey()))) {
                throw gigabytesOverLimit(GIGABYTES, increase, gigabytesLimit, gigabytesConsumed);
            }
        }
    }

    /** Gives back what {@link #reserve} or {@link #reserveExtend} counted, per-type keys included. */
    public void release(DSLContext tx, String projectId, Map<String, Long> deltas) {
        withVolumeTypeKeys(deltas).forEach((resource, delta) -> store.release(tx, projectId, resource, delta));
    }

    private long limit(DSLContext tx, String projectId, String resource) {
        return store.limit(tx, projectId, resource).orElse(defaults.getOrDefault(resource, -1L));
    }

    private void checkVolumeSize(DSLContext tx, String projectId, long size) {
        long limit = limit(tx, projectId, PER_VOLUME_GIGABYTES);
        if (limit >= 0 && limit < size) {
            throw new CairnException(
                    ErrorCode.VOLUME_SIZE_EXCEEDS_LIMIT,
                    "VolumeSizeExceedsLimit: Requested volume size " + size + "G is larger than maximum allowed limit "
                            + limit + "G.");
        }
    }

    /** The deltas plus their per-type twins, sorted by name as Cinder sorts the resources it finds over quota. */
    private static TreeMap<String, Long> withVolumeTypeKeys(Map<String, Long> deltas) {
        TreeMap<String, Long> all = new TreeMap<>(deltas);
        deltas.forEach((resource, delta) -> {
            if (PER_TYPE_RESOURCES.contains(resource)) {
                VOLUME_TYPE_NAMES.forEach(type -> all.put(resource + "_" + type, delta));
            }
        });
        return all;
    }

    private static CairnException overLimit(String resource, long requested, long limit, long consumed) {
        if (resource.equals(BACKUPS)) {
            return new CairnException(
                    ErrorCode.BACKUP_LIMIT_EXCEEDED,
                    "BackupLimitExceeded: Maximum number of backups allowed (" + limit + ") exceeded");
        }
        if (resource.equals(BACKUP_GIGABYTES)) {
            return new CairnException(
                    ErrorCode.BACKUP_GIGABYTES_QUOTA_EXCEEDED,
                    "VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup gigabytes quota. "
                            + "Requested " + requested + "G, quota is " + limit + "G and " + consumed
                            + "G has been consumed.");
        }
        if (resource.equals(GROUPS)) {
            return new CairnException(
                    ErrorCode.GROUP_LIMIT_EXCEEDED,
                    "GroupLimitExceeded: Maximum number of groups allowed (" + limit + ") exceeded");
        }
        if (resource.contains(GIGABYTES)) {
            return gigabytesOverLimit(resource, requested, limit, consumed);
        }
        if (resource.startsWith(SNAPSHOTS)) {
            return new CairnException(
                    ErrorCode.SNAPSHOT_LIMIT_EXCEEDED,
                    "SnapshotLimitExceeded: Maximum number of snapshots allowed (" + limit + ") exceeded");
        }
        return new CairnException(
                ErrorCode.VOLUME_LIMIT_EXCEEDED,
                "VolumeLimitExceeded: Maximum number of volumes allowed (" + limit + ") exceeded for quota '" + resource
                        + "'.");
    }

    private static CairnException gigabytesOverLimit(String resource, long requested, long limit, long consumed) {
        return new CairnException(
                ErrorCode.GIGABYTES_QUOTA_EXCEEDED,
                "VolumeSizeExceedsAvailableQuota: Requested volume or "
                        + "snapshot exceeds allowed " + resource + " quota. Requested " + requested + "G, quota is "
                        + limit + "G and "
                        + consumed + "G has been consumed.");
    }
}
