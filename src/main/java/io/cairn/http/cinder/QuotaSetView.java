package io.cairn.http.cinder;

import io.cairn.service.QuotaService;
import java.util.LinkedHashMap;
import java.util.Map;

/** A quota set as Cinder renders it: each resource's limit, or with usage its limit, in_use and reserved. */
final class QuotaSetView {
    private QuotaSetView() {}

    static Map<String, Object> of(QuotaService.QuotaSet set) {
        Map<String, Object> view = new LinkedHashMap<>();
        set.quotas().forEach((resource, usage) -> view.put(resource, set.withUsage() ? usage(usage) : usage.limit()));
        return view;
    }

    /** GET responses name the project last; PUT's does not. */
    static Map<String, Object> withId(Map<String, Object> view, String projectId) {
        view.put("id", projectId);
        return view;
    }

    private static Map<String, Object> usage(QuotaService.Usage usage) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("limit", usage.limit());
        view.put("in_use", usage.inUse());
        view.put("reserved", usage.reserved());
        return view;
    }
}
