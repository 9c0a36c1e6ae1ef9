package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Volume types an admin creates and deletes, and what volumes and groups of them do (Tempest's groups make them). */
class VolumeTypeManageTest {
    private static final String PROJECT = "2c3d4e5f6a7b40718293a4b5c6d7e8f9";

    @TempDir
    static Path dataDir;

    static TestServer server;
    static Client admin;
    static Client member;

    @BeforeAll
    static void start() {
        server = TestServer.start(dataDir);
        admin = server.as("boss", PROJECT).version("3.64");
        member = server.as("alice", PROJECT, "member", "reader").version("3.64");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anAdminCreatesATypeThatVolumesAndGroupsUseUntilItIsDeleted() {
        Reply created = admin.post(
                "/types", "{\"volume_type\":{\"name\":\"gold\",\"description\":\"d\",\"extra_specs\":{\"k\":\"v\"}}}");
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        JsonNode type = created.json().get("volume_type");
        String id = type.get("id").asString();
        assertThat(type.get("name").asString()).isEqualTo("gold");
        assertThat(type.get("is_public").asBoolean()).isTrue();
        assertThat(type.at("/extra_specs/k").asString()).isEqualTo("v");
        assertThat(admin.get("/types/" + id).json().at("/volume_type/name").asString())
                .isEqualTo("gold");
        assertThat(member.get("/types").json().get("volume_types").values())
                .anyMatch(t -> t.get("id").asString().equals(id));

        String privateType = admin.post(
                        "/types", "{\"volume_type\":{\"name\":\"hidden\",\"os-volume-type-access:is_public\":false}}")
                .json()
                .at("/volume_type/id")
                .asString();
        Reply hidden = member.post("/volumes", "{\"volume\":{\"size\":1,\"volume_type\":\"" + privateType + "\"}}");
        assertThat(hidden.status()).as("a private type is not the member's").isEqualTo(404);
        assertThat(hidden.message()).isEqualTo("Volume type " + privateType + " could not be found.");
        assertThat(admin.delete("/types/" + privateType).status()).isEqualTo(202);

        Reply again = admin.post("/types", "{\"volume_type\":{\"name\":\"gold\"}}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.message()).isEqualTo("Volume Type gold already exists.");
        Reply forbidden = member.post("/types", "{\"volume_type\":{\"name\":\"silver\"}}");
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.message()).isEqualTo("Policy doesn't allow volume_extension:type_create to be performed.");

        String groupType = admin.post("/group_types", "{\"group_type\":{\"name\":\"gold-groups\"}}")
                .json()
                .at("/group_type/id")
                .asString();
        String group = admin.post(
                        "/groups",
                        "{\"group\":{\"group_type\":\"" + groupType + "\",\"volume_types\":[\"" + id + "\"]}}")
                .json()
                .at("/group/id")
                .asString();
        assertThat(admin.await("/groups/" + group, "/group/status", "available")
                        .at("/group/volume_types/0")
                        .asString())
                .isEqualTo(id);
        Reply wrongType = admin.post("/volumes", "{\"volume\":{\"size\":1,\"group_id\":\"" + group + "\"}}");
        assertThat(wrongType.status()).as("the default type is not the group's").isEqualTo(400);
        String volume = admin.post(
                        "/volumes", "{\"volume\":{\"size\":1,\"volume_type\":\"gold\",\"group_id\":\"" + group + "\"}}")
                .json()
                .at("/volume/id")
                .asString();
        JsonNode shown =
                admin.await("/volumes/" + volume, "/volume/status", "available").get("volume");
        assertThat(shown.get("group_id").asString()).isEqualTo(group);
        assertThat(shown.get("volume_type_id").asString()).isEqualTo(id);

        String groupSnapshot = admin.post("/group_snapshots", "{\"group_snapshot\":{\"group_id\":\"" + group + "\"}}")
                .json()
                .at("/group_snapshot/id")
                .asString();
        admin.await("/group_snapshots/" + groupSnapshot, "/group_snapshot/status", "available");
        String copy = admin.post(
                        "/groups/action", "{\"create-from-src\":{\"group_snapshot_id\":\"" + groupSnapshot + "\"}}")
                .json()
                .at("/group/id")
                .asString();
        JsonNode copied = admin.await("/groups/" + copy + "?list_volume=true", "/group/status", "available");
        String copiedVolume = copied.at("/group/volumes/0").asString();
        assertThat(admin.get("/volumes/" + copiedVolume)
                        .json()
                        .at("/volume/volume_type_id")
                        .asString())
                .as("a volume made from a snapshot has its source's type")
                .isEqualTo(id);
        assertThat(admin.post("/groups/" + copy + "/action", "{\"delete\":{\"delete-volumes\":true}}")
                        .status())
                .isEqualTo(202);
        admin.awaitGone("/groups/" + copy);
        assertThat(admin.delete("/group_snapshots/" + groupSnapshot).status()).isEqualTo(202);
        admin.awaitGone("/group_snapshots/" + groupSnapshot);

        Reply inUse = admin.delete("/types/" + id);
        assertThat(inUse.status()).isEqualTo(400);
        assertThat(inUse.message()).isEqualTo("Target volume type is still in use.");
        assertThat(admin.post("/groups/" + group + "/action", "{\"delete\":{\"delete-volumes\":true}}")
                        .status())
                .isEqualTo(202);
        admin.awaitGone("/groups/" + group);
        assertThat(admin.delete("/types/" + id).status()).isEqualTo(202);
        assertThat(admin.get("/types/" + id).status()).isEqualTo(404);
        assertThat(admin.delete("/types/3c8d6d7e-0c2a-4b6e-9a51-6f0d7b1a2c11").message())
                .isEqualTo("Default volume type can not be deleted.");
    }
}
