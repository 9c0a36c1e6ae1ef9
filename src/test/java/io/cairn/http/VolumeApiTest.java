package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The volume API end to end over HTTP: shapes, lifecycle, actions and their messages. */
class VolumeApiTest {
    private static final String PROJECT = "6b1f2c3d4e5f40718293a4b5c6d7e8f9";
    private static final String OTHER = "7c2f3d4e5f6a40718293a4b5c6d7e8f9";

    @TempDir
    static Path dataDir;

    static TestServer server;
    static Client admin;
    static Client member;

    @BeforeAll
    static void start() {
        server = TestServer.start(dataDir);
        admin = server.as("boss", PROJECT);
        member = server.as("alice", PROJECT, "member", "reader");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String createVolume(Client client, String body) {
        Reply reply = client.post("/volumes", body);
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        String id = reply.json().at("/volume/id").asString();
        client.await("/volumes/" + id, "/volume/status", "available");
        return id;
    }

    static String createSnapshot(Client client, String volumeId) {
        Reply reply = client.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volumeId + "\"}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        String id = reply.json().at("/snapshot/id").asString();
        client.await("/snapshots/" + id, "/snapshot/status", "available");
        return id;
    }

    @Test
    void createAnswersAcceptedWithTheDetailViewWithoutExtendedAttributes() {
        Reply reply =
                member.post("/volumes", "{\"volume\":{\"size\":1,\"name\":\" v1 \",\"metadata\":{\"Type\":\"Test\"}}}");
        assertThat(reply.status()).isEqualTo(202);
        JsonNode volume = reply.json().get("volume");
        assertThat(fieldNames(volume))
                .containsExactly(
                        "id",
                        "status",
                        "size",
                        "availability_zone",
                        "created_at",
                        "updated_at",
                        "name",
                        "description",
                        "volume_type",
                        "snapshot_id",
                        "source_volid",
                        "metadata",
                        "links",
                        "user_id",
                        "bootable",
                        "encrypted",
                        "replication_status",
                        "consistencygroup_id",
                        "multiattach",
                        "attachments");
        assertThat(volume.get("status").asString()).isEqualTo("creating");
        assertThat(volume.get("name").asString()).isEqualTo("v1");
        assertThat(volume.get("bootable").asString()).isEqualTo("false");
        assertThat(volume.get("volume_type").asString()).isEqualTo("__DEFAULT__");
        assertThat(volume.at("/links/0/href").asString())
                .isEqualTo(server.baseUrl() + "/v3/" + PROJECT + "/volumes/"
                        + volume.get("id").asString());
        assertThat(volume.at("/links/1/href").asString())
                .isEqualTo(server.baseUrl() + "/" + PROJECT + "/volumes/"
                        + volume.get("id").asString());
        JsonNode shown = member.await("/volumes/" + volume.get("id").asString(), "/volume/status", "available")
                .get("volume");
        assertThat(shown.get("os-vol-tenant-attr:tenant_id").asString()).isEqualTo(PROJECT);
        assertThat(shown.has("os-vol-host-attr:host")).as("admin only").isFalse();
        assertThat(shown.at("/metadata/Type").asString()).isEqualTo("Test");
    }

    /** PostgreSQL cannot hold U+0000 in text: refused as input on every database, never a server error. */
    @Test
    void textHoldingANulCharacterIsRefusedOnEveryDatabase() {
        Reply name = member.post("/volumes", "{\"volume\":{\"size\":1,\"name\":\"a\\u0000b\"}}");
        assertThat(name.status()).isEqualTo(400);
        assertThat(name.message()).isEqualTo("Invalid input received: the body holds a NUL character (U+0000).");
        Reply metadataKey = member.post("/volumes", "{\"volume\":{\"size\":1,\"metadata\":{\"k\\u0000\":\"v\"}}}");
        assertThat(metadataKey.status()).isEqualTo(400);
        for (String query : List.of("/volumes?name=a%00b", "/volumes/detail?marker=a%00b", "/snapshots?name=a%00b")) {
            Reply listed = member.get(query);
            assertThat(listed.status()).as(query).isEqualTo(400);
            assertThat(listed.message())
                    .as(query)
                    .isEqualTo("Invalid input received: a query parameter holds a NUL character (U+0000).");
        }
    }

    @Test
    void laterMicroversionsAddTheirKeysAndAdminsSeeTheHost() {
        String id = createVolume(admin, "{\"volume\":{\"size\":1}}");
        JsonNode volume = admin.version("3.65").get("/volumes/" + id).json().get("volume");
        assertThat(volume.has("group_id")).isTrue();
        assertThat(volume.has("provider_id")).isTrue();
        assertThat(volume.get("shared_targets").asBoolean()).isTrue();
        assertThat(volume.has("service_uuid")).isTrue();
        assertThat(volume.has("cluster_name")).isTrue();
        assertThat(volume.has("volume_type_id")).isTrue();
        assertThat(volume.get("consumes_quota").asBoolean()).isTrue();
        assertThat(volume.get("os-vol-host-attr:host").asString()).matches(".+@.+#.+");
        assertThat(volume.has("migration_status")).isTrue();
    }

    @Test
    void summaryListsIdNameAndLinksOnly() {
        createVolume(member, "{\"volume\":{\"size\":1,\"name\":\"listed\"}}");
        JsonNode first = member.get("/volumes?name=listed").json().at("/volumes/0");
        assertThat(fieldNames(first)).containsExactly("id", "name", "links");
    }

    @Test
    void volumeFromSnapshotStartsFromItsSizeAndRefusesSmallerOnes() {
        String source = createVolume(member, "{\"volume\":{\"size\":2}}");
        String snapshot = createSnapshot(member, source);
        Reply smaller = member.post("/volumes", "{\"volume\":{\"size\":1,\"snapshot_id\":\"" + snapshot + "\"}}");
        assertThat(smaller.status()).isEqualTo(400);
        assertThat(smaller.message())
                .isEqualTo(
                        "Invalid input received: Volume size '1'GB cannot be smaller than the snapshot size 2GB. They must be >= original snapshot size.");
        Reply noSize = member.post("/volumes", "{\"volume\":{\"snapshot_id\":\"" + snapshot + "\"}}");
        assertThat(noSize.status()).isEqualTo(202);
        assertThat(noSize.json().at("/volume/size").asInt()).isEqualTo(2);
        assertThat(noSize.json().at("/volume/snapshot_id").asString()).isEqualTo(snapshot);
        member.await("/volumes/" + noSize.json().at("/volume/id").asString(), "/volume/status", "available");
        Reply missing = member.post(
                "/volumes", "{\"volume\":{\"size\":1,\"snapshot_id\":\"00000000-0000-4000-8000-000000000000\"}}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.message()).isEqualTo("Snapshot 00000000-0000-4000-8000-000000000000 could not be found.");
    }

    @Test
    void cloneNeedsASizeAtLeastTheSource() {
        String source = createVolume(member, "{\"volume\":{\"size\":3}}");
        Reply smaller = member.post("/volumes", "{\"volume\":{\"size\":2,\"source_volid\":\"" + source + "\"}}");
        assertThat(smaller.status()).isEqualTo(400);
        assertThat(smaller.message())
                .isEqualTo(
                        "Invalid input received: Volume size '2'GB cannot be smaller than original volume size  3GB. They must be >= original volume size.");
        Reply clone = member.post("/volumes", "{\"volume\":{\"source_volid\":\"" + source + "\"}}");
        assertThat(clone.status()).isEqualTo(202);
        member.await("/volumes/" + clone.json().at("/volume/id").asString(), "/volume/status", "available");
    }

    @Test
    void badSizesAreRefusedWithCinderMessages() {
        assertThat(member.post("/volumes", "{\"volume\":{\"size\":0}}").message())
                .isEqualTo("Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1");
        assertThat(member.post("/volumes", "{\"volume\":{\"size\":\"0\"}}").message())
                .isEqualTo("Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1");
        assertThat(member.post("/volumes", "{\"volume\":{\"size\":\"#$%\"}}").message())
                .isEqualTo("Invalid input for field/attribute size. Value: #$%. '#$%' does not match '^[0-9]+$'");
        assertThat(member.post("/volumes", "{\"volume\":{\"size\":1.5}}").message())
                .isEqualTo(
                        "Invalid input for field/attribute size. Value: 1.5. 1.5 is not of type 'integer', 'string', 'null'");
        assertThat(member.post("/volumes", "{\"volume\":{}}").status()).isEqualTo(400);
        assertThat(member.post("/volumes", "{\"volume\":{\"size\":1,\"availability_zone\":\"mars\"}}")
                        .message())
                .isEqualTo("Availability zone 'mars' is invalid.");
        assertThat(member.post("/volumes", "{\"volume\":{\"size\":1,\"volume_type\":\"gold\"}}")
                        .message())
                .isEqualTo("Volume type with name gold could not be found.");
        assertThat(member.version("3.53")
                        .post("/volumes", "{\"volume\":{\"size\":1,\"color\":\"red\"}}")
                        .message())
                .endsWith("Additional properties are not allowed ('color' was unexpected)");
        assertThat(member.post("/volumes", "{\"volume\":{\"size\":1,\"color\":\"red\"}}")
                        .status())
                .as("ignored below 3.53")
                .isEqualTo(202);
    }

    @Test
    void deletingAVolumeWithSnapshotsNeedsCascade() {
        String volume = createVolume(member, "{\"volume\":{\"size\":1}}");
        String first = createSnapshot(member, volume);
        String second = createSnapshot(member, volume);
        Reply refused = member.delete("/volumes/" + volume);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.message())
                .isEqualTo("Invalid volume: Volume status must be available or error or error_restoring or "
                        + "error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, "
                        + "awaiting a transfer, or be disassociated from snapshots after volume transfer.");
        assertThat(member.delete("/volumes/" + volume + "?cascade=True").status())
                .isEqualTo(202);
        member.awaitGone("/volumes/" + volume);
        member.awaitGone("/snapshots/" + first);
        member.awaitGone("/snapshots/" + second);
        assertThat(member.delete("/volumes/" + volume + "?cascade=maybe").message())
                .isEqualTo("Value 'maybe' for 'cascade' is not a boolean.");
    }

    @Test
    void forceDeleteStillRefusesAVolumeWithSnapshots() {
        String volume = createVolume(member, "{\"volume\":{\"size\":1}}");
        createSnapshot(member, volume);
        assertThat(member.post("/volumes/" + volume + "/action", "{\"os-force_delete\":{}}")
                        .status())
                .isEqualTo(403);
        Reply refused = admin.post("/volumes/" + volume + "/action", "{\"os-force_delete\":{}}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.message()).startsWith("Invalid volume: Volume  must not be migrating");
    }

    @Test
    void extendGrowsOnlyAndWorksWithSnapshots() {
        String volume = createVolume(member, "{\"volume\":{\"size\":1}}");
        createSnapshot(member, volume);
        Reply same = member.post("/volumes/" + volume + "/action", "{\"os-extend\":{\"new_size\":1}}");
        assertThat(same.status()).isEqualTo(400);
        assertThat(same.message())
                .isEqualTo(
                        "Invalid input received: New size for extend must be greater than current size. (current: 1, extended: 1).");
        assertThat(member.post("/volumes/" + volume + "/action", "{\"os-extend\":{\"new_size\":0}}")
                        .status())
                .isEqualTo(400);
        assertThat(member.post("/volumes/" + volume + "/action", "{\"os-extend\":{\"new_size\":\"abc\"}}")
                        .status())
                .isEqualTo(400);
        assertThat(member.post("/volumes/" + volume + "/action", "{\"os-extend\":{\"new_size\":2}}")
                        .status())
                .isEqualTo(202);
        JsonNode extended = member.await("/volumes/" + volume, "/volume/status", "available");
        assertThat(extended.at("/volume/size").asInt()).isEqualTo(2);
    }

    @Test
    void revertGoesToTheLatestSnapshotOnlyFrom340() {
        String volume = createVolume(member, "{\"volume\":{\"size\":1}}");
        String older = createSnapshot(member, volume);
        String latest = createSnapshot(member, volume);
        Reply tooOld = member.version("3.39")
                .post("/volumes/" + volume + "/action", "{\"revert\":{\"snapshot_id\":\"" + latest + "\"}}");
        assertThat(tooOld.status()).isEqualTo(404);
        Reply notLatest = member.version("3.40")
                .post("/volumes/" + volume + "/action", "{\"revert\":{\"snapshot_id\":\"" + older + "\"}}");
        assertThat(notLatest.status()).isEqualTo(400);
        assertThat(notLatest.message())
                .isEqualTo("Specified snapshot " + older + " is None or not the latest one of volume " + volume + ".");
        assertThat(member.version("3.40")
                        .post("/volumes/" + volume + "/action", "{\"revert\":{\"snapshot_id\":\"" + latest + "\"}}")
                        .status())
                .isEqualTo(202);
        member.await("/volumes/" + volume, "/volume/status", "available");
        member.await("/snapshots/" + latest, "/snapshot/status", "available");
    }

    @Test
    void revertAfterExtendIsRefusedForTheSizeMismatch() {
        String volume = createVolume(member, "{\"volume\":{\"size\":1}}");
        String snapshot = createSnapshot(member, volume);
        member.post("/volumes/" + volume + "/action", "{\"os-extend\":{\"new_size\":2}}");
        member.await("/volumes/" + volume, "/volume/size", "2");
        member.await("/volumes/" + volume, "/volume/status", "available");
        Reply refused = member.version("3.40")
                .post("/volumes/" + volume + "/action", "{\"revert\":{\"snapshot_id\":\"" + snapshot + "\"}}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.message())
                .isEqualTo("Can't revert volume " + volume + " to its latest snapshot " + snapshot
                        + ". The volume size must be equal to the snapshot size.");
    }

    @Test
    void anAttachedVolumeIsInUseAndNeedsForceToSnapshotBefore366() {
        String volume = createVolume(member, "{\"volume\":{\"size\":1}}");
        assertThat(member.post(
                                "/volumes/" + volume + "/action",
                                "{\"os-attach\":{\"instance_uuid\":\"0b1e0c56-4b8e-4f1a-9a57-2b6f2e1b9c01\",\"mountpoint\":\"/dev/vdb\"}}")
                        .status())
                .isEqualTo(202);
        JsonNode attached = member.get("/volumes/" + volume).json().get("volume");
        assertThat(attached.get("status").asString()).isEqualTo("in-use");
        assertThat(attached.at("/attachments/0/server_id").asString())
                .isEqualTo("0b1e0c56-4b8e-4f1a-9a57-2b6f2e1b9c01");
        assertThat(attached.at("/attachments/0/device").asString()).isEqualTo("/dev/vdb");
        assertThat(attached.at("/metadata/attached_mode").asString()).isEqualTo("rw");
        Reply unforced = member.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\",\"force\":false}}");
        assertThat(unforced.status()).isEqualTo(400);
        assertThat(unforced.message())
                .isEqualTo("Invalid volume: Volume " + volume
                        + " status must be available, but current status is: in-use.");
        assertThat(member.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\",\"force\":true}}")
                        .status())
                .isEqualTo(202);
        assertThat(member.version("3.66")
                        .post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\"}}")
                        .status())
                .isEqualTo(202);
        String attachment = attached.at("/attachments/0/attachment_id").asString();
        assertThat(member.post(
                                "/volumes/" + volume + "/action",
                                "{\"os-detach\":{\"attachment_id\":\"" + attachment + "\"}}")
                        .status())
                .isEqualTo(202);
        assertThat(member.get("/volumes/" + volume).json().at("/volume/status").asString())
                .isEqualTo("available");
    }

