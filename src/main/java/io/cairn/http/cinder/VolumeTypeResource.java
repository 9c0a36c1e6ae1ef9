package io.cairn.http.cinder;

import io.cairn.domain.VolumeType;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Router;
import io.cairn.service.VolumeTypeService;
import java.util.List;
import java.util.Map;

/** Cinder's read-only volume type API: list, show and the default type. */
public final class VolumeTypeResource {
    private final VolumeTypeService types;

    public VolumeTypeResource(VolumeTypeService types) {
        this.types = types;
    }

    public void register(Router router) {
        router.add("GET", "types", this::list);
        router.add("GET", "types/default", this::showDefault);
        router.add("GET", "types/{id}", this::show);
    }

    private ApiResponse list(ApiRequest request) {
        List<VolumeType> found = types.list(request.caller(), request.queryValue("is_public"));
        VolumeTypeService.Visibility visibility = types.visibility(request.caller());
        List<Map<String, Object>> items = found.stream()
                .map(type -> VolumeTypeView.of(type, visibility, true))
                .toList();
        return ApiResponse.ok(ApiResponse.wrap("volume_types", items));
    }

    private ApiResponse show(ApiRequest request) {
        VolumeType type = types.get(request.caller(), request.param("id"));
        return ApiResponse.ok(
                ApiResponse.wrap("volume_type", VolumeTypeView.of(type, types.visibility(request.caller()), true)));
    }

    /** Cinder looks the access flag up under the literal id "default", finds nothing, and so leaves it out. */
    private ApiResponse showDefault(ApiRequest request) {
        VolumeType type = types.getDefault(request.caller());
        return ApiResponse.ok(
                ApiResponse.wrap("volume_type", VolumeTypeView.of(type, types.visibility(request.caller()), false)));
    }
}
