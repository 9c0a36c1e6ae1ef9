package io.cairn.http.evs;

import static io.cairn.http.evs.EvsFixture.assertFault;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
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

/**
 * EVS's v5 standard snapshot API, signed with AK/SK as the Terraform provider's client signs it: the calls the
 * provider makes, over the same snapshots the Cinder and v2 APIs show, and the jobs it polls.
 */
class StandardSnapshotApiTest {
    private static final String PROJECT = "7c1d2e3f4a5b46c7d8e9f0a1b2c3d4e5";
    private static final String OTHER_PROJECT = "8d2e3f4a5b6c47d8e9f0a1b2c3d4e5f6";

    @TempDir
    static Path dir;

    static TestServer server;
    static EvsFixture.Credential credential;
    static SignedEvsClient evs;
    static SignedEvsClient other;

    @BeforeAll
    static void start() throws Exception {
        server = EvsFixture.start(dir, Map.of());
        credential = EvsFixture.createAccessKey(dir, PROJECT);
        evs = new SignedEvsClient(server, credential, PROJECT);
        other = new SignedEvsClient(server, EvsFixture.createAccessKey(dir, OTHER_PROJECT), OTHER_PROJECT);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String v5(String path) {
        return "/v5/" + PROJECT + path;
    }

    /** Creates a v5 snapshot and waits for its job; returns the snapshot's id. */
    private static String snapshot(String volume, String name, String extra) {
        Reply created = evs.post(
                v5("/snapshots"),
                "{\"snapshot\":{\"volume_id\":\"" + volume + "\",\"name\":\"" + name + "\"" + extra + "}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        JsonNode job = evs.awaitJob(created.json().get("job_id").asString(), "SUCCESS", "FAIL");
        assertThat(job.get("status").asString()).isEqualTo("SUCCESS");
        return created.json().get("snapshot_id").asString();
    }

    @Test
    void aStandardSnapshotIsCreatedShownUpdatedRolledBackAndDeletedThroughItsJobs() {
        String volume = EvsFixture.availableVolume(server.as("setup", PROJECT), 1);

        Reply created = evs.post(
                v5("/snapshots"),
                "{\"snapshot\":{\"volume_id\":\"" + volume
                        + "\",\"name\":\"v5-a\",\"description\":\"first\",\"tags\":{\"env\":\"prod\"},"
                        + "\"incremental\":true}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        String id = created.json().get("snapshot_id").asString();
        String jobId = created.json().get("job_id").asString();
        JsonNode job = evs.awaitJob(jobId, "SUCCESS", "FAIL");
        assertThat(job.get("status").asString()).isEqualTo("SUCCESS");
        assertThat(job.get("job_type").asString()).isEqualTo("createSnapshot");
        assertThat(job.at("/entities/snapshot_id").asString()).isEqualTo(id);
        assertThat(job.get("end_time").isNull()).isFalse();

        JsonNode shown = evs.get(v5("/snapshots/" + id)).json().get("snapshot");
        assertThat(shown.get("status").asString()).isEqualTo("available");
        assertThat(shown.get("name").asString()).isEqualTo("v5-a");
        assertThat(shown.get("volume_id").asString()).isEqualTo(volume);
        assertThat(shown.get("size").asInt()).isEqualTo(1);
        assertThat(shown.get("tags")).isEqualTo(evsJson("{\"env\":\"prod\"}"));
        assertThat(shown.get("progress").asString()).isEqualTo("100%");
        assertThat(shown.get("snapshot_group_id").isNull()).isTrue();
        // The same snapshot through the Cinder API and the v2 native API: one store.
        assertThat(server.as("setup", PROJECT)
                        .get("/snapshots/" + id)
                        .json()
                        .at("/snapshot/name")
                        .asString())
                .isEqualTo("v5-a");
        assertThat(evs.get("/v2/" + PROJECT + "/cloudsnapshots/" + id).status()).isEqualTo(200);

        JsonNode updated = evs.put(
                        v5("/snapshots/" + id), "{\"snapshot\":{\"name\":\"v5-renamed\",\"description\":\"\"}}")
                .json()
                .get("snapshot");
        assertThat(updated.get("name").asString()).isEqualTo("v5-renamed");
        assertThat(updated.get("description").asString()).isEmpty();

        assertThat(evs.post(
                                v5("/snapshots/" + id + "/tags/create"),
                                "{\"tags\":[{\"key\":\"team\",\"value\":\"db\"},{\"key\":\"env\",\"value\":\"test\"}]}")
                        .status())
                .isEqualTo(204);
        assertThat(evs.get(v5("/snapshots/" + id)).json().at("/snapshot/tags"))
                .isEqualTo(evsJson("{\"env\":\"test\",\"team\":\"db\"}"));
        // Every key the project's snapshots use, with its values (other tests' keys are there too).
        assertThat(evs.get(v5("/snapshots/tags")).json().get("tags"))
                .contains(
                        evsJson("{\"key\":\"env\",\"value\":[\"test\"]}"),
                        evsJson("{\"key\":\"team\",\"value\":[\"db\"]}"));
        assertThat(evs.post(v5("/snapshots/" + id + "/tags/delete"), "{\"tags\":[{\"key\":\"team\"}]}")
                        .status())
                .isEqualTo(204);
        assertThat(evs.get(v5("/snapshots/" + id)).json().at("/snapshot/tags"))
                .isEqualTo(evsJson("{\"env\":\"test\"}"));

        Reply rollback =
                evs.post(v5("/snapshots/" + id + "/rollback"), "{\"rollback\":{\"volume_id\":\"" + volume + "\"}}");
        assertThat(rollback.status()).as(rollback.text()).isEqualTo(202);
        JsonNode rolledBack = evs.awaitJob(rollback.json().get("job_id").asString(), "SUCCESS", "FAIL");
        assertThat(rolledBack.get("status").asString()).isEqualTo("SUCCESS");
        assertThat(rolledBack.get("job_type").asString()).isEqualTo("rollbackSnapshot");
        assertThat(rolledBack.at("/entities/volume_id").asString()).isEqualTo(volume);
        server.as("setup", PROJECT).await("/volumes/" + volume, "/volume/status", "available");

        Reply deleted = evs.delete(v5("/snapshots/" + id));
        assertThat(deleted.status()).as(deleted.text()).isEqualTo(202);
        JsonNode deletion = evs.awaitJob(deleted.json().get("job_id").asString(), "SUCCESS", "FAIL");
        assertThat(deletion.get("status").asString()).isEqualTo("SUCCESS");
        assertFault(evs.get(v5("/snapshots/" + id)), 404, "EVS.5404", null);
        // The job outlives the snapshot it deleted.
        assertThat(evs.get("/v2/" + PROJECT + "/jobs/"
                                + deleted.json().get("job_id").asString())
                        .json()
                        .at("/entities/snapshot_id")
                        .asString())
                .isEqualTo(id);
    }

    @Test
    void aJobWhoseWorkFailsReportsFailWithAReason() throws Exception {
        String volume = EvsFixture.availableVolume(server.as("setup", PROJECT), 1);
        String hollow = rowOnlyCopy(volume);

        Reply created = evs.post(v5("/snapshots"), "{\"snapshot\":{\"volume_id\":\"" + hollow + "\"}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        JsonNode running = evs.get("/v2/" + PROJECT + "/jobs/"
                        + created.json().get("job_id").asString())
                .json();
        assertThat(running.get("status").asString()).isIn("INIT", "RUNNING");
        assertThat(running.get("end_time").isNull()).isTrue();

        JsonNode failed = evs.awaitJob(created.json().get("job_id").asString(), "SUCCESS", "FAIL");
        assertThat(failed.get("status").asString()).isEqualTo("FAIL");
        assertThat(failed.get("fail_reason").asString()).isEqualTo("The snapshot could not be created.");
        assertThat(failed.get("error_code").asString()).isEqualTo("EVS.5500");
        assertThat(evs.get(v5("/snapshots/" + created.json().get("snapshot_id").asString()))
                        .json()
                        .at("/snapshot/status")
                        .asString())
                .isEqualTo("error");
    }

    /** A second row of the volume under a new id, with no data in the engine: work on it fails in the background. */
    private static String rowOnlyCopy(String volume) throws Exception {
        String copy = java.util.UUID.randomUUID().toString();
        try (java.sql.Connection db = TestServer.connect(dir);
                java.sql.Statement sql = db.createStatement()) {
            sql.execute("CREATE TEMPORARY TABLE volume_copy AS SELECT * FROM volumes WHERE id = '" + volume + "'");
            sql.execute("UPDATE volume_copy SET id = '" + copy + "'");
            sql.execute("INSERT INTO volumes SELECT * FROM volume_copy");
            sql.execute("DROP TABLE volume_copy");
        }
        return copy;
    }

    @Test
    void theListFiltersSortsAndPagesByMarkerOrOffsetWithATotalCount() {
        String volume = EvsFixture.availableVolume(server.as("setup", PROJECT), 1);
        List<String> ids = new ArrayList<>();
        for (String name : List.of("list-c", "list-a", "list-b")) {
            ids.add(snapshot(volume, name, ",\"tags\":{\"set\":\"" + (name.equals("list-b") ? "odd" : "even") + "\"}"));
        }
        String filter = "volume_id=" + volume;

        JsonNode newest =
                evs.get(v5("/snapshots/detail?" + filter + "&limit=2")).json();
        assertThat(newest.get("count").asInt()).isEqualTo(3);
        assertThat(ids(newest)).containsExactly(ids.get(2), ids.get(1));
        JsonNode afterMarker = evs.get(v5("/snapshots/detail?" + filter + "&limit=2&marker=" + ids.get(1)))
                .json();
        assertThat(ids(afterMarker)).containsExactly(ids.get(0));
        JsonNode byOffset =
                evs.get(v5("/snapshots/detail?" + filter + "&offset=1&limit=1")).json();
        assertThat(ids(byOffset)).containsExactly(ids.get(1));
        JsonNode byName = evs.get(v5("/snapshots/detail?" + filter + "&sort_key=name&sort_dir=asc"))
                .json();
        assertThat(ids(byName)).containsExactly(ids.get(1), ids.get(2), ids.get(0));
        assertThat(ids(evs.get(v5("/snapshots/detail?name=list-a")).json())).containsExactly(ids.get(1));
        assertThat(ids(evs.get(v5("/snapshots/detail?" + filter + "&ids=" + ids.get(0) + "," + ids.get(2)))
                        .json()))
                .containsExactly(ids.get(2), ids.get(0));
        assertThat(ids(evs.get(v5("/snapshots/detail?" + filter + "&tags={\"set\":\"even\"}"))
                        .json()))
                .containsExactly(ids.get(1), ids.get(0));
        assertThat(ids(evs.get(v5("/snapshots/detail?" + filter + "&tag_key=set&status=available"))
                        .json()))
                .hasSize(3);
        assertThat(evs.get(v5("/snapshots/detail?" + filter + "&enterprise_project_id=all_granted_eps"))
                        .json()
                        .get("count")
                        .asInt())
                .isEqualTo(3);
        assertThat(evs.get(v5("/snapshots/detail?" + filter + "&snapshot_type=auto"))
                        .json()
                        .get("count")
                        .asInt())
                .isZero();

        assertFault(evs.get(v5("/snapshots/detail?sort_key=volume_id")), 400, "EVS.1039", "invalid sort_key!");
        assertFault(evs.get(v5("/snapshots/detail?sort_dir=up")), 400, "EVS.1040", "invalid sort_dir!");
        assertFault(evs.get(v5("/snapshots/detail?limit=0")), 400, "EVS.5400", "limit param must be positive.");
        assertFault(evs.get(v5("/snapshots/detail?limit=1001")), 400, "EVS.2142", null);
        assertFault(evs.get(v5("/snapshots/detail?marker=" + volume)), 400, "EVS.1024", "invalid filter marker!");
        assertFault(evs.get(v5("/snapshots/detail?tags=notjson")), 400, "EVS.5400", null);
    }

    @Test
    void anotherProjectSeesNoneOfItAndBadInputIsA400() {
        String volume = EvsFixture.availableVolume(server.as("setup", PROJECT), 1);
        String id = snapshot(volume, "mine", ",\"tags\":{\"k\":\"v\"}");
        String job = evs.delete(v5("/snapshots/" + id)).json().get("job_id").asString();

        assertFault(other.get("/v5/" + OTHER_PROJECT + "/snapshots/" + id), 404, "EVS.5404", null);
        assertFault(other.get("/v2/" + OTHER_PROJECT + "/jobs/" + job), 404, "EVS.5404", null);
        assertThat(other.get("/v5/" + OTHER_PROJECT + "/snapshots/tags").json().get("tags"))
                .isEmpty();
        assertFault(other.get(v5("/snapshots/detail")), 400, "EVS.0001", "invalid tenant id!");
        SignedEvsClient wrongSecret =
                new SignedEvsClient(server, new EvsFixture.Credential(credential.access(), "not-the-secret"), PROJECT);
        assertThat(wrongSecret.get(v5("/snapshots/detail")).status()).isEqualTo(401);

        assertFault(
                evs.post(v5("/snapshots"), "{\"snapshot\":{}}"),
                400,
                "EVS.5400",
                "Invalid input received: invalid volume id!");
        assertFault(
                evs.post(v5("/snapshots"), "{\"volume_id\":\"" + volume + "\"}"),
                400,
                "EVS.5400",
                "Malformed request body.");
        assertFault(
                evs.post(
                        v5("/snapshots"),
                        "{\"snapshot\":{\"volume_id\":\"" + volume + "\",\"name\":\"" + "n".repeat(65) + "\"}}"),
                400,
                "EVS.5400",
                "name is longer than 64 characters.");
        assertFault(
                evs.post(v5("/snapshots"), "{\"snapshot\":{\"volume_id\":\"" + volume + "\",\"instant_access\":true}}"),
                400,
                "EVS.5400",
                "instant_access is not supported.");
        assertFault(
                evs.post(v5("/snapshots"), "{\"snapshot\":{\"volume_id\":\"" + volume + "\",\"tags\":{\"k\":1}}}"),
                400,
                "EVS.5400",
                null);
        String kept = snapshot(volume, "kept", "");
        assertFault(evs.post(v5("/snapshots/" + kept + "/tags/create"), "{\"tags\":[]}"), 400, "EVS.5400", null);
        assertFault(
                evs.post(v5("/snapshots/" + kept + "/rollback"), "{\"rollback\":{\"volume_id\":\"" + kept + "\"}}"),
                400,
                "EVS.5400",
                null);
        assertFault(evs.get("/v2/" + PROJECT + "/jobs/00000000-0000-4000-8000-000000000000"), 404, "EVS.5404", null);
    }

    @Test
    void aDiskTakesOneStandardSnapshotAtATime() {
        TestServer.Client admin = server.as("boss", PROJECT);
        String volume = EvsFixture.availableVolume(admin, 1);
        String first = snapshot(volume, "first", "");
        Reply creating =
                admin.post("/snapshots/" + first + "/action", "{\"os-reset_status\":{\"status\":\"creating\"}}");
        assertThat(creating.status()).as(creating.text()).isEqualTo(202);

        String busy = "A snapshot of volume " + volume + " is being created; retry later.";
        assertFault(
                evs.post(v5("/snapshots"), "{\"snapshot\":{\"volume_id\":\"" + volume + "\"}}"), 400, "EVS.2409", busy);
        assertFault(
                evs.post(v5("/snapshot-groups"), "{\"snapshot_group\":{\"volume_ids\":[\"" + volume + "\"]}}"),
                400,
                "EVS.2409",
                busy);

        assertThat(admin.post("/snapshots/" + first + "/action", "{\"os-reset_status\":{\"status\":\"available\"}}")
                        .status())
                .isEqualTo(202);
        assertThat(snapshot(volume, "second", "")).isNotEqualTo(first);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("snapshots").forEach(s -> ids.add(s.get("id").asString()));
        return ids;
    }

    private static JsonNode evsJson(String text) {
        return tools.jackson.databind.json.JsonMapper.builder().build().readTree(text);
    }
}
