package io.cairn.http.cinder;

import io.cairn.domain.ApiVersion;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Router;
import io.cairn.service.QuotaService;
import java.util.Optional;

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
        // From 3.39 an admin names the project as project_id, or as tenant_id; before, neither counts.
        Optional<String> requestedProject = request.version().atLeast(ApiVersion.LIMITS_PROJECT_ID)
                ? request.queryValue("project_id").or(() -> request.queryValue("tenant_id"))
                : Optional.empty();
        QuotaService.QuotaSet set = quotas.limits(request.caller(), requestedProject);
        return ApiResponse.ok(ApiResponse.wrap("limits", LimitsView.of(set)));
    }
}
