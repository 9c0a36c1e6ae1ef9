package io.cairn.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * SIGTERM while work is queued and running: the server drains, finishes or releases its tasks and closes the
 * store; no task is left leased to the stopped node, and after a restart every accepted request completes.
 */
class GracefulShutdownTest {
    private static final String PROJECT = "e5e5e5e5e5e540e5e5e5e5e5e5e5e5e5";

    @TempDir
    Path dataDir;

    @Test
    void sigtermMidWorkLosesNothingAndLeavesNoTaskLeased() throws Exception {
        List<String> snapshots = new ArrayList<>();
        List<String> volumes = new ArrayList<>();
        String extended;
        ServerProcess first = ServerProcess.start(dataDir);
        try {
            ApiClient api = new ApiClient(first, PROJECT);
            extended = api.post("/volumes", "{\"volume\":{\"size\":1}}")
                    .json()
                    .at("/volume/id")
                    .asString();
            awaitStatus(api, "/volumes/" + extended, "/volume/status", "available");
            for (int i = 0; i < 20; i++) {
                ApiClient.Reply created = api.post(
                        "/snapshots", "{\"snapshot\":{\"volume_id\":\"" + extended + "\",\"name\":\"s" + i + "\"}}");
                assertThat(created.status()).as(created.text()).isEqualTo(202);
                snapshots.add(created.json().at("/snapshot/id").asString());
            }
            for (int i = 0; i < 5; i++) {
                volumes.add(api.post("/volumes", "{\"volume\":{\"size\":2}}")
                        .json()
                        .at("/volume/id")
                        .asString());
            }
        } finally {
            first.close(); // SIGTERM, and wait for the process to end
        }
        assertThat(first.isAlive()).isFalse();
        try (Stream<Path> logs =
                Files.list(dataDir).filter(p -> p.getFileName().toString().startsWith("server-"))) {
            String log = Files.readString(logs.findFirst().orElseThrow());
            assertThat(log).contains("cairn stopped cleanly");
        }
        try (Connection database = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("cairn.db"));
                Statement statement = database.createStatement();
                ResultSet running = statement.executeQuery("SELECT count(*) FROM tasks WHERE state = 'running'")) {
            running.next();
            assertThat(running.getInt(1))
                    .as("tasks still leased to the stopped node")
                    .isZero();
        }

        try (ServerProcess second = ServerProcess.start(dataDir)) {
            ApiClient api = new ApiClient(second, PROJECT);
            for (String snapshot : snapshots) {
                awaitStatus(api, "/snapshots/" + snapshot, "/snapshot/status", "available");
            }
            for (String volume : volumes) {
                awaitStatus(api, "/volumes/" + volume, "/volume/status", "available");
            }
            assertThat(api.get("/snapshots").json().get("snapshots").size()).isEqualTo(snapshots.size());
            assertThat(api.get("/volumes").json().get("volumes").size()).isEqualTo(volumes.size() + 1);
        }
    }

    private static void awaitStatus(ApiClient api, String path, String pointer, String expected) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = api.get(path).json();
            if (expected.equals(last.at(pointer).asString())) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(path + " never reached " + expected + "; last: " + last);
    }
}
