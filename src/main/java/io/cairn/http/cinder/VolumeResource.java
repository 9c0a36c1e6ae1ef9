package io.cairn.http.cinder;

import io.cairn.compat.OsloBoolean;
import io.cairn.compat.PythonJson;
import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.RowVersion;
import io.cairn.domain.Volume;
import io.cairn.engine.StorageEngine;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Faults;
import io.cairn.http.RenderedViewCache;
import io.cairn.http.Router;
import io.cairn.http.schema.JsonSchema;
import io.cairn.service.MetadataService;
import io.cairn.service.Page;
import io.cairn.service.VolumeActions;
import io.cairn.service.VolumeAttach;
import io.cairn.service.VolumeAttachments;
import io.cairn.service.VolumeConnections;
import io.cairn.service.VolumeCreate;
import io.cairn.service.VolumeService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The Cinder v3 volume API: parse, call one service method, render one view. */
public final class VolumeResource {
    private static final JsonSchema CREATE = JsonSchema.load("volume-create");
    private static final JsonSchema CREATE_STRICT = JsonSchema.load("volume-create-3.53");
    private static final JsonSchema UPDATE = JsonSchema.load("volume-update");
    private static final JsonSchema UPDATE_STRICT = JsonSchema.load("volume-update-3.53");
    private static final JsonSchema METADATA = JsonSchema.load("volume-metadata");
    private static final JsonSchema METADATA_ITEM = JsonSchema.load("volume-metadata-item");
    private static final JsonSchema EXTEND = JsonSchema.load("volume-extend");
    private static final JsonSchema REVERT = JsonSchema.load("volume-revert");
    private static final JsonSchema RESET_STATUS = JsonSchema.load("volume-reset-status");
    private static final JsonSchema SET_BOOTABLE = JsonSchema.load("volume-set-bootable");
    private static final JsonSchema READONLY = JsonSchema.load("volume-readonly");
    private static final JsonSchema ATTACH = JsonSchema.load("volume-attach");
    private static final JsonSchema DETACH = JsonSchema.load("volume-detach");
    private static final JsonSchema INITIALIZE_CONNECTION = JsonSchema.load("volume-initialize-connection");
    private static final JsonSchema TERMINATE_CONNECTION = JsonSchema.load("volume-terminate-connection");

    /** webob's entity-tag pattern: an optional weak marker, then a quoted tag. */
    private static final Pattern ETAG = Pattern.compile("(?:^|\\s)(W/)?\"((?:\\\\\"|.)*?)\"");

    private final VolumeService volumes;
    private final VolumeActions actions;
    private final VolumeAttachments attachments;
    private final VolumeConnections connections;
    private final MetadataService metadata;
    private final RenderedViewCache views;

    public VolumeResource(
            VolumeService volumes,
            VolumeActions actions,
            VolumeAttachments attachments,
            VolumeConnections connections,
            MetadataService metadata,
            RenderedViewCache views) {
        this.views = views;
        this.volumes = volumes;
        this.actions = actions;
        this.attachments = attachments;
        this.connections = connections;
        this.metadata = metadata;
    }

    public void register(Router router) {
        router.add("GET", "volumes", r -> list(r, false));
        router.add("GET", "volumes/detail", r -> list(r, true));
        router.add("GET", "volumes/summary", ApiVersion.VOLUME_SUMMARY, this::summary);
        router.add("POST", "volumes", this::create);
        router.add("GET", "volumes/{id}", this::show);
        router.add("PUT", "volumes/{id}", this::update);
        router.add("DELETE", "volumes/{id}", this::delete);
        router.add("POST", "volumes/{id}/action", this::action);
        router.add("GET", "volumes/{id}/metadata", this::metadata);
        router.add("POST", "volumes/{id}/metadata", r -> updateMetadata(r, false));
        router.add("PUT", "volumes/{id}/metadata", r -> updateMetadata(r, true));
        router.add("GET", "volumes/{id}/metadata/{key}", this::metadataItem);
        router.add("PUT", "volumes/{id}/metadata/{key}", this::updateMetadataItem);
        router.add("DELETE", "volumes/{id}/metadata/{key}", this::deleteMetadataItem);
    }

    private ApiResponse list(ApiRequest request, boolean detail) {
        Caller caller = request.caller();
        Page<RowVersion> page = volumes.listVersions(caller, request.version(), request.query());
        return ApiResponse.ok(VolumeView.page(request, views, page, ids -> volumes.load(caller, ids), detail));
    }

