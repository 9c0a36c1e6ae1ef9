package io.cairn.task;

import static io.cairn.CrashState.doneTasks;
import static io.cairn.CrashState.setStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every status a work runs in, left behind without its task (the task row lost, as after a crash between the
 * status change and the enqueue, or an admin's reset): after a restart the recovery pass resumes the work or
 * fails it to the work's failure status, and gives back snapshots a restore held. Runs on SQLite and, in the
 * suite's PostgreSQL pass, on PostgreSQL.
 */
class RecoveryTableTest {
    private static final String PROJECT = "3c3c3c3c3c3c4c3c8c3c3c3c3c3c3c3c";

    @TempDir
    Path dataDir;

    @Test
    void everyRunningStatusWithoutItsTaskIsResumedOrFailedAtStartUp() throws Exception {
        String creating;
        String deleting;
        String extending;
        String revertingVolume;
        String restoringSnapshot;
        String rollingBackVolume;
        String rollbackingSnapshot;
        String lostRevert;
        String orphanVolume;
        String orphanRestoring;
        String snapshotCreating;
        String snapshotDeleting;
        String snapshotUnmanaging;
        try (TestServer server = TestServer.start(dataDir)) {
            Client api = server.as("admin", PROJECT);
            creating = volume(api);
            deleting = volume(api);
            extending = volume(api);
            revertingVolume = volume(api);
            restoringSnapshot = snapshot(api, revertingVolume);
            rollingBackVolume = volume(api);
            rollbackingSnapshot = snapshot(api, rollingBackVolume);
            lostRevert = volume(api);
            orphanVolume = volume(api);
            orphanRestoring = snapshot(api, orphanVolume);
            String parent = volume(api);
            snapshotCreating = snapshot(api, parent);
            snapshotDeleting = snapshot(api, parent);
            snapshotUnmanaging = snapshot(api, parent);
        }
        try (Connection db = TestServer.connect(dataDir)) {
            setStatus(db, "volumes", "id", creating, "creating");
            setStatus(db, "volumes", "id", deleting, "deleting");
            setStatus(db, "volumes", "id", extending, "extending");
            setStatus(db, "volumes", "id", revertingVolume, "reverting");
            setStatus(db, "snapshots", "id", restoringSnapshot, "restoring");
            setStatus(db, "volumes", "id", rollingBackVolume, "reverting");
            setStatus(db, "snapshots", "id", rollbackingSnapshot, "rollbacking");
            setStatus(db, "volumes", "id", lostRevert, "reverting");
            setStatus(db, "snapshots", "id", orphanRestoring, "restoring");
            setStatus(db, "snapshots", "id", snapshotCreating, "creating");
            setStatus(db, "snapshots", "id", snapshotDeleting, "deleting");
            setStatus(db, "snapshots", "id", snapshotUnmanaging, "unmanaging");
            db.createStatement().executeUpdate("delete from tasks");
        }
        try (TestServer server = TestServer.start(dataDir)) {
            Client api = server.as("admin", PROJECT);
            api.await("/volumes/" + creating, "/volume/status", "available");
            api.awaitGone("/volumes/" + deleting);
            api.await("/volumes/" + extending, "/volume/status", "error_extending");
            api.await("/volumes/" + revertingVolume, "/volume/status", "available");
            api.await("/snapshots/" + restoringSnapshot, "/snapshot/status", "available");
            api.await("/volumes/" + rollingBackVolume, "/volume/status", "available");
            api.await("/snapshots/" + rollbackingSnapshot, "/snapshot/status", "available");
            api.await("/volumes/" + lostRevert, "/volume/status", "error");
            api.await("/snapshots/" + orphanRestoring, "/snapshot/status", "available");
            api.await("/snapshots/" + snapshotCreating, "/snapshot/status", "available");
            api.awaitGone("/snapshots/" + snapshotDeleting);
            api.awaitGone("/snapshots/" + snapshotUnmanaging);
        }
        try (Connection db = TestServer.connect(dataDir)) {
            assertThat(doneTasks(db, revertingVolume)).containsExactly("REVERT_VOLUME");
            assertThat(doneTasks(db, rollingBackVolume))
                    .as("an EVS rollback resumes as one")
                    .containsExactly("ROLLBACK_VOLUME");
        }
    }

    private static String volume(Client api) {
        String id = api.post("/volumes", "{\"volume\":{\"size\":1}}")
                .json()
                .at("/volume/id")
                .asString();
        api.await("/volumes/" + id, "/volume/status", "available");
        return id;
    }

    private static String snapshot(Client api, String volume) {
        String id = api.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\"}}")
                .json()
                .at("/snapshot/id")
                .asString();
        api.await("/snapshots/" + id, "/snapshot/status", "available");
        return id;
    }
}
