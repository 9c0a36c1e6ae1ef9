package io.cairn.http;

import static io.cairn.http.QuotaTestSupport.availableVolume;
import static io.cairn.http.QuotaTestSupport.setQuota;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** GET /limits: no rate limits, the five absolute limits of the project's quotas and, for readers, their usage. */
class LimitsTest {
    private static final List<String> LIMIT_KEYS = List.of(
            "maxTotalVolumes",
            "maxTotalSnapshots",
            "maxTotalVolumeGigabytes",
            "maxTotalBackups",
            "maxTotalBackupGigabytes");
    private static final List<String> USED_KEYS = List.of(
            "totalVolumesUsed",
            "totalGigabytesUsed",
            "totalSnapshotsUsed",
            "totalBackupsUsed",
            "totalBackupGigabytesUsed");

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

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.propertyNames().forEach(keys::add);
        return keys;
    }

    private static JsonNode absolute(TestServer.Client client) {
        TestServer.Reply reply = client.get("/limits");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return reply.json().at("/limits/absolute");
    }

    @Test
    void aNewProjectHasCindersDefaultLimitsAndNoUsage() {
        TestServer.Reply reply =
                server.as("u", "4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a", "reader").get("/limits");
        assertThat(reply.status()).isEqualTo(200);
        JsonNode limits = reply.json().get("limits");
        assertThat(keys(reply.json())).containsExactly("limits");
        assertThat(keys(limits)).containsExactly("rate", "absolute");
        assertThat(limits.get("rate").isArray()).isTrue();
        assertThat(limits.get("rate").size()).isZero();
        List<String> expected = new ArrayList<>(LIMIT_KEYS);
        expected.addAll(USED_KEYS);
        assertThat(keys(limits.get("absolute"))).containsExactlyElementsOf(expected);
        JsonNode absolute = limits.get("absolute");
        assertThat(absolute.get("maxTotalVolumes").asLong()).isEqualTo(10);
        assertThat(absolute.get("maxTotalSnapshots").asLong()).isEqualTo(10);
        assertThat(absolute.get("maxTotalVolumeGigabytes").asLong()).isEqualTo(1000);
        assertThat(absolute.get("maxTotalBackups").asLong()).isEqualTo(10);
        assertThat(absolute.get("maxTotalBackupGigabytes").asLong()).isEqualTo(1000);
        USED_KEYS.forEach(key -> assertThat(absolute.get(key).asLong()).as(key).isZero());
    }

    @Test
    void usageFollowsCreatedVolumesAndLimitsFollowTheQuotaSet() {
        String project = "4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b";
        TestServer.Client client = server.as("admin", project);
        availableVolume(client, 3);
        setQuota(server, project, "\"volumes\": 7, \"gigabytes\": 70");
        JsonNode absolute = absolute(client);
        assertThat(absolute.get("totalVolumesUsed").asLong()).isEqualTo(1);
        assertThat(absolute.get("totalGigabytesUsed").asLong()).isEqualTo(3);
        assertThat(absolute.get("totalSnapshotsUsed").asLong()).isZero();
        assertThat(absolute.get("totalBackupsUsed").asLong()).isZero();
        assertThat(absolute.get("totalBackupGigabytesUsed").asLong()).isZero();
        assertThat(absolute.get("maxTotalVolumes").asLong()).isEqualTo(7);
        assertThat(absolute.get("maxTotalVolumeGigabytes").asLong()).isEqualTo(70);
    }

    @Test
    void callersWhoAreNotProjectReadersSeeOnlyTheLimits() {
        JsonNode absolute = absolute(server.as("u", "4c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4c", "observer"));
        assertThat(keys(absolute)).containsExactlyElementsOf(LIMIT_KEYS);
    }

    @Test
    void adminsNameAnotherProjectFromMicroversion339() {
        String project = "4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d";
        setQuota(server, project, "\"volumes\": 3");
        TestServer.Client admin = server.as("admin", "4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e");
        assertThat(absolute(admin.version("3.39")).get("maxTotalVolumes").asLong())
                .isEqualTo(10);
        assertThat(admin.version("3.39")
                        .get("/limits?project_id=" + project)
                        .json()
                        .at("/limits/absolute/maxTotalVolumes")
                        .asLong())
                .isEqualTo(3);
        assertThat(admin.version("3.39")
                        .get("/limits?tenant_id=" + project)
                        .json()
                        .at("/limits/absolute/maxTotalVolumes")
                        .asLong())
                .isEqualTo(3);
        assertThat(admin.version("3.38")
                        .get("/limits?project_id=" + project)
                        .json()
                        .at("/limits/absolute/maxTotalVolumes")
                        .asLong())
                .isEqualTo(10);
        TestServer.Client member = server.as("u", "4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e", "member");
        assertThat(member.version("3.39")
                        .get("/limits?project_id=" + project)
                        .json()
                        .at("/limits/absolute/maxTotalVolumes")
                        .asLong())
                .isEqualTo(10);
    }
}
