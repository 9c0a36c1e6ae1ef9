package io.cairn.http.cinder;

import io.cairn.compat.OsloBoolean;
import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Group;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Faults;
import io.cairn.http.Router;
import io.cairn.http.schema.JsonSchema;
import io.cairn.service.GroupService;
import io.cairn.service.GroupSnapshotService;
import io.cairn.service.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** The Cinder v3 generic volume group API (3.13), with Cairn's revert of a group to a group snapshot. */
public final class GroupResource {
    private static final JsonSchema CREATE = JsonSchema.load("group-create");
    private static final JsonSchema CREATE_FROM_SOURCE = JsonSchema.load("group-create-from-source");
    private static final JsonSchema UPDATE = JsonSchema.load("group-update");
    private static final JsonSchema DELETE = JsonSchema.load("group-delete");
    private static final JsonSchema RESET_STATUS = JsonSchema.load("group-reset-status");
    private static final JsonSchema REVERT = JsonSchema.load("group-revert");

    private final GroupService groups;
    private final GroupSnapshotService groupSnapshots;

    public GroupResource(GroupService groups, GroupSnapshotService groupSnapshots) {
        this.groups = groups;
        this.groupSnapshots = groupSnapshots;
    }

    public void register(Router router) {
        router.add("GET", "groups", ApiVersion.VOLUME_GROUPS, r -> list(r, false));
        router.add("GET", "groups/detail", ApiVersion.VOLUME_GROUPS, r -> list(r, true));
        router.add("POST", "groups", ApiVersion.VOLUME_GROUPS, this::create);
        router.add("POST", "groups/action", ApiVersion.GROUP_SNAPSHOTS, this::createFromSource);
        router.add("GET", "groups/{id}", ApiVersion.VOLUME_GROUPS, this::show);
        router.add("PUT", "groups/{id}", ApiVersion.VOLUME_GROUPS, this::update);
        router.add("POST", "groups/{id}/action", ApiVersion.VOLUME_GROUPS, this::action);
    }

    private ApiResponse list(ApiRequest request, boolean detail) {
        // list_volume shapes each group's view; it is no filter.
        var query = request.query().stream()
                .filter(e -> !e.getKey().equals("list_volume"))
                .toList();
        Page<Group> page = groups.list(request.caller(), request.version(), query);
        List<Map<String, Object>> items = new ArrayList<>();
        for (Group group : page.items()) {
            items.add(detail ? detail(request, group) : GroupView.summary(group));
        }
        String lastId = page.items().isEmpty() ? null : page.items().getLast().id();
        // Cinder links both lists to "groups".
        return ApiResponse.ok(Links.collection(request, "groups", "group_links", "groups", items, page, lastId));
    }

    private ApiResponse show(ApiRequest request) {
        Group group = groups.get(request.caller(), request.param("id"));
        return ApiResponse.ok(ApiResponse.wrap("group", detail(request, group)));
    }

    private Map<String, Object> detail(ApiRequest request, Group group) {
        boolean listVolumes = request.version().atLeast(ApiVersion.GROUP_VOLUME_LIST)
                && request.queryValue("list_volume")
                        .map(value -> OsloBoolean.parameter("list_volume", value))
                        .orElse(false);
        return GroupView.detail(
                group,
                request.version(),
                listVolumes ? Optional.of(groups.volumeIds(group.id())) : Optional.empty(),
                groups.showsProject(request.caller()));
    }

