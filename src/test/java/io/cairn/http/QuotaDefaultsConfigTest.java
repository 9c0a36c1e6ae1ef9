package io.cairn.http;

import static io.cairn.http.QuotaTestSupport.availableSnapshot;
import static io.cairn.http.QuotaTestSupport.availableVolume;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Default limits come from the quota-<resource> configuration keys and bind every project without its own limits. */
class QuotaDefaultsConfigTest {
    private static final String PROJECT = "2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c";

    @TempDir
    static Path dataDir;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                dataDir, Map.of("quota-snapshots", "1", "quota-per-volume-gigabytes", "4", "quota-groups", "3"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void configuredDefaultsAreShownAndEnforced() {
        TestServer.Client client = server.as("admin", PROJECT);
        JsonNode defaults =
                client.get("/os-quota-sets/" + PROJECT + "/defaults").json().get("quota_set");
        assertThat(defaults.get("snapshots").asLong()).isEqualTo(1);
        assertThat(defaults.get("per_volume_gigabytes").asLong()).isEqualTo(4);
        assertThat(defaults.get("groups").asLong()).isEqualTo(3);
        assertThat(defaults.get("volumes").asLong()).isEqualTo(10);
        assertThat(client.get("/os-quota-sets/" + PROJECT)
                        .json()
                        .at("/quota_set/snapshots")
                        .asLong())
                .isEqualTo(1);

        TestServer.Reply tooLarge = client.post("/volumes", "{\"volume\":{\"size\":5}}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.message())
                .isEqualTo("VolumeSizeExceedsLimit: Requested volume size 5G is larger than maximum allowed limit 4G.");
        String volume = availableVolume(client, 4);
        availableSnapshot(client, volume);
        TestServer.Reply second = client.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\"}}");
        assertThat(second.status()).isEqualTo(413);
        assertThat(second.message())
                .isEqualTo("SnapshotLimitExceeded: Maximum number of snapshots allowed (1) exceeded");
    }
}