    @Test
    void bootableAndReadonlyFlags() {
        String volume = createVolume(member, "{\"volume\":{\"size\":1}}");
        assertThat(member.post("/volumes/" + volume + "/action", "{\"os-set_bootable\":{\"bootable\":\"True\"}}")
                        .status())
                .isEqualTo(200);
        assertThat(member.get("/volumes/" + volume)
                        .json()
                        .at("/volume/bootable")
                        .asString())
                .isEqualTo("true");
        assertThat(member.post("/volumes/" + volume + "/action", "{\"os-update_readonly_flag\":{\"readonly\":true}}")
                        .status())
                .isEqualTo(202);
        assertThat(member.get("/volumes/" + volume)
                        .json()
                        .at("/volume/metadata/readonly")
                        .asString())
                .isEqualTo("True");
        assertThat(member.post("/volumes/" + volume + "/action", "{\"os-set_bootable\":{\"bootable\":\"maybe\"}}")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void reserveAndUnreserve() {
        String volume = createVolume(member, "{\"volume\":{\"size\":1}}");
        assertThat(member.post("/volumes/" + volume + "/action", "{\"os-reserve\":{}}")
                        .status())
                .isEqualTo(202);
        assertThat(member.get("/volumes/" + volume).json().at("/volume/status").asString())
                .isEqualTo("attaching");
        Reply twice = member.post("/volumes/" + volume + "/action", "{\"os-reserve\":{}}");
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.message())
                .isEqualTo("Invalid volume: Volume status must be available to reserve, but the status is attaching.");
        assertThat(member.post("/volumes/" + volume + "/action", "{\"os-unreserve\":{}}")
                        .status())
                .isEqualTo(202);
        assertThat(member.get("/volumes/" + volume).json().at("/volume/status").asString())
                .isEqualTo("available");
    }

    @Test
    void adminResetStatusChecksValuesAndTheRole() {
        String volume = createVolume(member, "{\"volume\":{\"size\":1}}");
        assertThat(member.post("/volumes/" + volume + "/action", "{\"os-reset_status\":{\"status\":\"error\"}}")
                        .status())
                .isEqualTo(403);
        assertThat(admin.post("/volumes/" + volume + "/action", "{\"os-reset_status\":{\"status\":\"Maintenance\"}}")
                        .status())
                .isEqualTo(202);
        assertThat(admin.get("/volumes/" + volume).json().at("/volume/status").asString())
                .isEqualTo("maintenance");
        assertThat(admin.post("/volumes/" + volume + "/action", "{\"os-reset_status\":{\"status\":\"bogus\"}}")
                        .message())
                .startsWith(
                        "Volume status: bogus is invalid, valid statuses are: ('creating', 'available', 'deleting'");
        assertThat(admin.post("/volumes/" + volume + "/action", "{\"os-reset_status\":{}}")
                        .message())
                .isEqualTo("Must specify 'status', 'attach_status' or 'migration_status' for update.");
        assertThat(admin.post("/volumes/" + volume + "/action", "{\"os-reset_status\":{\"status\":\"deleting\"}}")
                        .message())
                .isEqualTo("Cannot reset-state to deleting");
        assertThat(admin.post("/volumes/" + volume + "/action", "{\"os-force_delete\":{}}")
                        .status())
                .isEqualTo(202);
        admin.awaitGone("/volumes/" + volume);
    }

    @Test
    void updateRenamesAndReplacesMetadataReturningTheOldUpdatedAt() {
        String volume = createVolume(member, "{\"volume\":{\"size\":1,\"metadata\":{\"a\":\"1\"}}}");
        String before =
                member.get("/volumes/" + volume).json().at("/volume/updated_at").asString();
        Reply updated =
                member.put("/volumes/" + volume, "{\"volume\":{\"name\":\"renamed\",\"metadata\":{\"b\":\"2\"}}}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().at("/volume/name").asString()).isEqualTo("renamed");
        assertThat(updated.json().at("/volume/updated_at").asString()).isEqualTo(before);
        assertThat(member.get("/volumes/" + volume + "/metadata")
                        .json()
                        .get("metadata")
                        .toString())
                .isEqualTo("{\"b\":\"2\"}");
        assertThat(member.version("3.53")
                        .put("/volumes/" + volume, "{\"volume\":{}}")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void metadataCallsMergeReplaceAndDelete() {
        String volume = createVolume(member, "{\"volume\":{\"size\":1}}");
        assertThat(member.post("/volumes/" + volume + "/metadata", "{\"metadata\":{\"a\":\"1\"}}")
                        .json()
                        .get("metadata")
                        .toString())
                .isEqualTo("{\"a\":\"1\"}");
        // Cinder answers changed keys first, then new ones, then those left as they were.
        assertThat(member.post("/volumes/" + volume + "/metadata", "{\"metadata\":{\"b\":\"2\"}}")
                        .json()
                        .get("metadata")
                        .toString())
                .isEqualTo("{\"b\":\"2\",\"a\":\"1\"}");
        assertThat(member.put("/volumes/" + volume + "/metadata/b", "{\"meta\":{\"b\":\"3\"}}")
                        .json()
                        .toString())
                .isEqualTo("{\"meta\":{\"b\":\"3\"}}");
        assertThat(member.put("/volumes/" + volume + "/metadata/b", "{\"meta\":{\"c\":\"3\"}}")
                        .message())
                .isEqualTo("Request body and URI mismatch");
        assertThat(member.get("/volumes/" + volume + "/metadata/b").json().toString())
                .isEqualTo("{\"meta\":{\"b\":\"3\"}}");
        assertThat(member.delete("/volumes/" + volume + "/metadata/b").status()).isEqualTo(200);
        Reply missing = member.get("/volumes/" + volume + "/metadata/b");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.message()).isEqualTo("Volume " + volume + " has no metadata with key b.");
        assertThat(member.put("/volumes/" + volume + "/metadata", "{\"metadata\":{}}")
                        .json()
                        .get("metadata")
                        .toString())
                .isEqualTo("{}");
    }

    @Test
    void summaryCountsTheProjectFrom312() {
        Client fresh = server.as("carol", OTHER, "member", "reader");
        createVolume(fresh, "{\"volume\":{\"size\":2,\"metadata\":{\"k\":\"v1\"}}}");
        createVolume(fresh, "{\"volume\":{\"size\":3,\"metadata\":{\"k\":\"v2\"}}}");
        assertThat(fresh.get("/volumes/summary").status()).isEqualTo(404);
        JsonNode summary = fresh.version("3.12").get("/volumes/summary").json().get("volume-summary");
        assertThat(summary.toString()).isEqualTo("{\"total_count\":2,\"total_size\":5}");
        JsonNode withMetadata =
                fresh.version("3.36").get("/volumes/summary").json().get("volume-summary");
        assertThat(withMetadata.get("metadata").toString()).isEqualTo("{\"k\":[\"v1\",\"v2\"]}");
    }

    @Test
    void anotherProjectsVolumeIsNotFoundForMembers() {
        String volume = createVolume(member, "{\"volume\":{\"size\":1}}");
        Reply foreign = server.as("mallory", OTHER, "member", "reader")
                .send("GET", "//v3/" + OTHER + "/volumes/" + volume, null, null);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.message()).isEqualTo("Volume " + volume + " could not be found.");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }

    @Test
    void initializeConnectionAnswersWithHowAHostReachesTheData() {
        String id = createVolume(member, "{\"volume\":{\"size\":1}}");
        String connector = "{\"connector\":{\"host\":\"compute-1\",\"ip\":\"192.0.2.10\"}}";
        Reply reply = member.post("/volumes/" + id + "/action", "{\"os-initialize_connection\":" + connector + "}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        JsonNode info = reply.json().path("connection_info");
        JsonNode data = info.path("data");
        assertThat(data.path("volume_id").asString()).isEqualTo(id);
        assertThat(data.path("access_mode").asString()).isEqualTo("rw");
        assertThat(data.path("encrypted").asBoolean()).isFalse();
        assertThat(data.has("qos_specs")).isTrue();
        assertThat(data.path("discard").asBoolean()).isTrue();
        if ("rbd".equals(System.getProperty("cairn.test.backend"))) {
            assertThat(info.path("driver_volume_type").asString()).isEqualTo("rbd");
            assertThat(data.path("name").asString()).isEqualTo("rbd/volume-" + id);
            assertThat(data.path("hosts").size()).isPositive();
            assertThat(data.path("ports").get(0).isString()).isTrue();
            assertThat(data.path("auth_username").asString()).isEqualTo("admin");
        } else {
            assertThat(info.path("driver_volume_type").asString()).isEqualTo("nbd");
            assertThat(data.path("export_name").asString()).isEqualTo(id);
            assertThat(data.path("host").asString()).isEqualTo("127.0.0.1");
            assertThat(data.path("port").asInt()).isPositive();
        }

        admin.post("/volumes/" + id + "/action", "{\"os-update_readonly_flag\":{\"readonly\":true}}");
        JsonNode readOnly = member.post(
                        "/volumes/" + id + "/action", "{\"os-initialize_connection\":" + connector + "}")
                .json();
        assertThat(readOnly.at("/connection_info/data/access_mode").asString()).isEqualTo("ro");

        Reply missing = member.post("/volumes/" + id + "/action", "{\"os-initialize_connection\":{}}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.message()).contains("'connector' is a required property");
        Reply foreign = server.as("eve", OTHER, "member", "reader")
                .post("/volumes/" + id + "/action", "{\"os-initialize_connection\":" + connector + "}");
        assertThat(foreign.status()).isEqualTo(404);
        Reply terminated = member.post("/volumes/" + id + "/action", "{\"os-terminate_connection\":" + connector + "}");
        assertThat(terminated.status()).as(terminated.text()).isEqualTo(202);
    }
}
