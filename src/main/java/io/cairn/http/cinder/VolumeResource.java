package io.cairn.http.cinder;

import io.cairn.domain.CairnException;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Volume;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Faults;
import io.cairn.http.Router;
import io.cairn.http.schema.JsonSchema;
import io.cairn.service.Page;
import io.cairn.service.VolumeCreate;
import io.cairn.service.VolumeService;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The Cinder v3 volume API. */
public final class VolumeResource {
    private static final JsonSchema CREATE = JsonSchema.load("volume-create");

    private final VolumeService volumes;

    public VolumeResource(VolumeService volumes) {
        this.volumes = volumes;
    }

    public void register(Router router) {
        router.add("GET", "volumes", r -> list(r, false));
        router.add("GET", "volumes/detail", r -> list(r, true));
        router.add("POST", "volumes", this::create);
        router.add("GET", "volumes/{id}", this::show);
        router.add("DELETE", "volumes/{id}", this::delete);
    }

    private ApiResponse list(ApiRequest request, boolean detail) {
        Page<Volume> page = volumes.list(request.caller(), request.version(), request.query());
        List<Map<String, Object>> items = page.items().stream()
                .map(v -> detail ? VolumeView.detail(request, v, true) : VolumeView.summary(request, v))
                .toList();
        String lastId = page.items().isEmpty() ? null : page.items().getLast().id();
        return ApiResponse.ok(Links.collection(request, "volumes", detail ? "volumes/detail" : "volumes", items, page, lastId));
    }

    private ApiResponse show(ApiRequest request) {
        return ApiResponse.ok(ApiResponse.wrap("volume", VolumeView.detail(request, volumes.get(request.caller(), request.param("id")), true)));
    }

    private ApiResponse create(ApiRequest request) {
        JsonNode root = request.body();
        JsonNode size = root.path("volume").path("size");
        if (size.isString() && size.asString().matches("[0-9]{1,18}")) {
            ((ObjectNode) root.get("volume")).put("size", Long.parseLong(size.asString()));
        }
        CREATE.validate(root);
        JsonNode body = root.get("volume");
        if (!body.path("size").isIntegralNumber()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, Faults.GENERIC_400);
        }
        String name = text(body, "name", "display_name");
        String description = text(body, "description", "display_description");
        VolumeCreate create = new VolumeCreate(body.get("size").intValue(), name == null ? null : name.strip(),
                description == null ? null : description.strip(), text(body, "availability_zone", "availability_zone"),
                Bodies.metadata(body.get("metadata")));
        Volume volume = volumes.create(request.caller(), create);
        return ApiResponse.accepted(ApiResponse.wrap("volume", VolumeView.detail(request, volume, false)));
    }

    private ApiResponse delete(ApiRequest request) {
        volumes.delete(request.caller(), request.param("id"));
        return ApiResponse.empty(202);
    }

    /** The first of the aliases present as a string; {@code name} wins over {@code display_name}. */
    private static String text(JsonNode body, String name, String alias) {
        JsonNode value = body.has(name) ? body.get(name) : body.get(alias);
        return value != null && value.isString() ? value.asString() : null;
    }
}