    private ApiResponse create(ApiRequest request) {
        JsonNode body = request.body(CREATE).get("group");
        List<String> volumeTypes = new ArrayList<>();
        for (JsonNode type : body.get("volume_types").values()) {
            if (!type.isString() || type.asString().length() > 255) {
                throw CairnException.invalidInput(
                        "Invalid input for field/attribute volume_types. Value: " + type + ". It is not a string.");
            }
            if (volumeTypes.contains(type.asString())) {
                throw CairnException.invalidInput("Invalid input for field/attribute volume_types. Value: "
                        + body.get("volume_types") + ". It has non-unique elements.");
            }
            volumeTypes.add(type.asString());
        }
        if (volumeTypes.isEmpty()) {
            throw CairnException.invalidInput(
                    "Invalid input for field/attribute volume_types. Value: []. [] is too short");
        }
        Group group = groups.create(
                request.caller(),
                Bodies.strip(Bodies.optionalText(body, "name").orElse(null)),
                Bodies.strip(Bodies.optionalText(body, "description").orElse(null)),
                body.get("group_type").asString(),
                volumeTypes,
                Bodies.optionalText(body, "availability_zone"));
        return ApiResponse.accepted(ApiResponse.wrap("group", GroupView.summary(group)));
    }

    private ApiResponse createFromSource(ApiRequest request) {
        JsonNode body = request.body(CREATE_FROM_SOURCE).get("create-from-src");
        Optional<String> groupSnapshot = Bodies.optionalText(body, "group_snapshot_id");
        Optional<String> sourceGroup = Bodies.optionalText(body, "source_group_id");
        if (groupSnapshot.isPresent() && sourceGroup.isPresent()) {
            throw CairnException.invalidInput(
                    "Invalid input for field/attribute create-from-src: give group_snapshot_id or source_group_id,"
                            + " not both.");
        }
        Group group = groups.createFromSource(
                request.caller(),
                Bodies.strip(Bodies.optionalText(body, "name").orElse(null)),
                Bodies.strip(Bodies.optionalText(body, "description").orElse(null)),
                groupSnapshot,
                sourceGroup);
        return ApiResponse.accepted(ApiResponse.wrap("group", GroupView.summary(group)));
    }

    private ApiResponse update(ApiRequest request) {
        JsonNode body = request.body(UPDATE).get("group");
        groups.update(
                request.caller(),
                request.param("id"),
                Bodies.optionalText(body, "name").map(Bodies::strip),
                Bodies.optionalText(body, "description").map(Bodies::strip),
                Bodies.optionalText(body, "add_volumes"),
                Bodies.optionalText(body, "remove_volumes"));
        return ApiResponse.empty(202);
    }

    private ApiResponse action(ApiRequest request) {
        JsonNode body = request.body();
        if (!body.isObject() || body.size() != 1) {
            throw Faults.malformedBody();
        }
        String action = body.propertyNames().iterator().next();
        String id = request.param("id");
        switch (action) {
            case "delete" -> {
                DELETE.validate(body);
                JsonNode flag = body.get("delete").get("delete-volumes");
                boolean deleteVolumes =
                        flag != null && (flag.isBoolean() ? flag.booleanValue() : OsloBoolean.isTrue(flag.asString()));
                groups.delete(request.caller(), id, deleteVolumes);
            }
            case "reset_status" -> {
                requireVersion(request, ApiVersion.GROUP_RESET_STATUS, action);
                RESET_STATUS.validate(body);
                groups.resetStatus(
                        request.caller(), id, body.get(action).get("status").asString());
            }
            case "revert" -> {
                requireVersion(request, ApiVersion.GROUP_SNAPSHOTS, action);
                REVERT.validate(body);
                groupSnapshots.revert(
                        request.caller(),
                        id,
                        body.get(action).get("group_snapshot_id").asString());
            }
            default -> throw unknownAction(action);
        }
        return ApiResponse.empty(202);
    }

    /** An action older microversions do not have is unknown to them, as Cinder's versioned actions are. */
    static void requireVersion(ApiRequest request, ApiVersion since, String action) {
        if (!request.version().atLeast(since)) {
            throw unknownAction(action);
        }
    }

    static CairnException unknownAction(String action) {
        return new CairnException(
                ErrorCode.UNKNOWN_ACTION,
                "There is no such action: " + action + ". Verify the request body and Content-Type header and try"
                        + " again.");
    }
}
