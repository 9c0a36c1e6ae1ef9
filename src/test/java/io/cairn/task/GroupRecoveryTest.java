package io.cairn.task;

import static io.cairn.CrashState.doneTasks;
import static io.cairn.CrashState.setStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The start-up recovery of group work: a group snapshot left creating or deleting, and a group left reverting, each
 * without its task (as a crash leaves them), get their task again and end as the work would have; the member
 * snapshots' own tasks, which the recovery pass also gives them, leave them to their group snapshot's. A group cloned
 * from another and left creating gets its one clone task back, and its members no task of their own. Runs on SQLite
 * and, in the suite's PostgreSQL pass, on PostgreSQL.
 */
class GroupRecoveryTest {
    private static final String PROJECT = "4d4d4d4d4d4d4d4d8d4d4d4d4d4d4d4d";

    @TempDir
    Path dataDir;

    @Test
    void groupWorkLeftWithoutItsTaskIsResumedAtStartUp() throws Exception {
        String creatingSnapshot;
        String deletingSnapshot;
        String revertingGroup;
        String restoringSnapshot;
        List<String> revertingVolumes = new ArrayList<>();
        String clonedGroup;
        List<String> clones;
        try (TestServer server = TestServer.start(dataDir)) {
            Client api = server.as("admin", PROJECT).version("3.64");
            String type = api.post("/group_types", "{\"group_type\":{\"name\":\"recovered\"}}")
                    .json()
                    .at("/group_type/id")
                    .asString();
            String snapshotted = group(api, type);
            volume(api, snapshotted);
            creatingSnapshot = groupSnapshot(api, snapshotted);
            deletingSnapshot = groupSnapshot(api, snapshotted);
            revertingGroup = group(api, type);
            revertingVolumes.add(volume(api, revertingGroup));
            revertingVolumes.add(volume(api, revertingGroup));
            restoringSnapshot = groupSnapshot(api, revertingGroup);
            clonedGroup = api.post(
                            "/groups/action", "{\"create-from-src\":{\"source_group_id\":\"" + revertingGroup + "\"}}")
                    .json()
                    .at("/group/id")
                    .asString();
            clones = new ArrayList<>();
            for (JsonNode clone : api.await(
                            "/groups/" + clonedGroup + "?list_volume=true", "/group/status", "available")
                    .at("/group/volumes")
                    .values()) {
                clones.add(clone.asString());
            }
            assertThat(clones).hasSize(2);
        }
        try (Connection db = TestServer.connect(dataDir)) {
            setStatus(db, "group_snapshots", "id", creatingSnapshot, "creating");
            setStatus(db, "snapshots", "group_snapshot_id", creatingSnapshot, "creating");
            setStatus(db, "group_snapshots", "id", deletingSnapshot, "deleting");
            setStatus(db, "snapshots", "group_snapshot_id", deletingSnapshot, "deleting");
            setStatus(db, "volume_groups", "id", revertingGroup, "reverting");
            setStatus(db, "group_snapshots", "id", restoringSnapshot, "restoring");
            setStatus(db, "volumes", "group_id", revertingGroup, "maintenance");
            setStatus(db, "volume_groups", "id", clonedGroup, "creating");
            setStatus(db, "volumes", "group_id", clonedGroup, "creating");
            db.createStatement().executeUpdate("delete from tasks");
        }
        try (TestServer server = TestServer.start(dataDir)) {
            Client api = server.as("admin", PROJECT).version("3.64");
            api.await("/group_snapshots/" + creatingSnapshot, "/group_snapshot/status", "available");
            for (JsonNode member : members(api, creatingSnapshot)) {
                api.await("/snapshots/" + member.get("id").asString(), "/snapshot/status", "available");
            }
            api.awaitGone("/group_snapshots/" + deletingSnapshot);
            api.await("/groups/" + revertingGroup, "/group/status", "available");
            api.await("/group_snapshots/" + restoringSnapshot, "/group_snapshot/status", "available");
            for (String volume : revertingVolumes) {
                api.await("/volumes/" + volume, "/volume/status", "available");
            }
            assertThat(members(api, deletingSnapshot)).isEmpty();
            api.await("/groups/" + clonedGroup, "/group/status", "available");
            for (String clone : clones) {
                api.await("/volumes/" + clone, "/volume/status", "available");
            }
        }
        try (Connection db = TestServer.connect(dataDir)) {
            assertThat(doneTasks(db, creatingSnapshot)).containsExactly("CREATE_GROUP_SNAPSHOT");
            assertThat(doneTasks(db, deletingSnapshot)).containsExactly("DELETE_GROUP_SNAPSHOT");
            assertThat(doneTasks(db, revertingGroup)).containsExactly("REVERT_GROUP");
            assertThat(doneTasks(db, clonedGroup)).containsExactly("CLONE_GROUP");
            for (String clone : clones) {
                assertThat(doneTasks(db, clone))
                        .as("a clone's task is its group's")
                        .isEmpty();
            }
        }
    }

    private static String group(Client api, String type) {
        String id = api.post(
                        "/groups", "{\"group\":{\"group_type\":\"" + type + "\",\"volume_types\":[\"__DEFAULT__\"]}}")
                .json()
                .at("/group/id")
                .asString();
        api.await("/groups/" + id, "/group/status", "available");
        return id;
    }

    private static String volume(Client api, String group) {
        String id = api.post("/volumes", "{\"volume\":{\"size\":1,\"group_id\":\"" + group + "\"}}")
                .json()
                .at("/volume/id")
                .asString();
        api.await("/volumes/" + id, "/volume/status", "available");
        return id;
    }

    private static String groupSnapshot(Client api, String group) {
        String id = api.post("/group_snapshots", "{\"group_snapshot\":{\"group_id\":\"" + group + "\"}}")
                .json()
                .at("/group_snapshot/id")
                .asString();
        api.await("/group_snapshots/" + id, "/group_snapshot/status", "available");
        return id;
    }

    private static List<JsonNode> members(Client api, String groupSnapshot) {
        List<JsonNode> members = new ArrayList<>();
        for (JsonNode snapshot :
                api.get("/snapshots/detail").json().get("snapshots").values()) {
            if (groupSnapshot.equals(snapshot.path("group_snapshot_id").asString(null))) {
                members.add(snapshot);
            }
        }
        return members;
    }
}
