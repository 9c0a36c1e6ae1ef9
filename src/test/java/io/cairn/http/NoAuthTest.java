package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cinder's noauth middleware stands in front of every /v3 path: a request without an X-Auth-Token gets 204 with
 * the token to use and the URL it asked for, the version root included.
 */
class NoAuthTest {
    private static final String PROJECT = "4e5f6a7b8c9d40e1f2a3b4c5d6e7f809";

    @TempDir
    static Path dataDir;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dataDir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Reply tokenless(String path) {
        return new Client(server, PROJECT, null, null).send("GET", "/" + path, null, null);
    }

    private static void assertTokenAnswer(Reply reply, String token, String url) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(204);
        assertThat(reply.header("X-Auth-Token")).isEqualTo(token);
        assertThat(reply.header("X-Server-Management-Url")).isEqualTo(url);
        assertThat(reply.text()).isEmpty();
        assertThat(reply.header("OpenStack-API-Version"))
                .as("answered in front of the versioned API")
                .isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v3/", "/v3"})
    void theVersionRootWithoutATokenGetsAnAdminTokenAndTheVersionedUrl(String path) {
        assertTokenAnswer(tokenless(path), "admin:admin", server.baseUrl() + "/v3");
    }

    @Test
    void anyPathWithoutATokenGetsTheUrlItAskedForWithoutTrailingSlashes() {
        assertTokenAnswer(
                tokenless("/v3/" + PROJECT + "/snapshots/detail?limit=1"),
                "admin:admin",
                server.baseUrl() + "/v3/" + PROJECT + "/snapshots/detail?limit=1");
        assertTokenAnswer(
                tokenless("/v3/" + PROJECT + "/volumes//"),
                "admin:admin",
                server.baseUrl() + "/v3/" + PROJECT + "/volumes");
    }

    @Test
    void theTokenNamesTheUserAndProjectTheClientSent() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v3/"))
                                .header("X-Auth-User", "alice")
                                .header("X-Auth-Project-Id", PROJECT)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertTokenAnswer(
                new Reply(response.statusCode(), response.headers().map(), response.body()),
                "alice:" + PROJECT,
                server.baseUrl() + "/v3");
    }

    @Test
    void withATokenTheVersionRootAnswersAsBefore() {
        Client admin = server.as("alice", PROJECT);
        assertThat(admin.get("//v3/").status()).isEqualTo(200);
        assertThat(admin.get("//v3").status()).isEqualTo(302);
    }
}
