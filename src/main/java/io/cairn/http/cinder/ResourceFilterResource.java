package io.cairn.http.cinder;

import io.cairn.domain.ApiVersion;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Router;
import io.cairn.service.BackupService;
import io.cairn.service.GroupService;
import io.cairn.service.GroupSnapshotService;
import io.cairn.service.SnapshotService;
import io.cairn.service.VolumeService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Cinder's {@code GET /resource_filters} (3.33): the filters each resource's list accepts, in its file's order. */
public final class ResourceFilterResource {
    /** Cinder's resource_filters.json for the resources Cairn lists, in its order: the list specs' own filters. */
    static final Map<String, List<String>> FILTERS = orderedFilters();

    private static Map<String, List<String>> orderedFilters() {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        filters.put("volume", VolumeService.LIST_SPEC.resourceFilters());
        filters.put("backup", BackupService.LIST_SPEC.resourceFilters());
        filters.put("snapshot", SnapshotService.LIST_SPEC.resourceFilters());
        filters.put("group", GroupService.LIST_SPEC.resourceFilters());
        filters.put("group_snapshot", GroupSnapshotService.LIST_SPEC.resourceFilters());
        return filters;
    }

    public void register(Router router) {
        router.add("GET", "resource_filters", ApiVersion.RESOURCE_FILTERS_API, this::list);
    }

    private ApiResponse list(ApiRequest request) {
        String resource = request.query().stream()
                .filter(e -> e.getKey().equals("resource"))
                .map(Map.Entry::getValue)
                .reduce((first, second) -> second)
                .orElse(null);
        List<Map<String, Object>> items = FILTERS.entrySet().stream()
                .filter(e -> resource == null || e.getKey().equals(resource))
                .map(e -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("resource", e.getKey());
                    item.put("filters", e.getValue());
                    return item;
                })
                .toList();
        return ApiResponse.ok(ApiResponse.wrap("resource_filters", items));
    }
}
