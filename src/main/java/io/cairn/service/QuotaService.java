package io.cairn.service;

import io.cairn.domain.CairnException;
import io.cairn.domain.ErrorCode;
import io.cairn.store.QuotaStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;

/**
 * Quota limits and usage, with Cinder's resources, defaults and over-limit messages. Usage changes run in
 * the caller's transaction, next to the row they count.
 */
public final class QuotaService {
    public static final String VOLUMES = "volumes";
    public static final String SNAPSHOTS = "snapshots";
    public static final String GIGABYTES = "gigabytes";

    private final QuotaStore store;
    private final Map<String, Long> defaults;

    /** @param defaults the default limit of each resource, in Cinder's response order */
    public QuotaService(QuotaStore store, Map<String, Long> defaults) {
        this.store = store;
        this.defaults = new LinkedHashMap<>(defaults);
    }

    public long limit(DSLContext tx, String projectId, String resource) {
        return store.limit(tx, projectId, resource).orElse(defaults.getOrDefault(resource, -1L));
    }

    /**
     * Adds every delta to the project's usage, or none: when a limit would be passed, throws Cinder's 413
     * for the first such resource in name order (as Cinder sorts them) and the caller's transaction rolls back.
     */
    public void reserve(DSLContext tx, String projectId, Map<String, Long> deltas) {
        for (Map.Entry<String, Long> delta : new TreeMap<>(deltas).entrySet()) {
            String resource = delta.getKey();
            long limit = limit(tx, projectId, resource);
            if (!store.reserve(tx, projectId, resource, delta.getValue(), limit)) {
                throw overLimit(resource, delta.getValue(), limit, store.inUse(tx, projectId, resource));
            }
        }
    }

    public void release(DSLContext tx, String projectId, Map<String, Long> deltas) {
        deltas.forEach((resource, delta) -> store.release(tx, projectId, resource, delta));
    }

    private static CairnException overLimit(String resource, long requested, long limit, long inUse) {
        if (resource.startsWith(GIGABYTES)) {
            return new CairnException(ErrorCode.GIGABYTES_QUOTA_EXCEEDED, "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
                    + resource + " quota. Requested " + requested + "G, quota is " + limit + "G and " + inUse + "G has been consumed.");
        }
        if (resource.startsWith(SNAPSHOTS)) {
            return new CairnException(ErrorCode.SNAPSHOT_LIMIT_EXCEEDED, "SnapshotLimitExceeded: Maximum number of snapshots allowed (" + limit + ") exceeded");
        }
        return new CairnException(ErrorCode.VOLUME_LIMIT_EXCEEDED, "VolumeLimitExceeded: Maximum number of volumes allowed (" + limit
                + ") exceeded for quota '" + resource + "'.");
    }
}