    private ApiResponse summary(ApiRequest request) {
        boolean allTenants =
                request.queryValue("all_tenants").map(OsloBoolean::isTrue).orElse(false);
        VolumeService.Summary summary = volumes.summary(request.caller(), allTenants);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total_count", summary.totalCount());
        body.put("total_size", summary.totalSize());
        if (request.version().atLeast(ApiVersion.SUMMARY_METADATA)) {
            body.put("metadata", summary.metadata());
        }
        return ApiResponse.ok(ApiResponse.wrap("volume-summary", body));
    }

    private ApiResponse show(ApiRequest request) {
        Caller caller = request.caller();
        String id = request.param("id");
        RowVersion row = volumes.getVersion(caller, id);
        return ApiResponse.ok(ApiResponse.wrap(
                "volume",
                VolumeView.shown(request, views, row, ids -> volumes.load(caller, ids))
                        .orElseThrow(() -> CairnException.volumeNotFound(id))));
    }

    private ApiResponse create(ApiRequest request) {
        return created(request, volumes.create(request.caller(), createRequest(request)));
    }

    /** The body of a volume create, checked as Cinder checks it at the request's microversion. */
    static VolumeCreate createRequest(ApiRequest request) {
        JsonNode root = request.body();
        JsonNode size = root.path("volume").path("size");
        if (size.isString() && size.asString().matches("[0-9]{1,18}")) {
            // Cinder checks the bounds of a numeric string as a number.
            ((ObjectNode) root.get("volume")).put("size", Long.parseLong(size.asString()));
        }
        checkNameLengths(root);
        (request.version().atLeast(ApiVersion.STRICT_SCHEMAS) ? CREATE_STRICT : CREATE).validate(root);
        JsonNode body = root.get("volume");
        String name = Bodies.text(body, "name", "display_name");
        String description = Bodies.text(body, "description", "display_description");
        boolean multiattach = body.has("multiattach")
                && !body.get("multiattach").isNull()
                && OsloBoolean.require("multiattach", body.get("multiattach").asString());
        return new VolumeCreate(
                body.path("size").isIntegralNumber() ? body.get("size").intValue() : null,
                Bodies.strip(name),
                Bodies.strip(description),
                Bodies.text(body, "availability_zone", "availability_zone"),
                Bodies.metadata(body.get("metadata")),
                Bodies.text(body, "snapshot_id", "snapshot_id"),
                Bodies.text(body, "source_volid", "source_volid"),
                Bodies.text(body, "volume_type", "volume_type"),
                multiattach,
                // Cinder reads group_id only from the microversion that brought groups.
                request.version().atLeast(ApiVersion.VOLUME_GROUPS) ? Bodies.text(body, "group_id", "group_id") : null);
    }

    static ApiResponse created(ApiRequest request, Volume volume) {
        return ApiResponse.accepted(
                ApiResponse.wrap("volume", VolumeView.detail(request, volume, VolumeView.Extras.NONE)));
    }

    private ApiResponse update(ApiRequest request) {
        JsonNode root = request.body();
        checkNameLengths(root);
        (request.version().atLeast(ApiVersion.STRICT_SCHEMAS) ? UPDATE_STRICT : UPDATE).validate(root);
        JsonNode body = root.get("volume");
        Optional<Optional<String>> name = field(body, "name").or(() -> field(body, "display_name"));
        Optional<Optional<String>> description =
                field(body, "description").or(() -> field(body, "display_description"));
        Optional<Map<String, String>> metadata =
                body.has("metadata") ? Optional.of(Bodies.metadata(body.get("metadata"))) : Optional.empty();
        Volume volume = volumes.update(
                request.caller(),
                request.param("id"),
                name.map(v -> v.map(Bodies::strip)),
                description.map(v -> v.map(Bodies::strip)),
                metadata);
        return ApiResponse.ok(
                ApiResponse.wrap("volume", VolumeView.detail(request, volume, VolumeView.Extras.ADMIN_METADATA)));
    }

    private ApiResponse delete(ApiRequest request) {
        // Cinder's get_bool_param: oslo's is_valid_boolstr does not strip, so " true" is not a boolean here.
        boolean cascade = request.queryValue("cascade")
                .map(v -> OsloBoolean.parameter("cascade", v))
                .orElse(false);
        boolean force = request.version().atLeast(ApiVersion.FORCE_DELETE)
                && request.queryValue("force")
                        .map(v -> OsloBoolean.parameter("force", v))
                        .orElse(false);
        volumes.delete(request.caller(), request.param("id"), cascade, force);
        return ApiResponse.empty(202);
    }

