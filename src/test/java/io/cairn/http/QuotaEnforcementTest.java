package io.cairn.http;

import static io.cairn.http.QuotaTestSupport.availableSnapshot;
import static io.cairn.http.QuotaTestSupport.availableVolume;
import static io.cairn.http.QuotaTestSupport.deleteAndWait;
import static io.cairn.http.QuotaTestSupport.inUse;
import static io.cairn.http.QuotaTestSupport.setQuota;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Usage is counted when volumes and snapshots are created, given back when they are deleted, and limits hold. */
class QuotaEnforcementTest {
    @TempDir
    static Path dataDir;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dataDir, Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static TestServer.Reply createVolume(String project, int size) {
        return server.as("admin", project).post("/volumes", "{\"volume\":{\"size\":" + size + "}}");
    }

    private static void assertOverLimit(TestServer.Reply reply, String message) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(413);
        assertThat(reply.header("Retry-After")).isEqualTo("0");
        JsonNode fault = reply.json().get("overLimit");
        assertThat(fault.get("code").asInt()).isEqualTo(413);
        assertThat(fault.get("message").asString()).isEqualTo(message);
        assertThat(fault.get("retryAfter").asString()).isEqualTo("0");
    }

    @Test
    void volumesLimitLoweredToCurrentUsageRefusesTheNextVolume() {
        String project = "1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a";
        availableVolume(server.as("admin", project), 1);
        setQuota(server, project, "\"volumes\": 1");
        TestServer.Reply reply = createVolume(project, 1);
        assertOverLimit(
                reply, "VolumeLimitExceeded: Maximum number of volumes allowed (1) exceeded for quota 'volumes'.");
        assertThat(reply.message()).contains("exceed");
        assertThat(inUse(server, project, "volumes")).isEqualTo(1);
    }

    @Test
    void gigabytesLimitRefusesAVolumeThatWouldPassIt() {
        String project = "1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b";
        availableVolume(server.as("admin", project), 1);
        setQuota(server, project, "\"gigabytes\": 2, \"volumes\": -1");
        assertOverLimit(
                createVolume(project, 2),
                "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
                        + "gigabytes quota. Requested 2G, quota is 2G and 1G has been consumed.");
        assertThat(inUse(server, project, "gigabytes")).isEqualTo(1);
        assertThat(inUse(server, project, "volumes")).isEqualTo(1);
        assertThat(createVolume(project, 1).status()).isEqualTo(202);
    }

    @Test
    void snapshotsCountAgainstSnapshotsAndGigabytes() {
        String project = "1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c";
        TestServer.Client client = server.as("admin", project);
        String volume = availableVolume(client, 2);
        setQuota(server, project, "\"snapshots\": 1");
        availableSnapshot(client, volume);
        assertOverLimit(
                client.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\"}}"),
                "SnapshotLimitExceeded: Maximum number of snapshots allowed (1) exceeded");
        JsonNode usage = QuotaTestSupport.usage(server, project);
        assertThat(usage.at("/snapshots/in_use").asLong()).isEqualTo(1);
        assertThat(usage.at("/snapshots___DEFAULT__/in_use").asLong()).isEqualTo(1);
        assertThat(usage.at("/gigabytes/in_use").asLong()).isEqualTo(4);
        assertThat(usage.at("/gigabytes___DEFAULT__/in_use").asLong()).isEqualTo(4);
        assertThat(usage.at("/volumes___DEFAULT__/in_use").asLong()).isEqualTo(1);
    }

    @Test
    void snapshotOverTheGigabytesLimitNamesIt() {
        String project = "1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d";
        TestServer.Client client = server.as("admin", project);
        String volume = availableVolume(client, 3);
        setQuota(server, project, "\"gigabytes\": 5");
        assertOverLimit(
                client.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\"}}"),
                "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. "
                        + "Requested 3G, quota is 5G and 3G has been consumed.");
    }

    @Test
    void perTypeLimitsAreEnforcedUnderTheirOwnName() {
        String project = "1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e";
        availableVolume(server.as("admin", project), 1);
        setQuota(server, project, "\"volumes___DEFAULT__\": 1");
        assertOverLimit(
                createVolume(project, 1),
                "VolumeLimitExceeded: Maximum number of volumes allowed (1) exceeded for quota 'volumes___DEFAULT__'.");
        setQuota(server, project, "\"volumes___DEFAULT__\": -1, \"gigabytes___DEFAULT__\": 1");
        assertOverLimit(
                createVolume(project, 1),
                "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
                        + "gigabytes___DEFAULT__ quota. Requested 1G, quota is 1G and 1G has been consumed.");
    }

    @Test
    void theFirstResourceOverItsLimitInNameOrderIsReported() {
        String project = "1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f";
        setQuota(server, project, "\"volumes\": 0, \"gigabytes___DEFAULT__\": 0");
        assertOverLimit(
                createVolume(project, 1),
                "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
                        + "gigabytes___DEFAULT__ quota. Requested 1G, quota is 0G and 0G has been consumed.");
        setQuota(server, project, "\"gigabytes\": 0");
        assertOverLimit(
                createVolume(project, 1),
                "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
                        + "gigabytes quota. Requested 1G, quota is 0G and 0G has been consumed.");
        setQuota(server, project, "\"gigabytes\": -1, \"gigabytes___DEFAULT__\": -1, \"volumes___DEFAULT__\": 0");
        assertOverLimit(
                createVolume(project, 1),
                "VolumeLimitExceeded: Maximum number of volumes allowed (0) exceeded for quota 'volumes'.");
        assertThat(QuotaTestSupport.usage(server, project)
                        .at("/volumes___DEFAULT__/in_use")
                        .asLong())
                .isZero();
    }

    @Test
    void perVolumeGigabytesIsCheckedBeforeTheReservation() {
        String project = "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a";
        setQuota(server, project, "\"per_volume_gigabytes\": 1, \"gigabytes\": 0, \"volumes\": 0");
        TestServer.Reply reply = createVolume(project, 2);
        assertOverLimit(
                reply, "VolumeSizeExceedsLimit: Requested volume size 2G is larger than maximum allowed limit 1G.");
        assertThat(reply.json().at("/overLimit/message").asString()).doesNotContain("exceed");
        assertOverLimit(
                createVolume(project, 1),
                "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
                        + "gigabytes quota. Requested 1G, quota is 0G and 0G has been consumed.");
        setQuota(server, project, "\"gigabytes\": -1, \"volumes\": -1");
        assertThat(createVolume(project, 1).status()).isEqualTo(202);
    }

    @Test
    void deletingGivesTheUsageBack() {
        String project = "2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b";
        TestServer.Client client = server.as("admin", project);
        String volume = availableVolume(client, 2);
        String snapshot = availableSnapshot(client, volume);
        deleteAndWait(client, "/snapshots/" + snapshot);
        JsonNode usage = QuotaTestSupport.usage(server, project);
        assertThat(usage.at("/snapshots/in_use").asLong()).isZero();
        assertThat(usage.at("/snapshots___DEFAULT__/in_use").asLong()).isZero();
        assertThat(usage.at("/gigabytes/in_use").asLong()).isEqualTo(2);
        assertThat(usage.at("/gigabytes___DEFAULT__/in_use").asLong()).isEqualTo(2);
        deleteAndWait(client, "/volumes/" + volume);
        usage = QuotaTestSupport.usage(server, project);
        for (String resource : new String[] {
            "volumes", "gigabytes", "snapshots", "volumes___DEFAULT__", "gigabytes___DEFAULT__", "snapshots___DEFAULT__"
        }) {
            assertThat(usage.get(resource).get("in_use").asLong()).as(resource).isZero();
        }
    }
}
