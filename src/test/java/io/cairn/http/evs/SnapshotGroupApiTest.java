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

/** EVS snapshot groups through a signed client: the calls the Terraform provider makes, and their faults. */
class SnapshotGroupApiTest {
    private static final String PROJECT = "2a3b4c5d6e7f48a9b0c1d2e3f4a5b6c7";
    private static final String OTHER_PROJECT = "3b4c5d6e7f8a49b0c1d2e3f4a5b6c7d8";
    private static final String SERVER = "6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

    @TempDir
    static Path dir;

    static TestServer server;
    static SignedEvsClient evs;
    static SignedEvsClient other;

    @BeforeAll
    static void start() throws Exception {
        server = EvsFixture.start(dir, Map.of("quota-snapshots", "10"));
        evs = new SignedEvsClient(server, EvsFixture.createAccessKey(dir, PROJECT), PROJECT);
        other = new SignedEvsClient(server, EvsFixture.createAccessKey(dir, OTHER_PROJECT), OTHER_PROJECT);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String v5(String path) {
        return "/v5/" + PROJECT + path;
    }

    private static List<String> volumes(int count) {
        List<String> volumes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            volumes.add(EvsFixture.availableVolume(server.as("setup", PROJECT), 1));
        }
        return volumes;
    }

    /** The project's snapshots counted against its quota. */
    private static int snapshotsInUse() {
        return server.as("setup", PROJECT)
                .get("/os-quota-sets/" + PROJECT + "?usage=true")
                .json()
                .at("/quota_set/snapshots/in_use")
                .asInt();
    }

    private static String json(List<String> ids) {
        return "[\"" + String.join("\",\"", ids) + "\"]";
    }