    private ApiResponse action(ApiRequest request) {
        JsonNode body = request.body();
        if (!body.isObject() || body.size() != 1) {
            throw Faults.malformedBody();
        }
        String action = body.propertyNames().iterator().next();
        String id = request.param("id");
        JsonNode argument = body.get(action);
        switch (action) {
            case "os-extend" -> {
                JsonNode size = argument.path("new_size");
                if (size.isString() && size.asString().matches("[0-9]{1,18}")) {
                    ((ObjectNode) argument).put("new_size", Long.parseLong(size.asString()));
                }
                EXTEND.validate(body);
                actions.extend(
                        request.caller(),
                        id,
                        argument.get("new_size").intValue(),
                        request.version().atLeast(ApiVersion.EXTEND_ATTACHED));
            }
            case "revert" -> {
                if (!request.version().atLeast(ApiVersion.VOLUME_REVERT)) {
                    throw Faults.notFound();
                }
                REVERT.validate(body);
                actions.revert(request.caller(), id, Bodies.text(argument, "snapshot_id", "snapshot_id"));
            }
            case "os-reset_status" -> {
                RESET_STATUS.validate(body);
                actions.resetStatus(
                        request.caller(),
                        id,
                        nonEmpty(argument, "status"),
                        nonEmpty(argument, "attach_status"),
                        nonEmpty(argument, "migration_status"));
            }
            case "os-force_delete" -> volumes.forceDelete(request.caller(), id);
            case "os-set_bootable" -> {
                SET_BOOTABLE.validate(body);
                actions.setBootable(
                        request.caller(),
                        id,
                        OsloBoolean.require("bootable", argument.get("bootable").asString()));
                return ApiResponse.empty(200);
            }
            case "os-update_readonly_flag" -> {
                READONLY.validate(body);
                actions.updateReadonlyFlag(
                        request.caller(),
                        id,
                        OsloBoolean.require("readonly", argument.get("readonly").asString()));
            }
            case "os-attach" -> {
                ATTACH.validate(body);
                attachments.attach(
                        request.caller(),
                        id,
                        new VolumeAttach(
                                Bodies.text(argument, "instance_uuid", "instance_uuid"),
                                Bodies.text(argument, "host_name", "host_name"),
                                argument.get("mountpoint").asString(),
                                Optional.ofNullable(Bodies.text(argument, "mode", "mode"))
                                        .orElse("rw")));
            }
            case "os-detach" -> {
                DETACH.validate(body);
                attachments.detach(
                        request.caller(),
                        id,
                        Optional.ofNullable(Bodies.text(argument, "attachment_id", "attachment_id")));
            }
            case "os-initialize_connection" -> {
                INITIALIZE_CONNECTION.validate(body);
                StorageEngine.DirectAccess info = connections.initialize(request.caller(), id, connectorName(argument));
                Map<String, Object> connection = new LinkedHashMap<>();
                connection.put("driver_volume_type", info.driverVolumeType());
                connection.put("data", info.data());
                return ApiResponse.ok(ApiResponse.wrap("connection_info", connection));
            }
            case "os-terminate_connection" -> {
                TERMINATE_CONNECTION.validate(body);
                connections.terminate(request.caller(), id, connectorName(argument));
            }
            case "os-reserve" -> attachments.reserve(request.caller(), id);
            case "os-unreserve" -> attachments.unreserve(request.caller(), id);
            case "os-begin_detaching" -> attachments.beginDetaching(request.caller(), id);
            case "os-roll_detaching" -> attachments.rollDetaching(request.caller(), id);
            default ->
                throw new CairnException(
                        ErrorCode.UNKNOWN_ACTION,
                        "There is no such action: " + action
                                + ". Verify the request body and Content-Type header and try again.");
        }
        return ApiResponse.empty(202);
    }

    private ApiResponse metadata(ApiRequest request) {
        Map<String, String> metadata = this.metadata.metadata(request.caller(), request.param("id"));
        ApiResponse response = ApiResponse.ok(ApiResponse.wrap("metadata", metadata));
        return request.version().atLeast(ApiVersion.ETAGS) ? response.withHeader("Etag", etag(metadata)) : response;
    }

