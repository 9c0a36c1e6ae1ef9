package io.cairn.http;

import static io.cairn.http.SnapshotFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The views the API keeps per row version, over real HTTP on SQLite: after each way of writing a snapshot or a
 * volume, show and the detail list give the new values at once (each read twice, so the second comes from what
 * the first kept), and the variants (admin or member, microversions, the EVS dialect) never show each other's
 * bytes.
 */
class RenderedViewInvalidationTest {
    @TempDir
    static Path dataDir;

    static TestServer server;
    static Client admin;
    static Client member;

    @BeforeAll
    static void start() {
        server = SnapshotFixture.start(dataDir);
        admin = SnapshotFixture.admin(server);
        member = SnapshotFixture.member(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * The row as show and the detail list give it, each asked twice; every answer must pass {@code check}, and
     * the second of each pair must be the first's bytes.
     */
    private static void everywhere(Client client, String collection, String id, Consumer<JsonNode> check) {
        String item = collection.substring(0, collection.length() - 1);
        List<JsonNode> shown = new ArrayList<>();
        List<JsonNode> listed = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Reply show = client.get("/" + collection + "/" + id);
            assertThat(show.status()).as(show.text()).isEqualTo(200);
            shown.add(show.json().get(item));
            Reply list = client.get("/" + collection + "/detail?limit=1000");
            assertThat(list.status()).as(list.text()).isEqualTo(200);
            JsonNode found = null;
            for (JsonNode entry : list.json().get(collection)) {
                if (entry.get("id").asString().equals(id)) {
                    found = entry;
                }
            }
            assertThat(found).as("%s in the list", id).isNotNull();
            listed.add(found);
        }
        assertThat(shown.get(1)).isEqualTo(shown.get(0));
        assertThat(listed.get(1)).isEqualTo(listed.get(0));
        check.accept(shown.get(0));
        check.accept(listed.get(0));
    }

    private static Consumer<JsonNode> has(String pointer, String value) {
        return view -> assertThat(view.at(pointer).asString()).as(pointer).isEqualTo(value);
    }

    private static void accepted(Reply reply, int status) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    }

    private static String snapshot() {
        String volume = SnapshotFixture.volume(member, 1);
        return SnapshotFixture.snapshot(member, volume);
    }

    @Test
    void aSnapshotsNameDescriptionAndStatusShowAtOnce() {
        String id = snapshot();
        everywhere(admin, "snapshots", id, has("/status", "available"));

        accepted(member.put("/snapshots/" + id, json("{'snapshot':{'name':'renamed','description':'about'}}")), 200);
        everywhere(admin, "snapshots", id, has("/name", "renamed").andThen(has("/description", "about")));

        SnapshotFixture.resetStatus(admin, id, "error");
        everywhere(admin, "snapshots", id, has("/status", "error"));

        SnapshotFixture.resetStatus(admin, id, "creating");
        accepted(
                admin.post(
                        "/snapshots/" + id + "/action",
                        json("{'os-update_snapshot_status':{'status':'available','progress':'73%'}}")),
                202);
        everywhere(
                admin,
                "snapshots",
                id,
                has("/status", "available").andThen(has("/os-extended-snapshot-attributes:progress", "73%")));
    }

    @Test
    void everySnapshotMetadataCallShowsAtOnce() {
        String id = snapshot();
        everywhere(
                member,
                "snapshots",
                id,
                view -> assertThat(view.get("metadata").size()).isZero());

        accepted(member.post("/snapshots/" + id + "/metadata", json("{'metadata':{'b':'1','a':'2'}}")), 200);
        everywhere(
                member,
                "snapshots",
                id,
                view -> assertThat(view.get("metadata").propertyNames()).containsExactly("b", "a"));

        accepted(member.put("/snapshots/" + id + "/metadata/a", json("{'meta':{'a':'3'}}")), 200);
        everywhere(member, "snapshots", id, has("/metadata/a", "3"));

        accepted(member.delete("/snapshots/" + id + "/metadata/b"), 200);
        everywhere(
                member,
                "snapshots",
                id,
                view -> assertThat(view.get("metadata").propertyNames()).containsExactly("a"));

        accepted(member.put("/snapshots/" + id + "/metadata", json("{'metadata':{'z':'9'}}")), 200);
        everywhere(
                member,
                "snapshots",
                id,
                view -> assertThat(view.get("metadata").propertyNames()).containsExactly("z"));
    }

    @Test
    void aDeletedSnapshotLeavesShowAndTheList() {
        String id = snapshot();
        everywhere(member, "snapshots", id, has("/status", "available"));

        accepted(member.delete("/snapshots/" + id), 202);
        SnapshotFixture.awaitGone(member, "/snapshots/" + id);
        assertThat(member.get("/snapshots/detail?limit=1000").text()).doesNotContain(id);
        assertThat(member.get("/snapshots?limit=1000").text()).doesNotContain(id);
    }

