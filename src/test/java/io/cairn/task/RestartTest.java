package io.cairn.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A crash loses nothing committed and leaves nothing stuck: kill -9 mid-work, restart, everything finishes. */
class RestartTest {
    private static final String PROJECT = "0a1b2c3d4e5f40718293a4b5c6d7e8f9";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient client = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void snapshotsCreatedBeforeAKillReachAvailableAfterRestart() throws Exception {
        List<String> snapshots = new ArrayList<>();
        String volume;
        try (ServerProcess first = ServerProcess.start(dataDir)) {
            volume = post(first, "/volumes", "{\"volume\":{\"size\":1}}")
                    .at("/volume/id")
                    .asString();
            awaitStatus(first, "/volumes/" + volume, "/volume/status", "available");
            for (int i = 0; i < 30; i++) {
                snapshots.add(post(
                                first,
                                "/snapshots",
                                "{\"snapshot\":{\"volume_id\":\"" + volume + "\",\"name\":\"s" + i + "\"}}")
                        .at("/snapshot/id")
                        .asString());
            }
            first.kill();
        }
        try (ServerProcess second = ServerProcess.start(dataDir)) {
            for (String snapshot : snapshots) {
                awaitStatus(second, "/snapshots/" + snapshot, "/snapshot/status", "available");
            }
            JsonNode list = get(second, "/snapshots/detail");
            assertThat(list.get("snapshots").size()).isEqualTo(snapshots.size());
            list.get("snapshots")
                    .forEach(s -> assertThat(s.get("os-extended-snapshot-attributes:progress")
                                    .asString())
                            .isEqualTo("100%"));
        }
    }

    @Test
    void deletesAcceptedBeforeAKillCompleteAfterRestart() throws Exception {
        List<String> volumes = new ArrayList<>();
        try (ServerProcess first = ServerProcess.start(dataDir)) {
            for (int i = 0; i < 10; i++) {
                volumes.add(post(first, "/volumes", "{\"volume\":{\"size\":1}}")
                        .at("/volume/id")
                        .asString());
            }
            for (String volume : volumes) {
                awaitStatus(first, "/volumes/" + volume, "/volume/status", "available");
            }
            for (String volume : volumes) {
                assertThat(send(first, "DELETE", "/volumes/" + volume, null).statusCode())
                        .isEqualTo(202);
            }
            first.kill();
        }
        try (ServerProcess second = ServerProcess.start(dataDir)) {
            Instant deadline = Instant.now().plusSeconds(30);
            while (get(second, "/volumes").get("volumes").size() > 0
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            assertThat(get(second, "/volumes").get("volumes").size()).isZero();
        }
    }

    private JsonNode post(ServerProcess server, String path, String body) throws Exception {
        HttpResponse<String> response = send(server, "POST", path, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body());
    }

    private JsonNode get(ServerProcess server, String path) throws Exception {
        return JSON.readTree(send(server, "GET", path, null).body());
    }

    private HttpResponse<String> send(ServerProcess server, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v3/" + PROJECT + path))
                .header("X-Auth-Token", "tester:" + PROJECT)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitStatus(ServerProcess server, String path, String pointer, String expected) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        String status = null;
        while (Instant.now().isBefore(deadline)) {
            status = get(server, path).at(pointer).asString();
            if (status.equals(expected)) {
                return;
            }
            Thread.sleep(20);
        }
        assertThat(status).as(path).isEqualTo(expected);
    }
}
