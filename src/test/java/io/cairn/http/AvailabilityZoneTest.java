package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /os-availability-zone: the one zone volumes are created in, available, for any caller. */
class AvailabilityZoneTest {
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
    void listsTheNovaZoneAsAvailable() {
        TestServer.Reply reply =
                server.as("u", "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a", "reader").get("/os-availability-zone");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text())
                .isEqualTo("{\"availabilityZoneInfo\":[{\"zoneName\":\"nova\",\"zoneState\":{\"available\":true}}]}");
    }

    @Test
    void theListedZoneIsTheOneVolumesAreCreatedIn() {
        TestServer.Client client = server.as("admin", "5b5b5a5a5a5a5a5a5a5a5a5a5a5a5a5a");
        String zone = client.get("/os-availability-zone")
                .json()
                .at("/availabilityZoneInfo/0/zoneName")
                .asString();
        TestServer.Reply created =
                client.post("/volumes", "{\"volume\":{\"size\":1,\"availability_zone\":\"" + zone + "\"}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        assertThat(created.json().at("/volume/availability_zone").asString()).isEqualTo(zone);
    }
}
