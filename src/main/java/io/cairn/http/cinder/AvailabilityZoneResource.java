package io.cairn.http.cinder;

import io.cairn.domain.AvailabilityZone;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Router;
import io.cairn.service.AvailabilityZoneService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Cinder's {@code GET /os-availability-zone}. */
public final class AvailabilityZoneResource {
    private final AvailabilityZoneService zones;

    public AvailabilityZoneResource(AvailabilityZoneService zones) {
        this.zones = zones;
    }

    public void register(Router router) {
        router.add("GET", "os-availability-zone", this::list);
    }

    private ApiResponse list(ApiRequest request) {
        List<Map<String, Object>> items =
                zones.list().stream().map(AvailabilityZoneResource::view).toList();
        return ApiResponse.ok(ApiResponse.wrap("availabilityZoneInfo", items));
    }

    private static Map<String, Object> view(AvailabilityZone zone) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("zoneName", zone.name());
        view.put("zoneState", Map.of("available", zone.available()));
        return view;
    }
}
