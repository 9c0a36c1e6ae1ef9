package io.cairn.http.evs;

import static io.cairn.CrashState.doneTasks;
import static io.cairn.CrashState.setStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Reply;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up recovery of snapshot group work: a group left creating or deleting without its task (as a crash leaves
 * it) gets its task again and ends as the work would have, its members with it.
 */
class SnapshotGroupRecoveryTest {
    private static final String PROJECT = "5d6e7f8a9b0c41d2e3f4a5b6c7d8e9f0";

    @TempDir
    Path dir;

    @Test
    void snapshotGroupWorkLeftWithoutItsTaskIsResumedAtStartUp() throws Exception {
        EvsFixture.Credential credential;
        String creating;
        String deleting;
        try (TestServer server = EvsFixture.start(dir, Map.of())) {
            credential = EvsFixture.createAccessKey(dir, PROJECT);
            SignedEvsClient evs = new SignedEvsClient(server, credential, PROJECT);
            creating = group(server, evs);
            deleting = group(server, evs);
        }
        try (Connection db = TestServer.connect(dir)) {
            setStatus(db, "evs_snapshot_groups", "id", creating, "creating");
            setStatus(db, "snapshots", "group_snapshot_id", creating, "creating");
            setStatus(db, "evs_snapshot_groups", "id", deleting, "deleting");
            setStatus(db, "snapshots", "group_snapshot_id", deleting, "deleting");
            db.createStatement().executeUpdate("delete from tasks");
        }
        try (TestServer server = EvsFixture.start(dir, Map.of())) {
            SignedEvsClient evs = new SignedEvsClient(server, credential, PROJECT);
            awaitStatus(evs, creating, 200, "available");
            awaitStatus(evs, deleting, 404, null);
            for (String member : members(evs, creating)) {
                server.as("setup", PROJECT).await("/snapshots/" + member, "/snapshot/status", "available");
            }
            assertThat(members(evs, deleting)).isEmpty();
        }
        try (Connection db = TestServer.connect(dir)) {
            assertThat(doneTasks(db, creating)).containsExactly("CREATE_SNAPSHOT_GROUP");
            assertThat(doneTasks(db, deleting)).containsExactly("DELETE_SNAPSHOT_GROUP");
        }
    }

    private static String group(TestServer server, SignedEvsClient evs) {
        List<String> volumes = List.of(
                EvsFixture.availableVolume(server.as("setup", PROJECT), 1),
                EvsFixture.availableVolume(server.as("setup", PROJECT), 1));
        Reply created = evs.post(
                "/v5/" + PROJECT + "/snapshot-groups",
                "{\"snapshot_group\":{\"volume_ids\":[\"" + String.join("\",\"", volumes) + "\"]}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        assertThat(evs.awaitJob(created.json().get("job_id").asString(), "SUCCESS", "FAIL")
                        .get("status")
                        .asString())
                .isEqualTo("SUCCESS");
        return created.json().get("snapshot_group_id").asString();
    }

    private static void awaitStatus(SignedEvsClient evs, String group, int httpStatus, String status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Reply last = null;
        while (System.nanoTime() < deadline) {
            last = evs.get("/v5/" + PROJECT + "/snapshot-groups/" + group);
            if (last.status() == httpStatus
                    && (status == null
                            || status.equals(
                                    last.json().at("/snapshot_group/status").asString()))) {
                return;
            }
        }
        throw new AssertionError("snapshot group " + group + " never reached " + httpStatus + " " + status + "; last "
                + (last == null ? null : last.text()));
    }

    private static List<String> members(SignedEvsClient evs, String group) {
        List<String> members = new ArrayList<>();
        evs.get("/v5/" + PROJECT + "/snapshots/detail?snapshot_group_id=" + group)
                .json()
                .get("snapshots")
                .forEach(s -> members.add(s.get("id").asString()));
        return members;
    }
}
