package io.cairn.hardening;

import io.cairn.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small client of a {@link ServerProcess}, acting as an admin (noauth) of one project at microversion 3.66. */
final class ApiClient {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Reply(int status, String text) {
        JsonNode json() {
            return JSON.readTree(text);
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String project;

    ApiClient(ServerProcess server, String project) {
        this.baseUrl = server.baseUrl();
        this.project = project;
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    Reply post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    Reply put(String path, String body) throws IOException, InterruptedException {
        return send("PUT", path, body);
    }

    Reply delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path, null);
    }

    /** {@code path} below {@code /v3/<project>}, or from the root when it starts with "//". */
    Reply send(String method, String path, String body) throws IOException, InterruptedException {
        String url = path.startsWith("//") ? baseUrl + path.substring(1) : baseUrl + "/v3/" + project + path;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("X-Auth-Token", "operator:" + project)
                .header("OpenStack-API-Version", "volume 3.66")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }
}
