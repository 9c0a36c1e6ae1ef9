package io.cairn.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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
            setStatus(db, "volumes", creating, "creating");
            setStatus(db, "volumes", deleting, "deleting");
            setStatus(db, "volumes", extending, "extending");
            setStatus(db, "volumes", revertingVolume, "reverting");
            setStatus(db, "snapshots", restoringSnapshot, "restoring");
            setStatus(db, "volumes", rollingBackVolume, "reverting");
            setStatus(db, "snapshots", rollbackingSnapshot, "rollbacking");
            setStatus(db, "volumes", lostRevert, "reverting");
            setStatus(db, "snapshots", orphanRestoring, "restoring");
            setStatus(db, "snapshots", snapshotCreating, "creating");
            setStatus(db, "snapshots", snapshotDeleting, "deleting");
            setStatus(db, "snapshots", snapshotUnmanaging, "unmanaging");
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

    private static void setStatus(Connection db, String table, String id, String status) throws SQLException {
        try (PreparedStatement update = db.prepareStatement("update " + table + " set status = ? where id = ?")) {
            update.setString(1, status);
            update.setString(2, id);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static List<String> doneTasks(Connection db, String resource) throws SQLException {
        List<String> kinds = new ArrayList<>();
        try (PreparedStatement query =
                db.prepareStatement("select kind from tasks where resource_id = ? and state = 'done'")) {
            query.setString(1, resource);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    kinds.add(rows.getString(1));
                }
            }
        }
        return kinds;
    }
}