    @Test
    void aSnapshotGroupOfThreeDisksIsCreatedListedUpdatedTaggedAndDeletedWithItsMembers() {
        List<String> volumes = volumes(3);
        int inUseBefore = snapshotsInUse();
        Reply created = evs.post(
                v5("/snapshot-groups"),
                "{\"snapshot_group\":{\"volume_ids\":" + json(volumes)
                        + ",\"name\":\"db\",\"description\":\"three disks\",\"tags\":{\"app\":\"pg\"},"
                        + "\"incremental\":false}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        String group = created.json().get("snapshot_group_id").asString();
        JsonNode job = evs.awaitJob(created.json().get("job_id").asString(), "SUCCESS", "FAIL");
        assertThat(job.get("status").asString()).isEqualTo("SUCCESS");
        assertThat(job.get("job_type").asString()).isEqualTo("createSnapshotGroup");
        assertThat(job.at("/entities/snapshot_group_id").asString()).isEqualTo(group);

        JsonNode shown = evs.get(v5("/snapshot-groups/" + group)).json().get("snapshot_group");
        assertThat(shown.get("status").asString()).isEqualTo("available");
        assertThat(shown.get("name").asString()).isEqualTo("db");
        assertThat(shown.get("description").asString()).isEqualTo("three disks");
        assertThat(shown.at("/tags/app").asString()).isEqualTo("pg");
        assertThat(shown.get("enterprise_project_id").asString()).isEqualTo("0");

        // The members are ordinary snapshots, one per disk, available, naming their group.
        JsonNode members =
                evs.get(v5("/snapshots/detail?snapshot_group_id=" + group)).json();
        assertThat(members.get("count").asInt()).isEqualTo(3);
        List<String> memberVolumes = new ArrayList<>();
        for (JsonNode member : members.get("snapshots")) {
            assertThat(member.get("status").asString()).isEqualTo("available");
            assertThat(member.get("snapshot_group_id").asString()).isEqualTo(group);
            memberVolumes.add(member.get("volume_id").asString());
        }
        assertThat(memberVolumes).containsExactlyInAnyOrderElementsOf(volumes);
        String member = members.at("/snapshots/0/id").asString();
        // A member goes with its group, not alone.
        assertFault(evs.delete(v5("/snapshots/" + member)), 400, "EVS.1047", null);
        assertThat(snapshotsInUse()).isEqualTo(inUseBefore + 3);

        JsonNode listed =
                evs.get(v5("/snapshot-groups/detail?name=db&status=available")).json();
        assertThat(listed.get("count").asInt()).isEqualTo(1);
        assertThat(listed.at("/snapshot_groups/0/id").asString()).isEqualTo(group);
        assertThat(evs.get(v5("/snapshot-groups/detail?tags={\"app\":\"pg\"}"))
                        .json()
                        .at("/snapshot_groups/0/id")
                        .asString())
                .isEqualTo(group);
        assertThat(evs.get(v5("/snapshot-groups/detail?tag_key=other"))
                        .json()
                        .get("count")
                        .asInt())
                .isZero();

        JsonNode updated = evs.put(
                        v5("/snapshot-groups/" + group),
                        "{\"snapshot_group\":{\"name\":\"db-2\",\"description\":\"\"}}")
                .json()
                .get("snapshot_group");
        assertThat(updated.get("name").asString()).isEqualTo("db-2");
        assertThat(updated.get("description").asString()).isEmpty();

        assertThat(evs.post(
                                v5("/snapshot-groups/" + group + "/tags/create"),
                                "{\"tags\":[{\"key\":\"tier\",\"value\":\"gold\"}]}")
                        .status())
                .isEqualTo(204);
        assertThat(evs.post(v5("/snapshot-groups/" + group + "/tags/delete"), "{\"tags\":[{\"key\":\"app\"}]}")
                        .status())
                .isEqualTo(204);
        assertThat(evs.get(v5("/snapshot-groups/tags")).json())
                .isEqualTo(tools.jackson.databind.json.JsonMapper.builder()
                        .build()
                        .readTree("{\"tags\":[{\"key\":\"tier\",\"value\":[\"gold\"]}]}"));

        Reply deleted = evs.delete(v5("/snapshot-groups/" + group));
        assertThat(deleted.status()).as(deleted.text()).isEqualTo(202);
        JsonNode deletion = evs.awaitJob(deleted.json().get("job_id").asString(), "SUCCESS", "FAIL");
        assertThat(deletion.get("status").asString()).isEqualTo("SUCCESS");
        assertFault(evs.get(v5("/snapshot-groups/" + group)), 404, "EVS.5404", null);
        assertThat(evs.get(v5("/snapshots/detail?snapshot_group_id=" + group))
                        .json()
                        .get("count")
                        .asInt())
                .isZero();
        assertThat(snapshotsInUse()).isEqualTo(inUseBefore);
        assertThat(evs.get(v5("/snapshot-groups/tags")).json().get("tags")).isEmpty();
    }

    @Test
    void aServersAttachedDisksMakeTheGroupWhenNoneAreNamed() {
        List<String> volumes = volumes(2);
        for (String volume : volumes) {
            Reply attached = server.as("setup", PROJECT)
                    .post(
                            "/volumes/" + volume + "/action",
                            "{\"os-attach\":{\"instance_uuid\":\"" + SERVER + "\",\"mountpoint\":\"/dev/vdb\"}}");
            assertThat(attached.status()).as(attached.text()).isEqualTo(202);
            server.as("setup", PROJECT).await("/volumes/" + volume, "/volume/status", "in-use");
        }
        Reply created = evs.post(v5("/snapshot-groups"), "{\"snapshot_group\":{\"server_id\":\"" + SERVER + "\"}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        String group = created.json().get("snapshot_group_id").asString();
        assertThat(evs.awaitJob(created.json().get("job_id").asString(), "SUCCESS", "FAIL")
                        .get("status")
                        .asString())
                .isEqualTo("SUCCESS");
        assertThat(evs.get(v5("/snapshot-groups/" + group))
                        .json()
                        .at("/snapshot_group/server_id")
                        .asString())
                .isEqualTo(SERVER);
        assertThat(evs.get(v5("/snapshot-groups/detail?server_id=" + SERVER))
                        .json()
                        .get("count")
                        .asInt())
                .isEqualTo(1);
        List<String> members = new ArrayList<>();
        evs.get(v5("/snapshots/detail?snapshot_group_id=" + group))
                .json()
                .get("snapshots")
                .forEach(s -> members.add(s.get("volume_id").asString()));
        assertThat(members).containsExactlyInAnyOrderElementsOf(volumes);

        String detached = volumes(1).getFirst();
        assertFault(
                evs.post(
                        v5("/snapshot-groups"),
                        "{\"snapshot_group\":{\"server_id\":\"" + SERVER + "\",\"volume_ids\":[\"" + detached
                                + "\"]}}"),
                400,
                "EVS.5400",
                "Volume " + detached + " is not attached to server " + SERVER + ".");

        // A list sorted by size puts the one-disk group before the two-disk one.
        String small = evs.post(v5("/snapshot-groups"), "{\"snapshot_group\":{\"volume_ids\":[\"" + detached + "\"]}}")
                .json()
                .get("snapshot_group_id")
                .asString();
        List<String> bySize = new ArrayList<>();
        evs.get(v5("/snapshot-groups/detail?sort_key=size&sort_dir=asc"))
                .json()
                .get("snapshot_groups")
                .forEach(g -> bySize.add(g.get("id").asString()));
        assertThat(bySize).contains(small, group);
        assertThat(bySize.indexOf(small)).isLessThan(bySize.indexOf(group));
    }

    @Test
    void anotherProjectSeesNoneOfItAndBadRequestsAre4xx() {
        List<String> volumes = volumes(2);
        Reply created = evs.post(v5("/snapshot-groups"), "{\"snapshot_group\":{\"volume_ids\":" + json(volumes) + "}}");
        String group = created.json().get("snapshot_group_id").asString();
        String job = created.json().get("job_id").asString();
        evs.awaitJob(job, "SUCCESS", "FAIL");

        assertFault(other.get("/v5/" + OTHER_PROJECT + "/snapshot-groups/" + group), 404, "EVS.5404", null);
        assertFault(other.delete("/v5/" + OTHER_PROJECT + "/snapshot-groups/" + group), 404, "EVS.5404", null);
        assertFault(other.get("/v2/" + OTHER_PROJECT + "/jobs/" + job), 404, "EVS.5404", null);
        assertThat(other.get("/v5/" + OTHER_PROJECT + "/snapshot-groups/detail")
                        .json()
                        .get("count")
                        .asInt())
                .isZero();
        // Another project's disk is not found, not snapshotted.
        assertFault(
                other.post(
                        "/v5/" + OTHER_PROJECT + "/snapshot-groups",
                        "{\"snapshot_group\":{\"volume_ids\":" + json(volumes) + "}}"),
                404,
                "EVS.5404",
                null);

        assertFault(evs.post(v5("/snapshot-groups"), "{\"snapshot_group\":{}}"), 400, "EVS.5400", null);
        assertFault(
                evs.post(v5("/snapshot-groups"), "{\"snapshot_group\":{\"volume_ids\":\"x\"}}"), 400, "EVS.5400", null);
        assertFault(evs.post(v5("/snapshot-groups"), "[]"), 400, "EVS.5400", "Malformed request body.");
        assertFault(
                evs.post(
                        v5("/snapshot-groups"),
                        "{\"snapshot_group\":{\"volume_ids\":" + json(volumes) + ",\"name\":\"" + "n".repeat(256)
                                + "\"}}"),
                400,
                "EVS.5400",
                "name is longer than 255 bytes.");
        assertFault(evs.get(v5("/snapshot-groups/detail?sort_key=name")), 400, "EVS.1039", "invalid sort_key!");
        assertFault(evs.get(v5("/snapshot-groups/detail?status=rotten")), 400, "EVS.5400", null);
        assertFault(evs.put(v5("/snapshot-groups/" + group), "{\"snapshot_group\":{}}"), 400, "EVS.5400", null);
        // A group beyond the snapshot quota is refused whole: nothing of it is recorded.
        List<String> many = volumes(9);
        int groups = evs.get(v5("/snapshot-groups/detail")).json().get("count").asInt();
        assertFault(
                evs.post(v5("/snapshot-groups"), "{\"snapshot_group\":{\"volume_ids\":" + json(many) + "}}"),
                413,
                "EVS.5413",
                null);
        assertThat(evs.get(v5("/snapshot-groups/detail")).json().get("count").asInt())
                .isEqualTo(groups);
    }
}
