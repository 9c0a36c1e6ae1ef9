package io.cairn.http.cinder;

import io.cairn.compat.OsloBoolean;
import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.GroupType;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Router;
import io.cairn.http.schema.JsonSchema;
import io.cairn.service.GroupTypeService;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** The Cinder v3 group type API and its group specs (3.11). */
public final class GroupTypeResource {
    private static final JsonSchema CREATE = JsonSchema.load("group-type-create");
    private static final JsonSchema UPDATE = JsonSchema.load("group-type-update");
    private static final JsonSchema SPECS = JsonSchema.load("group-specs");

    private final GroupTypeService types;

    public GroupTypeResource(GroupTypeService types) {
        this.types = types;
    }

    public void register(Router router) {
        router.add("GET", "group_types", ApiVersion.GROUP_TYPES, this::list);
        router.add("POST", "group_types", ApiVersion.GROUP_TYPES, this::create);
        router.add("GET", "group_types/{id}", ApiVersion.GROUP_TYPES, this::show);
        router.add("PUT", "group_types/{id}", ApiVersion.GROUP_TYPES, this::update);
        router.add("DELETE", "group_types/{id}", ApiVersion.GROUP_TYPES, this::delete);
        router.add("GET", "group_types/{id}/group_specs", ApiVersion.GROUP_TYPES, this::specs);
        router.add("POST", "group_types/{id}/group_specs", ApiVersion.GROUP_TYPES, this::setSpecs);
        router.add("GET", "group_types/{id}/group_specs/{key}", ApiVersion.GROUP_TYPES, this::spec);
        router.add("PUT", "group_types/{id}/group_specs/{key}", ApiVersion.GROUP_TYPES, this::updateSpec);
        router.add("DELETE", "group_types/{id}/group_specs/{key}", ApiVersion.GROUP_TYPES, this::deleteSpec);
    }

    private ApiResponse list(ApiRequest request) {
        Optional<Boolean> isPublic = request.queryValue("is_public").flatMap(GroupTypeResource::isPublicFilter);
        boolean showSpecs = types.showsSpecs(request.caller());
        List<Map<String, Object>> items = types.list(request.caller(), isPublic, request.queryValue("sort")).stream()
                .map(type -> GroupView.type(type, showSpecs))
                .toList();
        return ApiResponse.ok(ApiResponse.wrap("group_types", items));
    }

    /** Cinder's {@code _parse_is_public}: "none" asks for every type, a boolean for those, anything else is a 400. */
    private static Optional<Boolean> isPublicFilter(String value) {
        if (value.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        return Optional.of(OsloBoolean.fromString(value)
                .orElseThrow(() -> CairnException.invalidInput("Invalid is_public filter [" + value + "]")));
    }

    private ApiResponse show(ApiRequest request) {
        if (request.param("id").equals("default")) {
            throw new CairnException(
                    io.cairn.domain.ErrorCode.GROUP_TYPE_NOT_FOUND, "Default group type can not be found.");
        }
        return view(types.get(request.caller(), request.param("id")), request, 200);
    }

    private ApiResponse create(ApiRequest request) {
        JsonNode body = request.body(CREATE).get("group_type");
        GroupType type = types.create(
                request.caller(),
                body.get("name").asString(),
                Bodies.optionalText(body, "description").orElse(null),
                isPublic(body).orElse(true),
                Bodies.metadata(body.get("group_specs")));
        return view(type, request, 202);
    }

    private ApiResponse update(ApiRequest request) {
        JsonNode body = request.body(UPDATE).get("group_type");
        GroupType type = types.update(
                request.caller(),
                request.param("id"),
                Bodies.optionalText(body, "name"),
                body.has("description") ? Optional.of(Bodies.optionalText(body, "description")) : Optional.empty(),
                isPublic(body));
        return view(type, request, 200);
    }

    private static Optional<Boolean> isPublic(JsonNode body) {
        JsonNode value = body.get("is_public");
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        return Optional.of(
                value.isBoolean() ? value.booleanValue() : OsloBoolean.require("is_public", value.asString()));
    }

    private ApiResponse view(GroupType type, ApiRequest request, int status) {
        return ApiResponse.json(
                status, ApiResponse.wrap("group_type", GroupView.type(type, types.showsSpecs(request.caller()))));
    }

    private ApiResponse delete(ApiRequest request) {
        types.delete(request.caller(), request.param("id"));
        return ApiResponse.empty(202);
    }

    private ApiResponse specs(ApiRequest request) {
        return ApiResponse.ok(ApiResponse.wrap("group_specs", types.specs(request.caller(), request.param("id"))));
    }

    private ApiResponse setSpecs(ApiRequest request) {
        Map<String, String> specs = Bodies.metadata(request.body(SPECS).get("group_specs"));
        return ApiResponse.json(
                202, ApiResponse.wrap("group_specs", types.setSpecs(request.caller(), request.param("id"), specs)));
    }

    private ApiResponse spec(ApiRequest request) {
        String key = request.param("key");
        return ApiResponse.ok(ApiResponse.wrap(key, types.spec(request.caller(), request.param("id"), key)));
    }

    private ApiResponse updateSpec(ApiRequest request) {
        JsonNode body = request.body();
        String key = request.param("key");
        if (!body.isObject() || body.size() != 1 || !body.has(key)) {
            throw CairnException.badRequest("Request body and URI mismatch");
        }
        if (!body.get(key).isString() || body.get(key).asString().length() > 255) {
            throw CairnException.invalidInput("Invalid input for field/attribute " + key + ".");
        }
        Map<String, String> spec = Map.of(key, body.get(key).asString());
        types.setSpecs(request.caller(), request.param("id"), spec);
        return ApiResponse.ok(spec);
    }

    private ApiResponse deleteSpec(ApiRequest request) {
        types.deleteSpec(request.caller(), request.param("id"), request.param("key"));
        return ApiResponse.empty(202);
    }
}
