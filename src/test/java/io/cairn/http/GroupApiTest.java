package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Group types, groups and group snapshots end to end over HTTP: shapes per microversion, lifecycle, faults. */
class GroupApiTest {
    private static final String PROJECT = "8d3e4f5a6b7c40718293a4b5c6d7e8f9";
    private static final String OTHER = "9e4f5a6b7c8d40718293a4b5c6d7e8f9";
    private static final String DEFAULT_TYPE = "3c8d6d7e-0c2a-4b6e-9a51-6f0d7b1a2c11";

    @TempDir
    static Path dataDir;

    static TestServer server;
    static Client admin;
    static Client member;
    static Client stranger;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                dataDir, Map.of("quota-volumes", "-1", "quota-snapshots", "-1", "quota-gigabytes", "-1"));
        admin = server.as("boss", PROJECT).version("3.64");
        member = server.as("alice", PROJECT, "member", "reader").version("3.64");
        stranger = server.as("eve", OTHER, "member", "reader").version("3.64");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String groupType(String name) {
        Reply reply = admin.post("/group_types", "{\"group_type\":{\"name\":\"" + name + "\"}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        return reply.json().at("/group_type/id").asString();
    }

    static String group(Client client, String type) {
        Reply reply = client.post(
                "/groups",
                "{\"group\":{\"name\":\" g \",\"group_type\":\"" + type + "\",\"volume_types\":[\"" + DEFAULT_TYPE
                        + "\"]}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        String id = reply.json().at("/group/id").asString();
        client.await("/groups/" + id, "/group/status", "available");
        return id;
    }

    static String volumeIn(Client client, String group) {
        Reply reply = client.post("/volumes", "{\"volume\":{\"size\":1,\"group_id\":\"" + group + "\"}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        String id = reply.json().at("/volume/id").asString();
        client.await("/volumes/" + id, "/volume/status", "available");
        return id;
    }

    static String groupSnapshot(Client client, String group) {
        Reply reply = client.post(
                "/group_snapshots", "{\"group_snapshot\":{\"group_id\":\"" + group + "\",\"name\":\"gs\"}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        String id = reply.json().at("/group_snapshot/id").asString();
        client.await("/group_snapshots/" + id, "/group_snapshot/status", "available");
        return id;
    }

    static List<JsonNode> membersOf(Client client, String groupSnapshot) {
        List<JsonNode> members = new ArrayList<>();
        for (JsonNode snapshot :
                client.get("/snapshots/detail").json().get("snapshots").values()) {
            if (groupSnapshot.equals(snapshot.path("group_snapshot_id").asString(null))) {
                members.add(snapshot);
            }
        }
        return members;
    }

    @Test
    void groupTypesAreManagedByAdminsWithTheirSpecs() {
        Reply created = admin.post(
                "/group_types",
                "{\"group_type\":{\"name\":\"gt-specs\",\"description\":\"d\",\"group_specs\":{\"consistent_group_snapshot_enabled\":\"<is> True\"}}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        JsonNode type = created.json().get("group_type");
        assertThat(type.get("name").asString()).isEqualTo("gt-specs");
        assertThat(type.get("is_public").asBoolean()).isTrue();
        assertThat(type.at("/group_specs/consistent_group_snapshot_enabled").asString())
                .isEqualTo("<is> True");
        String id = type.get("id").asString();

        assertThat(admin.post("/group_types", "{\"group_type\":{\"name\":\"gt-specs\"}}")
                        .status())
                .isEqualTo(409);
        Reply forbidden = member.post("/group_types", "{\"group_type\":{\"name\":\"gt-member\"}}");
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.message()).isEqualTo("Policy doesn't allow group:group_types_manage to be performed.");
        assertThat(member.get("/group_types/" + id).json().get("group_type").has("group_specs"))
                .as("specs are admin only")
                .isFalse();
        assertThat(server.as("x", PROJECT).version("3.10").get("/group_types").status())
                .as("before 3.11")
                .isEqualTo(404);

        Reply updated = admin.put("/group_types/" + id, "{\"group_type\":{\"description\":\"new\"}}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().at("/group_type/description").asString()).isEqualTo("new");
        assertThat(admin.put("/group_types/" + id, "{\"group_type\":{\"name\":\"  \"}}")
                        .message())
                .isEqualTo("Group type name can not be empty.");

        assertThat(admin.post("/group_types/" + id + "/group_specs", "{\"group_specs\":{\"k\":\"v\"}}")
                        .status())
                .isEqualTo(202);
        assertThat(admin.get("/group_types/" + id + "/group_specs/k")
                        .json()
                        .get("k")
                        .asString())
                .isEqualTo("v");
        assertThat(admin.put("/group_types/" + id + "/group_specs/k", "{\"k\":\"w\"}")
                        .json()
                        .get("k")
                        .asString())
                .isEqualTo("w");
        assertThat(admin.put("/group_types/" + id + "/group_specs/k", "{\"j\":\"w\"}")
                        .message())
                .isEqualTo("Request body and URI mismatch");
        assertThat(admin.get("/group_types/" + id + "/group_specs")
                        .json()
                        .get("group_specs")
                        .size())
                .isEqualTo(2);
        assertThat(admin.delete("/group_types/" + id + "/group_specs/k").status())
                .isEqualTo(202);
        Reply missing = admin.get("/group_types/" + id + "/group_specs/k");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.message()).isEqualTo("Group Type " + id + " has no specs with key k.");

        assertThat(admin.delete("/group_types/" + id).status()).isEqualTo(202);
        Reply gone = admin.get("/group_types/" + id);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.message()).isEqualTo("Group type " + id + " could not be found.");
    }

    @Test
    void aGroupLivesFromCreateToDeleteWithItsVolumes() {
        String type = groupType("gt-life");
        Reply created = member.post(
                "/groups",
                "{\"group\":{\"name\":\" g1 \",\"group_type\":\"gt-life\",\"volume_types\":[\"__DEFAULT__\"]}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        assertThat(fieldNames(created.json().get("group"))).containsExactly("id", "name");
        String id = created.json().at("/group/id").asString();
        JsonNode shown =
                member.await("/groups/" + id, "/group/status", "available").get("group");
        assertThat(fieldNames(shown))
                .containsExactly(
                        "id",
                        "status",
                        "availability_zone",
                        "created_at",
                        "name",
                        "description",
                        "group_type",
                        "volume_types",
                        "group_snapshot_id",
                        "source_group_id",
                        "replication_status");
        assertThat(shown.get("name").asString()).isEqualTo("g1");
        assertThat(shown.get("group_type").asString()).isEqualTo(type);
        assertThat(shown.at("/volume_types/0").asString()).isEqualTo(DEFAULT_TYPE);
        assertThat(fieldNames(member.version("3.13").get("/groups/" + id).json().get("group")))
                .doesNotContain("group_snapshot_id", "replication_status");
        assertThat(server.as("x", PROJECT).version("3.12").get("/groups/" + id).status())
                .isEqualTo(404);
        assertThat(stranger.get("/groups/" + id).status())
                .as("another project's")
                .isEqualTo(404);

        String volume = volumeIn(member, id);
        assertThat(member.get("/volumes/" + volume)
                        .json()
                        .at("/volume/group_id")
                        .asString())
                .isEqualTo(id);
        assertThat(member.get("/groups/" + id + "?list_volume=true")
                        .json()
                        .at("/group/volumes/0")
                        .asString())
                .isEqualTo(volume);
        assertThat(member.get("/groups").json().get("groups").values())
                .anyMatch(g -> g.get("id").asString().equals(id) && g.size() == 2);

        Reply withoutFlag = member.post("/groups/" + id + "/action", "{\"delete\":{}}");
        assertThat(withoutFlag.status()).isEqualTo(400);
        assertThat(withoutFlag.message())
                .isEqualTo("Invalid Group: Group " + id
                        + " still contains volumes. The delete-volumes flag is required to delete it.");
        Reply volumeDelete = member.delete("/volumes/" + volume);
        assertThat(volumeDelete.status())
                .as("a member volume is deleted with its group")
                .isEqualTo(400);

        assertThat(member.post("/groups/" + id + "/action", "{\"delete\":{\"delete-volumes\":true}}")
                        .status())
                .isEqualTo(202);
        member.awaitGone("/volumes/" + volume);
        member.awaitGone("/groups/" + id);
    }

    @Test
    void updateAddsAndRemovesVolumesWithCindersChecks() {
        String type = groupType("gt-update");
        String id = group(member, type);
        String inside = volumeIn(member, id);
        Reply created = member.post("/volumes", "{\"volume\":{\"size\":1}}");
        String outside = created.json().at("/volume/id").asString();
        member.await("/volumes/" + outside, "/volume/status", "available");

        Reply both = member.put(
                "/groups/" + id,
                "{\"group\":{\"add_volumes\":\"" + outside + "\",\"remove_volumes\":\"" + outside + "\"}}");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.message())
                .isEqualTo("Invalid volume: UUIDs ['" + outside + "'] are in both add and remove volume list.");
        Reply nothing = member.put("/groups/" + id, "{\"group\":{\"name\":\"g\"}}");
        assertThat(nothing.message())
                .isEqualTo("Invalid Group: Cannot update group " + id
                        + " because no valid name, description, add_volumes, or remove_volumes were provided.");

        assertThat(member.put(
                                "/groups/" + id,
                                "{\"group\":{\"name\":\"renamed\",\"add_volumes\":\"" + outside
                                        + ",\",\"remove_volumes\":\"" + inside + "\"}}")
                        .status())
                .isEqualTo(202);
        JsonNode shown =
                member.await("/groups/" + id, "/group/status", "available").get("group");
        assertThat(shown.get("name").asString()).isEqualTo("renamed");
        assertThat(member.get("/volumes/" + outside)
                        .json()
                        .at("/volume/group_id")
                        .asString())
                .isEqualTo(id);
        assertThat(member.get("/volumes/" + inside)
                        .json()
                        .at("/volume/group_id")
                        .isNull())
                .isTrue();

        String other = group(member, type);
        Reply taken = member.put("/groups/" + other, "{\"group\":{\"add_volumes\":\"" + outside + "\"}}");
        assertThat(taken.message())
                .isEqualTo("Invalid volume: Cannot add volume " + outside + " to group " + other
                        + " because it is already in group " + id + ".");
        Reply notIn = member.put("/groups/" + other, "{\"group\":{\"remove_volumes\":\"" + inside + "\"}}");
        assertThat(notIn.message())
                .isEqualTo("Invalid volume: Cannot remove volume " + inside + " from group " + other
                        + " because it is not in the group.");
    }

    @Test
    void createRefusesUnknownTypesAndCountsTheGroupsQuota() {
        Reply unknownType =
                member.post("/groups", "{\"group\":{\"group_type\":\"no-such\",\"volume_types\":[\"__DEFAULT__\"]}}");
        assertThat(unknownType.status()).isEqualTo(404);
        assertThat(unknownType.message()).isEqualTo("Group type with name no-such could not be found.");
        String type = groupType("gt-quota");
        Reply unknownVolumeType =
                member.post("/groups", "{\"group\":{\"group_type\":\"" + type + "\",\"volume_types\":[\"gold\"]}}");
        assertThat(unknownVolumeType.status()).isEqualTo(404);
        Reply noTypes = member.post("/groups", "{\"group\":{\"group_type\":\"" + type + "\",\"volume_types\":[]}}");
        assertThat(noTypes.status()).isEqualTo(400);
        Reply missing = member.post("/groups", "{\"group\":{\"volume_types\":[\"__DEFAULT__\"]}}");
        assertThat(missing.status()).isEqualTo(400);

        Client limited = server.as("bob", "0a5f6a7b8c9d40718293a4b5c6d7e8f9", "member", "reader")
                .version("3.64");
        assertThat(admin.put("/os-quota-sets/0a5f6a7b8c9d40718293a4b5c6d7e8f9", "{\"quota_set\":{\"groups\":1}}")
                        .status())
                .isEqualTo(200);
        String first = group(limited, type);
        Reply over = limited.post(
                "/groups", "{\"group\":{\"group_type\":\"" + type + "\",\"volume_types\":[\"__DEFAULT__\"]}}");
        assertThat(over.status()).isEqualTo(413);
        assertThat(over.message()).isEqualTo("GroupLimitExceeded: Maximum number of groups allowed (1) exceeded");
        assertThat(limited.get("/os-quota-sets/0a5f6a7b8c9d40718293a4b5c6d7e8f9?usage=true")
                        .json()
                        .at("/quota_set/groups/in_use")
                        .asLong())
                .isEqualTo(1);
        assertThat(limited.post("/groups/" + first + "/action", "{\"delete\":{\"delete-volumes\":false}}")
                        .status())
                .isEqualTo(202);
        limited.awaitGone("/groups/" + first);
        group(limited, type);
    }

    @Test
    void aGroupSnapshotSnapshotsEveryVolumeAndNamesItsMembers() {
        String type = groupType("gt-snap");
        String id = group(member, type);
        String first = volumeIn(member, id);
        String second = volumeIn(member, id);
        Reply created =
                member.post("/group_snapshots", "{\"group_snapshot\":{\"group_id\":\"" + id + "\",\"name\":\"gs\"}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        assertThat(fieldNames(created.json().get("group_snapshot"))).containsExactly("id", "name", "group_type_id");
        String snapshot = created.json().at("/group_snapshot/id").asString();
        JsonNode shown = member.await("/group_snapshots/" + snapshot, "/group_snapshot/status", "available")
                .get("group_snapshot");
        assertThat(fieldNames(shown))
                .containsExactly("id", "group_id", "group_type_id", "status", "created_at", "name", "description");
        assertThat(shown.get("group_id").asString()).isEqualTo(id);
        assertThat(admin.version("3.58")
                        .get("/group_snapshots/" + snapshot)
                        .json()
                        .at("/group_snapshot/project_id")
                        .asString())
                .isEqualTo(PROJECT);

        List<JsonNode> members = membersOf(member, snapshot);
        assertThat(members).extracting(m -> m.get("volume_id").asString()).containsExactlyInAnyOrder(first, second);
        assertThat(members).allMatch(m -> m.get("status").asString().equals("available"));
        String memberSnapshot = members.getFirst().get("id").asString();
        assertThat(member.version("3.13")
                        .get("/snapshots/" + memberSnapshot)
                        .json()
                        .get("snapshot")
                        .has("group_snapshot_id"))
                .as("group_snapshot_id from 3.14")
                .isFalse();
        Reply alone = member.delete("/snapshots/" + memberSnapshot);
        assertThat(alone.status()).isEqualTo(400);
        assertThat(alone.message())
                .isEqualTo(
                        "Invalid snapshot: Snapshot status must be available or error and must not be part of a group.");
        Reply groupDelete = member.post("/groups/" + id + "/action", "{\"delete\":{\"delete-volumes\":true}}");
        assertThat(groupDelete.message()).isEqualTo("Invalid Group: Group has existing snapshots.");

        assertThat(member.get("/group_snapshots").json().get("group_snapshots").values())
                .anyMatch(gs -> gs.get("id").asString().equals(snapshot) && gs.size() == 2 && gs.has("name"));
        assertThat(member.get("/group_snapshots/detail")
                        .json()
                        .get("group_snapshots")
                        .values())
                .anyMatch(gs -> gs.get("id").asString().equals(snapshot) && gs.has("status"));
        assertThat(stranger.get("/group_snapshots/" + snapshot).status()).isEqualTo(404);
        assertThat(server.as("x", PROJECT)
                        .version("3.13")
                        .get("/group_snapshots")
                        .status())
                .isEqualTo(404);

        assertThat(member.delete("/group_snapshots/" + snapshot).status()).isEqualTo(202);
        member.awaitGone("/group_snapshots/" + snapshot);
        for (JsonNode gone : members) {
            member.awaitGone("/snapshots/" + gone.get("id").asString());
        }
    }

    @Test
    void aGroupIsCreatedFromAGroupSnapshotOrFromAnotherGroup() {
        String type = groupType("gt-source");
        String id = group(member, type);
        volumeIn(member, id);
        volumeIn(member, id);
        String snapshot = groupSnapshot(member, id);

        Reply fromSnapshot = member.post(
                "/groups/action",
                "{\"create-from-src\":{\"name\":\"copy\",\"group_snapshot_id\":\"" + snapshot + "\"}}");
        assertThat(fromSnapshot.status()).as(fromSnapshot.text()).isEqualTo(202);
        String copy = fromSnapshot.json().at("/group/id").asString();
        JsonNode shown =
                member.await("/groups/" + copy, "/group/status", "available").get("group");
        assertThat(shown.get("group_snapshot_id").asString()).isEqualTo(snapshot);
        assertThat(shown.get("group_type").asString()).isEqualTo(type);
        assertThat(member.get("/groups/" + copy + "?list_volume=true")
                        .json()
                        .at("/group/volumes")
                        .size())
                .isEqualTo(2);

        Reply fromGroup = member.post("/groups/action", "{\"create-from-src\":{\"source_group_id\":\"" + id + "\"}}");
        assertThat(fromGroup.status()).as(fromGroup.text()).isEqualTo(202);
        String clone = fromGroup.json().at("/group/id").asString();
        assertThat(member.await("/groups/" + clone, "/group/status", "available")
                        .at("/group/source_group_id")
                        .asString())
                .isEqualTo(id);

        Reply busySource = member.delete("/group_snapshots/" + snapshot);
        assertThat(busySource.status()).as("volumes were made from its members").isEqualTo(202);
        Reply notFound = member.post(
                "/groups/action",
                "{\"create-from-src\":{\"group_snapshot_id\":\"00000000-0000-4000-8000-000000000000\"}}");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.message())
                .isEqualTo("GroupSnapshot 00000000-0000-4000-8000-000000000000 could not be found.");
    }

    @Test
    void resetStatusIsForAdminsFromItsMicroversion() {
        String type = groupType("gt-reset");
        String id = group(member, type);
        assertThat(member.post("/groups/" + id + "/action", "{\"reset_status\":{\"status\":\"error\"}}")
                        .status())
                .isEqualTo(403);
        assertThat(admin.version("3.19")
                        .post("/groups/" + id + "/action", "{\"reset_status\":{\"status\":\"error\"}}")
                        .status())
                .isEqualTo(400);
        for (String status : List.of("creating", "available", "error")) {
            assertThat(admin.post("/groups/" + id + "/action", "{\"reset_status\":{\"status\":\"" + status + "\"}}")
                            .status())
                    .isEqualTo(202);
            assertThat(member.get("/groups/" + id).json().at("/group/status").asString())
                    .isEqualTo(status);
        }
        assertThat(admin.post("/groups/" + id + "/action", "{\"reset_status\":{\"status\":\"sleeping\"}}")
                        .status())
                .isEqualTo(400);
        volumeIn(admin, group(admin, type));
        String snapshotGroup = group(admin, type);
        volumeIn(admin, snapshotGroup);
        String snapshot = groupSnapshot(admin, snapshotGroup);
        assertThat(admin.post("/group_snapshots/" + snapshot + "/action", "{\"reset_status\":{\"status\":\"error\"}}")
                        .status())
                .isEqualTo(202);
        assertThat(admin.get("/group_snapshots/" + snapshot)
                        .json()
                        .at("/group_snapshot/status")
                        .asString())
                .isEqualTo("error");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
