package io.cairn.http.cinder;

import io.cairn.compat.OsloBoolean;
import io.cairn.domain.VolumeType;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Router;
import io.cairn.http.schema.JsonSchema;
import io.cairn.service.VolumeTypeService;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Cinder's volume type API: list, show, the default type, and an admin's create and delete. */
public final class VolumeTypeResource {
    private static final JsonSchema CREATE = JsonSchema.load("volume-type-create");

    private final VolumeTypeService types;

    public VolumeTypeResource(VolumeTypeService types) {
        this.types = types;
    }

    public void register(Router router) {
        router.add("GET", "types", this::list);
        router.add("GET", "types/default", this::showDefault);
        router.add("GET", "types/{id}", this::show);
        router.add("POST", "types", this::create);
        router.add("DELETE", "types/{id}", this::delete);
    }

    private ApiResponse create(ApiRequest request) {
        JsonNode body = request.body(CREATE).get("volume_type");
        JsonNode isPublic = body.get("os-volume-type-access:is_public");
        VolumeType type = types.create(
                request.caller(),
                body.get("name").asString(),
                Bodies.optionalText(body, "description").orElse(null),
                isPublic == null
                        || (isPublic.isBoolean()
                                ? isPublic.booleanValue()
                                : OsloBoolean.require("is_public", isPublic.asString())),
                Bodies.metadata(body.get("extra_specs")));
        return ApiResponse.ok(ApiResponse.wrap("volume_type", VolumeTypeView.created(type)));
    }

    private ApiResponse delete(ApiRequest request) {
        types.delete(request.caller(), request.param("id"));
        return ApiResponse.empty(202);
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
