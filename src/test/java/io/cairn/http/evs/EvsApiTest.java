package io.cairn.http.evs;

import static io.cairn.http.evs.EvsFixture.assertFault;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Reply;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The EVS dialect over plain HTTP (noauth): native cloudsnapshots, v2 differences, EVS statuses and fault codes. */
class EvsApiTest {
    private static final String PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

    @TempDir
    static Path dir;

    static TestServer server;
    static TestServer.Client member;

    @BeforeAll
    static void start() {
        server = EvsFixture.start(dir, Map.of());
        member = server.as("alice", PROJECT, "member");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String native_(String rest) {
        return "//v2/" + PROJECT + "/cloudsnapshots" + rest;
    }

    private static String snapshotOf(String volumeId, String name) {
        Reply created = member.post(
                native_(""), "{\"snapshot\":{\"volume_id\":\"" + volumeId + "\",\"name\":\"" + name + "\"}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        String id = created.json().at("/snapshot/id").asString();
        member.await(native_("/" + id), "/snapshot/status", "available");
        return id;
    }

    @Test
    void createShowUpdateAndDeleteANativeSnapshot() {
        String volume = EvsFixture.availableVolume(member, 1);
        Reply created = member.post(
                native_(""),
                "{\"snapshot\":{\"volume_id\":\"" + volume + "\",\"name\":\"daily\","
                        + "\"description\":\"d\",\"metadata\":{\"__system__enableActive\":\"true\"}}}");

        assertThat(created.status()).isEqualTo(202);
        JsonNode snapshot = created.json().get("snapshot");
        assertThat(snapshot.get("status").asString()).isEqualTo("creating");
        assertThat(snapshot.at("/metadata/__system__enableActive").asString()).isEqualTo("true");
        assertThat(snapshot.get("os-extended-snapshot-attributes:project_id").asString())
                .isEqualTo(PROJECT);
        String id = snapshot.get("id").asString();
        JsonNode shown =
                member.await(native_("/" + id), "/snapshot/status", "available").get("snapshot");
        assertThat(shown.get("size").asInt()).isEqualTo(1);
        assertThat(shown.get("created_at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");

        Reply updated = member.put(native_("/" + id), "{\"snapshot\":{\"name\":\"weekly\",\"description\":\"w\"}}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().at("/snapshot/name").asString()).isEqualTo("weekly");

        assertThat(member.delete(native_("/" + id)).status()).isEqualTo(202);
        member.awaitGone(native_("/" + id));
    }

    @Test
    void detailListFiltersCountsAndPagesByOffset() {
        String volume = EvsFixture.availableVolume(member, 1);
        String first = snapshotOf(volume, "paged-a");
        String second = snapshotOf(volume, "paged-b");
        String third = snapshotOf(volume, "paged-c");

        JsonNode page =
                member.get(native_("/detail?volume_id=" + volume + "&limit=2")).json();
        assertThat(page.get("count").asInt()).isEqualTo(3);
        assertThat(page.get("snapshots"))
                .extracting(s -> s.get("id").asString())
                .containsExactly(third, second);
        assertThat(page.at("/snapshots/0/service_type").asString()).isEqualTo("EVS");
        assertThat(page.at("/snapshots_links/0/rel").asString()).isEqualTo("next");
        assertThat(page.at("/snapshots_links/0/href").asString())
                .endsWith("/v2/" + PROJECT + "/cloudsnapshots/detail?volume_id=" + volume + "&limit=2&offset=2");

        JsonNode rest = member.get(native_("/detail?volume_id=" + volume + "&limit=2&offset=2"))
                .json();
        assertThat(rest.get("snapshots"))
                .extracting(s -> s.get("id").asString())
                .containsExactly(first);
        assertThat(rest.get("snapshots_links")).isEmpty();

        JsonNode byIds =
                member.get(native_("/detail?id=" + first + "&id=" + third)).json();
        assertThat(byIds.get("snapshots"))
                .extracting(s -> s.get("id").asString())
                .containsExactlyInAnyOrder(first, third);
        assertThat(member.get(native_("/detail?name=paged-b&status=available&availability_zone=nova"))
                        .json()
                        .get("count")
                        .asInt())
                .isEqualTo(1);
        assertThat(member.get(native_("/detail?volume_id=" + volume + "&service_type=DSS"))
                        .json()
                        .get("count")
                        .asInt())
                .isZero();
        assertThat(member.get(native_("/detail?volume_id=" + volume + "&enterprise_project_id=all_granted_eps"))
                        .json()
                        .get("count")
                        .asInt())
                .isEqualTo(3);
        assertThat(member.get(native_("/detail?volume_id=" + volume + "&dedicated_storage_id=x"))
                        .json()
                        .get("count")
                        .asInt())
                .isZero();
    }

    @Test
    void faultsCarryEvsCodesAndMessages() {
        assertFault(
                member.get(native_("/6cd26877-3ca3-4f4e-ae2a-38cc3d6183fa")),
                404,
                "EVS.5404",
                "Resource(Volume, Snapshot, Backup .etc) cound not be found.");
        assertFault(
                member.get(native_("/detail?limit=1001")),
                400,
                "EVS.2142",
                "invalid filter limit, can not greater than 1000.");
        assertFault(member.get(native_("/detail?limit=ten")), 400, "EVS.5400", "limit param must be an integer.");
        assertFault(member.get(native_("/detail?limit=0")), 400, "EVS.5400", "limit param must be positive.");
        assertFault(member.get(native_("/detail?status=sleeping")), 400, "EVS.5400", "Must specify a valid status.");
        assertFault(member.post(native_(""), "{\"snapshot\": 1}"), 400, "EVS.5400", "Malformed request body.");
        assertFault(
                member.get("//v2/00000000000000000000000000000000/cloudsnapshots/detail"),
                400,
                "EVS.0001",
                "invalid tenant id!");
        // The same codes on the Cinder v3 paths: the dialect is the server's, not the path's.
        assertFault(
                member.get("/snapshots/6cd26877-3ca3-4f4e-ae2a-38cc3d6183fa"),
                404,
                "EVS.5404",
                "Resource(Volume, Snapshot, Backup .etc) cound not be found.");
    }

    @Test
    void deleteIsRefusedUnlessAvailableOrError() {
        String volume = EvsFixture.availableVolume(member, 1);
        String id = snapshotOf(volume, "busy");
        server.as("admin", PROJECT)
                .post("/snapshots/" + id + "/action", "{\"os-reset_status\":{\"status\":\"backing-up\"}}");

        assertFault(
                member.delete(native_("/" + id)),
                400,
                "EVS.1047",
                "snapshot status must be available or error when delete snapshot!");

        server.as("admin", PROJECT)
                .post("/snapshots/" + id + "/action", "{\"os-reset_status\":{\"status\":\"error_deleting\"}}");
        assertFault(member.delete(native_("/" + id)), 500, "EVS.2019", "snapshot is error_deleting!");
    }

    @Test
    void rollbackRestoresTheSourceVolumeThroughRollbacking() {
        String volume = EvsFixture.availableVolume(member, 1);
        String other = EvsFixture.availableVolume(member, 1);
        String older = snapshotOf(volume, "older");
        snapshotOf(volume, "newer");

        assertFault(
                member.post(native_("/" + older + "/rollback"), "{\"rollback\":{\"volume_id\":\"" + other + "\"}}"),
                400,
                "EVS.5400",
                null);
        Reply rolled = member.post(
                native_("/" + older + "/rollback"),
                "{\"rollback\":{\"volume_id\":\"" + volume + "\",\"name\":\"restored\"}}");

        assertThat(rolled.status()).isEqualTo(202);
        assertThat(rolled.json().at("/rollback/volume_id").asString()).isEqualTo(volume);
        assertThat(member.get(native_("/" + older))
                        .json()
                        .at("/snapshot/status")
                        .asString())
                .isIn("rollbacking", "available");
        member.await(native_("/" + older), "/snapshot/status", "available");
        JsonNode restored = member.await("/volumes/" + volume, "/volume/status", "available");
        assertThat(restored.at("/volume/name").asString()).isEqualTo("restored");
    }

    @Test
    void legacyVendorRollbackWorksUnderV2AndV3() {
        String volume = EvsFixture.availableVolume(member, 1);
        String id = snapshotOf(volume, "legacy");

        Reply v3 = member.post(
                "/os-vendor-snapshots/" + id + "/rollback", "{\"rollback\":{\"volume_id\":\"" + volume + "\"}}");
        assertThat(v3.status()).as(v3.text()).isEqualTo(202);
        member.await(native_("/" + id), "/snapshot/status", "available");
        member.await("/volumes/" + volume, "/volume/status", "available");

        Reply v2 = member.post(
                "//v2/" + PROJECT + "/os-vendor-snapshots/" + id + "/rollback",
                "{\"rollback\":{\"volume_id\":\"" + volume + "\"}}");
        assertThat(v2.status()).isEqualTo(202);
        member.await(native_("/" + id), "/snapshot/status", "available");
    }

    @Test
    void cinderV2PathsFilterByZoneAndDeleteAVolumeWithItsSnapshots() {
        String volume = EvsFixture.availableVolume(member, 1);
        String id = snapshotOf(volume, "v2");

        Reply v2List = member.get("//v2/" + PROJECT + "/snapshots/detail?availability_zone=elsewhere");
        assertThat(v2List.status()).isEqualTo(200);
        assertThat(v2List.header("OpenStack-API-Version")).isNull();
        assertThat(v2List.json().get("snapshots")).isEmpty();
        assertThat(member.get("//v2/" + PROJECT + "/snapshots/" + id)
                        .json()
                        .at("/snapshot/id")
                        .asString())
                .isEqualTo(id);

        assertThat(member.delete("//v2/" + PROJECT + "/volumes/" + volume).status())
                .isEqualTo(202);
        member.awaitGone(native_("/" + id));
        member.awaitGone("/volumes/" + volume);
    }
}
