package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionDocumentTest {
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

    @Test
    void rootAnswersMultipleChoicesWithoutAuthentication() {
        TestServer.Reply reply = server.as(null, "x").send("GET", "//", null, null);
        assertThat(reply.status()).isEqualTo(300);
        assertThat(reply.json().at("/versions/0/version").asString()).isEqualTo("3.71");
        assertThat(reply.json().at("/versions/0/min_version").asString()).isEqualTo("3.0");
        assertThat(reply.json().at("/versions/0/links/1/href").asString()).isEqualTo(server.baseUrl() + "/v3/");
        assertThat(reply.header("OpenStack-API-Version")).isEqualTo("volume 3.0");
        assertThat(reply.header("Vary")).isEqualTo("OpenStack-API-Version");
        assertThat(reply.header("x-openstack-request-id")).startsWith("req-");
    }

    @Test
    void healthzAnswersOnceReady() {
        assertThat(server.as(null, "x").send("GET", "//healthz", null, null).status())
                .isEqualTo(200);
    }
}
