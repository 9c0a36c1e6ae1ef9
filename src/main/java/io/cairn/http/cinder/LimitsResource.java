package io.cairn.http.cinder;

import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Router;
import io.cairn.service.QuotaService;

/** Cinder's {@code GET /limits}: the project's quotas as absolute limits, with their usage for readers. */
public final class LimitsResource {
    private final QuotaService quotas;

    public LimitsResource(QuotaService quotas) {
        this.quotas = quotas;
    }

    public void register(Router router) {
        router.add("GET", "limits", this::show);
    }

    private ApiResponse show(ApiRequest request) {
        QuotaService.QuotaSet set = quotas.limits(
                request.caller(), request.version(), request.queryValue("project_id"), request.queryValue("tenant_id"));
        return ApiResponse.ok(ApiResponse.wrap("limits", LimitsView.of(set)));
    }
}
