package io.cairn.http.cinder;

import io.cairn.service.QuotaService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Cinder's limits document: no rate limits; the absolute limits in quota order, then the used-limits extension's usage. */
final class LimitsView {
    /** The quota resources shown as absolute limits, under Cinder's names. */
    private static final Map<String, String> LIMIT_NAMES = Map.of(
            QuotaService.GIGABYTES, "maxTotalVolumeGigabytes",
            QuotaService.BACKUP_GIGABYTES, "maxTotalBackupGigabytes",
            QuotaService.VOLUMES, "maxTotalVolumes",
            QuotaService.SNAPSHOTS, "maxTotalSnapshots",
            QuotaService.BACKUPS, "maxTotalBackups");
    /** The used-limits extension's names, in the order it adds them. */
    private static final List<Map.Entry<String, String>> USED_NAMES = List.of(
            Map.entry("totalVolumesUsed", QuotaService.VOLUMES),
            Map.entry("totalGigabytesUsed", QuotaService.GIGABYTES),
            Map.entry("totalSnapshotsUsed", QuotaService.SNAPSHOTS),
            Map.entry("totalBackupsUsed", QuotaService.BACKUPS),
            Map.entry("totalBackupGigabytesUsed", QuotaService.BACKUP_GIGABYTES));

    private LimitsView() {}

    static Map<String, Object> of(QuotaService.QuotaSet set) {
        Map<String, Object> absolute = new LinkedHashMap<>();
        set.quotas().forEach((resource, usage) -> {
            if (LIMIT_NAMES.containsKey(resource)) {
                absolute.put(LIMIT_NAMES.get(resource), usage.limit());
            }
        });
        if (set.withUsage()) {
            USED_NAMES.forEach(used -> absolute.put(
                    used.getKey(), set.quotas().get(used.getValue()).inUse()));
        }
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("rate", List.of());
        limits.put("absolute", absolute);
        return limits;
    }
}