    @Test
    void aVolumesOwnFieldsShowAtOnce() {
        String id = SnapshotFixture.volume(member, 1);
        everywhere(admin, "volumes", id, has("/status", "available"));

        accepted(member.put("/volumes/" + id, json("{'volume':{'name':'renamed'}}")), 200);
        everywhere(admin, "volumes", id, has("/name", "renamed"));

        accepted(member.post("/volumes/" + id + "/action", json("{'os-set_bootable':{'bootable':true}}")), 200);
        everywhere(admin, "volumes", id, has("/bootable", "true"));

        accepted(member.post("/volumes/" + id + "/action", json("{'os-extend':{'new_size':2}}")), 202);
        SnapshotFixture.await(member, "/volumes/" + id, "/volume/size", "2");
        everywhere(
                admin,
                "volumes",
                id,
                view -> assertThat(view.get("size").asInt()).isEqualTo(2));

        SnapshotFixture.resetVolume(admin, id, "'status':'error'");
        everywhere(admin, "volumes", id, has("/status", "error"));
    }

    @Test
    void aVolumesMetadataAdminMetadataAndAttachmentsShowAtOnce() {
        String id = SnapshotFixture.volume(member, 1);
        everywhere(
                member,
                "volumes",
                id,
                view -> assertThat(view.get("metadata").size()).isZero());

        accepted(member.post("/volumes/" + id + "/metadata", json("{'metadata':{'k':'v'}}")), 200);
        everywhere(member, "volumes", id, has("/metadata/k", "v"));

        accepted(member.delete("/volumes/" + id + "/metadata/k"), 200);
        everywhere(
                member,
                "volumes",
                id,
                view -> assertThat(view.get("metadata").has("k")).isFalse());

        accepted(admin.post("/volumes/" + id + "/action", json("{'os-update_readonly_flag':{'readonly':true}}")), 202);
        everywhere(member, "volumes", id, has("/metadata/readonly", "True"));

        String server = UUID.randomUUID().toString();
        accepted(
                member.post(
                        "/volumes/" + id + "/action",
                        json("{'os-attach':{'instance_uuid':'%s','mountpoint':'/dev/vdb','mode':'ro'}}", server)),
                202);
        everywhere(
                member,
                "volumes",
                id,
                has("/status", "in-use")
                        .andThen(has("/attachments/0/server_id", server))
                        .andThen(has("/metadata/attached_mode", "ro")));
        String attachment = member.get("/volumes/" + id)
                .json()
                .at("/volume/attachments/0/attachment_id")
                .asString();

        accepted(
                member.post("/volumes/" + id + "/action", json("{'os-detach':{'attachment_id':'%s'}}", attachment)),
                202);
        everywhere(member, "volumes", id, view -> {
            assertThat(view.get("attachments").size()).isZero();
            assertThat(view.get("metadata").has("attached_mode")).isFalse();
        });
    }

    @Test
    void adminAndMemberViewsNeverMix() {
        String volume = SnapshotFixture.volume(member, 1);
        for (int round = 0; round < 2; round++) {
            everywhere(
                    admin,
                    "volumes",
                    volume,
                    view -> assertThat(view.has("os-vol-host-attr:host")).isTrue());
            everywhere(
                    member,
                    "volumes",
                    volume,
                    view -> assertThat(view.has("os-vol-host-attr:host")).isFalse());
        }
    }

    @Test
    void microversionsNeverMix() {
        String id = snapshot();
        for (int round = 0; round < 2; round++) {
            everywhere(
                    member.version("3.0"),
                    "snapshots",
                    id,
                    view -> assertThat(view.has("group_snapshot_id")).isFalse());
            everywhere(member.version("3.14"), "snapshots", id, view -> {
                assertThat(view.has("group_snapshot_id")).isTrue();
                assertThat(view.has("user_id")).isFalse();
            });
            everywhere(member.version("3.65"), "snapshots", id, view -> {
                assertThat(view.has("user_id")).isTrue();
                assertThat(view.has("consumes_quota")).isTrue();
            });
        }
    }

    @Test
    void theEvsDialectNeverMixesWithCinders() {
        String id = snapshot();
        String evs = "//v2/" + SnapshotFixture.PROJECT + "/cloudsnapshots";
        for (int round = 0; round < 2; round++) {
            JsonNode shown = member.get(evs + "/" + id).json().get("snapshot");
            assertThat(shown.propertyNames()).startsWith("id", "status", "name");
            assertThat(shown.has("service_type")).isFalse();
            JsonNode listed = member.get(evs + "/detail").json().get("snapshots");
            assertThat(listed.findValuesAsString("service_type")).contains("EVS");
            everywhere(member, "snapshots", id, view -> {
                assertThat(view.propertyNames()).startsWith("id", "created_at", "updated_at");
                assertThat(view.has("service_type")).isFalse();
            });
        }

        accepted(member.put(evs + "/" + id, json("{'snapshot':{'name':'evs-renamed'}}")), 200);
        assertThat(member.get(evs + "/" + id).json().at("/snapshot/name").asString())
                .isEqualTo("evs-renamed");
        everywhere(member, "snapshots", id, has("/name", "evs-renamed"));
    }
}
