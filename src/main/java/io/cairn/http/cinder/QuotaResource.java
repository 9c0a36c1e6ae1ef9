package io.cairn.http.cinder;

import io.cairn.compat.PythonRepr;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Router;
import io.cairn.http.schema.JsonSchema;
import io.cairn.service.QuotaService;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Cinder's os-quota-sets API: a project's limits, their defaults and usage, and an admin's changes to them. */
public final class QuotaResource {
    private static final JsonSchema UPDATE = JsonSchema.load("quota-set-update");

    private final QuotaService quotas;

    public QuotaResource(QuotaService quotas) {
        this.quotas = quotas;
    }

    public void register(Router router) {
        router.add("GET", "os-quota-sets/{project_id}", this::show);
        router.add("GET", "os-quota-sets/{project_id}/defaults", this::defaults);
        router.add("PUT", "os-quota-sets/{project_id}", this::update);
        router.add("DELETE", "os-quota-sets/{project_id}", this::delete);
    }

    private ApiResponse show(ApiRequest request) {
        String projectId = request.param("project_id");
        QuotaService.QuotaSet set = quotas.show(request.caller(), projectId, request.queryValue("usage"));
        return ApiResponse.ok(ApiResponse.wrap("quota_set", QuotaSetView.withId(QuotaSetView.of(set), projectId)));
    }

    private ApiResponse defaults(ApiRequest request) {
        String projectId = request.param("project_id");
        Map<String, Long> defaults = quotas.defaults(request.caller(), projectId);
        return ApiResponse.ok(ApiResponse.wrap(
                "quota_set", QuotaSetView.withId(new LinkedHashMap<String, Object>(defaults), projectId)));
    }

    private ApiResponse update(ApiRequest request) {
        Map<String, Long> limits = parseUpdate(request.body());
        Map<String, Long> result = quotas.update(request.caller(), request.param("project_id"), limits);
        return ApiResponse.ok(ApiResponse.wrap("quota_set", result));
    }

    private ApiResponse delete(ApiRequest request) {
        quotas.delete(request.caller(), request.param("project_id"));
        return ApiResponse.empty(200);
    }

    /**
     * Cinder runs its quota_set format check inside schema validation, after the body and the quota set
     * are known to be a non-empty object and before the top-level required and additional-property checks.
     */
    private Map<String, Long> parseUpdate(JsonNode body) {
        JsonNode quotaSet = body.isObject() ? body.get("quota_set") : null;
        Map<String, Long> limits = Map.of();
        if (quotaSet != null && quotaSet.isObject() && !quotaSet.isEmpty()) {
            Map<String, String> values = new LinkedHashMap<>();
            quotaSet.properties().forEach(entry -> values.put(entry.getKey(), PythonRepr.str(entry.getValue())));
            limits = quotas.parseQuotaSet(values);
        }
        UPDATE.validate(body);
        return limits;
    }
}
