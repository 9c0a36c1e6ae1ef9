package io.cairn.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.ServerProcess;
import io.cairn.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two {@code cairn serve} processes on one PostgreSQL, each with its own data directory: 500 create and delete
 * requests spread over both, one node killed half-way (kill -9) and restarted later, since its volumes' data
 * lives with it. Every volume must end in exactly one final state, its work done exactly once, on its node.
 */
class TwoNodesOnOneDatabaseTest {
    private static final String PROJECT = "5e5e5e5e5e5e4e5e8e5e5e5e5e5e5e5e";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int REQUESTS = 500;
    private static final int KILL_AFTER = 250;

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, String> hostOfVolume = new ConcurrentHashMap<>();
    private final Set<String> deleteRequested = ConcurrentHashMap.newKeySet();

    @TempDir
    Path work;

    @Test
    void everyVolumeEndsInOneFinalStateWithItsWorkDoneOnceOnItsNode() throws Exception {
        String url = TestPostgres.newDatabaseUrl();
        Path dir1 = Files.createDirectories(work.resolve("node1"));
        Path dir2 = Files.createDirectories(work.resolve("node2"));
        ServerProcess[] nodes = {start(dir1, "node1", url), start(dir2, "node2", url)};
        boolean node1Alive = true;
        try {
            List<String> created = new ArrayList<>();
            for (int request = 0; request < REQUESTS; request++) {
                if (request == KILL_AFTER) {
                    nodes[0].kill();
                    node1Alive = false;
                }
                int target = node1Alive ? request % 2 : 1;
                String deletable = request % 5 >= 3 ? availableUndeleted(nodes[target], created) : null;
                if (deletable != null) {
                    // Sent to either node: the delete task is pinned to the node holding the data, whoever accepts it.
                    assertThat(send(nodes[target], "DELETE", "/volumes/" + deletable, null)
                                    .statusCode())
                            .isEqualTo(202);
                    deleteRequested.add(deletable);
                } else {
                    HttpResponse<String> response =
                            send(nodes[target], "POST", "/volumes", "{\"volume\":{\"size\":1}}");
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                    String id = JSON.readTree(response.body()).at("/volume/id").asString();
                    created.add(id);
                    hostOfVolume.put(id, "node" + (target + 1) + "@local#default");
                }
            }
            assertThat(deleteRequested).hasSizeGreaterThan(100);
            // Node 1's volumes wait for it: their pending work is pinned there.
            Thread.sleep(500);
            try (Connection db = DriverManager.getConnection(url, TestPostgres.USER, null)) {
                assertThat(openTasksPinnedTo(db, "node1")).isPositive();
            }
            nodes[0] = start(dir1, "node1", url);
            node1Alive = true;

            try (Connection db = DriverManager.getConnection(url, TestPostgres.USER, null)) {
                awaitQuiet(db, Duration.ofSeconds(120));
                assertEveryVolumeFinishedOnce(db, created);
            }
        } finally {
            if (node1Alive) {
                nodes[0].close();
            }
            nodes[1].close();
        }
    }

    private ServerProcess start(Path dataDir, String node, String url) throws IOException, InterruptedException {
        return ServerProcess.start(
                dataDir,
                Map.of(
                        "CAIRN_NODE",
                        node,
                        "CAIRN_DB_URL",
                        url,
                        "CAIRN_DB_USER",
                        TestPostgres.USER,
                        "CAIRN_DB_POOL_SIZE",
                        "8"));
    }

    /** The oldest created volume not yet deleted that is available now, asked of {@code node}; null when none is. */
    private String availableUndeleted(ServerProcess node, List<String> created) throws Exception {
        for (String id : created) {
            if (!deleteRequested.contains(id)
                    && JSON.readTree(send(node, "GET", "/volumes/" + id, null).body())
                            .at("/volume/status")
                            .asString()
                            .equals("available")) {
                return id;
            }
        }
        return null;
    }

    private static int openTasksPinnedTo(Connection db, String node) throws SQLException {
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT count(*) FROM tasks WHERE state IN ('pending', 'running') AND node = '" + node + "'")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static void awaitQuiet(Connection db, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try (Statement statement = db.createStatement();
                    ResultSet rows = statement.executeQuery(
                            "SELECT (SELECT count(*) FROM tasks WHERE state IN ('pending', 'running'))"
                                    + " + (SELECT count(*) FROM volumes WHERE status IN ('creating', 'deleting'))")) {
                rows.next();
                if (rows.getInt(1) == 0) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("work still open after " + timeout);
    }

    private void assertEveryVolumeFinishedOnce(Connection db, List<String> created) throws SQLException {
        Map<String, String> finalState = new HashMap<>();
        Map<String, String> host = new HashMap<>();
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, status, deleted, host FROM volumes")) {
            while (rows.next()) {
                String previous = finalState.put(
                        rows.getString(1), rows.getString(2) + (rows.getBoolean(3) ? "/soft-deleted" : ""));
                assertThat(previous).as("one row per volume").isNull();
                host.put(rows.getString(1), rows.getString(4));
            }
        }
        assertThat(finalState.keySet()).containsExactlyInAnyOrderElementsOf(created);
        for (String id : created) {
            assertThat(finalState.get(id))
                    .as(id)
                    .isEqualTo(deleteRequested.contains(id) ? "deleted/soft-deleted" : "available");
            assertThat(host.get(id))
                    .as("the node that accepted the create holds the data")
                    .isEqualTo(hostOfVolume.get(id));
        }
        // Each piece of work ran to completion once: one finished task per volume and kind, on the volume's node.
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT resource_id, kind, count(*), min(state), max(state), min(node), max(node)"
                                + " FROM tasks GROUP BY resource_id, kind")) {
            int groups = 0;
            while (rows.next()) {
                groups++;
                String id = rows.getString(1);
                assertThat(rows.getInt(3)).as(id + " " + rows.getString(2)).isEqualTo(1);
                assertThat(rows.getString(4)).as(id).isEqualTo("done");
                assertThat(rows.getString(5)).as(id).isEqualTo("done");
                assertThat(rows.getString(6) + "@local#default").isEqualTo(hostOfVolume.get(id));
            }
            assertThat(groups).isEqualTo(created.size() + deleteRequested.size());
        }
        // Quota follows the rows exactly: a delete counted twice (or not at all) would show here.
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SELECT in_use FROM quota_usages WHERE project_id = '" + PROJECT
                        + "' AND resource = 'volumes'")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(created.size() - deleteRequested.size());
        }
    }

    private HttpResponse<String> send(ServerProcess server, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v3/" + PROJECT + path))
                .header("X-Auth-Token", "tester:" + PROJECT)
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