    private ApiResponse updateMetadata(ApiRequest request, boolean replace) {
        Map<String, String> changes = Bodies.metadata(request.body(METADATA).get("metadata"));
        if (replace && !ifMatch(request)) {
            return ApiResponse.empty(412);
        }
        return ApiResponse.ok(
                ApiResponse.wrap("metadata", metadata.update(request.caller(), request.param("id"), changes, replace)));
    }

    private ApiResponse metadataItem(ApiRequest request) {
        String key = request.param("key");
        return ApiResponse.ok(ApiResponse.wrap(
                "meta", ApiResponse.wrap(key, metadata.item(request.caller(), request.param("id"), key))));
    }

    private ApiResponse updateMetadataItem(ApiRequest request) {
        Map<String, String> item = Bodies.metadata(request.body(METADATA_ITEM).get("meta"));
        if (!ifMatch(request)) {
            return ApiResponse.empty(412);
        }
        if (!item.containsKey(request.param("key"))) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "Request body and URI mismatch");
        }
        metadata.update(request.caller(), request.param("id"), item, false);
        return ApiResponse.ok(ApiResponse.wrap("meta", item));
    }

    private ApiResponse deleteMetadataItem(ApiRequest request) {
        metadata.deleteItem(request.caller(), request.param("id"), request.param("key"));
        return ApiResponse.empty(200);
    }

    /**
     * Cinder's formats for names and descriptions ({@code name_non_mandatory_remove_white_spaces} and its
     * description twin): stripped, then at most 255 characters, checked in its schema's property order before
     * anything after them; a value that is not a string is left to the schema's type check.
     */
    private static void checkNameLengths(JsonNode root) {
        JsonNode body = root.path("volume");
        if (!root.isObject() || !body.isObject()) {
            return;
        }
        for (String field : List.of("name", "description", "display_name", "display_description")) {
            JsonNode value = body.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            if (!value.isString()) {
                return;
            }
            String stripped = Bodies.strip(value.asString());
            int length = stripped.codePointCount(0, stripped.length());
            if (length > 255) {
                throw CairnException.invalidInput((field.endsWith("name") ? "name" : "description") + " has " + length
                        + " characters, more than 255.");
            }
        }
    }

    /**
     * Cinder's metadata Etag (3.15+): the MD5 of {@code {"metadata": {...}}} as Python's {@code json.dumps} writes
     * it (", " and ": " separators, non-ASCII escaped).
     */
    static String etag(Map<String, String> metadata) {
        String json = PythonJson.dumps(Map.of("metadata", metadata));
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("MD5").digest(json.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The If-Match check of Cinder's metadata PUTs (3.15+), as webob reads the header: absent or {@code *}
     * passes; otherwise one of its strong quoted tags (or the whole value when none is quoted) must be the
     * current metadata's Etag.
     */
    private boolean ifMatch(ApiRequest request) {
        String header = request.header("If-Match");
        if (!request.version().atLeast(ApiVersion.ETAGS) || header == null || header.equals("*")) {
            return true;
        }
        List<String> tags = new java.util.ArrayList<>();
        boolean quoted = false;
        Matcher matcher = ETAG.matcher(header);
        while (matcher.find()) {
            quoted = true;
            if (matcher.group(1) == null) {
                tags.add(matcher.group(2));
            }
        }
        if (!quoted) {
            tags.add(header);
        }
        return tags.contains(etag(metadata.metadata(request.caller(), request.param("id"))));
    }

    /** A string field that is present and not empty, as Cinder's reset treats falsy values as absent. */
    private static Optional<String> nonEmpty(JsonNode node, String name) {
        return Optional.ofNullable(Bodies.text(node, name, name)).filter(v -> !v.isEmpty());
    }

    private static Optional<Optional<String>> field(JsonNode body, String name) {
        return body.has(name) ? Optional.of(Optional.ofNullable(Bodies.text(body, name, name))) : Optional.empty();
    }

    /**
     * The host a connector names: its {@code host} (os-brick's), else its {@code initiator}, or the connector itself
     * when it is a string; empty when it names none.
     */
    private static String connectorName(JsonNode argument) {
        JsonNode connector = argument.get("connector");
        if (connector.isString()) {
            return connector.asString();
        }
        return Bodies.optionalText(connector, "host")
                .or(() -> Bodies.optionalText(connector, "initiator"))
                .orElse("");
    }
}
