package io.cairn.http;

import static io.cairn.http.QuotaTestSupport.availableVolume;
import static io.cairn.http.QuotaTestSupport.deleteAndWait;
import static io.cairn.http.QuotaTestSupport.setQuota;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Many creators racing for the last units of a quota: exactly the limit is created, and usage matches the rows. */
class QuotaRaceTest {
    private static final int CREATORS = 64;
    private static final int LIMIT = 10;

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

    /** Sends the same request from {@link #CREATORS} threads released at once; returns every reply. */
    private static List<TestServer.Reply> race(Callable<TestServer.Reply> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CREATORS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<TestServer.Reply>> futures = new ArrayList<>();
            for (int i = 0; i < CREATORS; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return request.call();
                }));
            }
            start.countDown();
            List<TestServer.Reply> replies = new ArrayList<>();
            for (Future<TestServer.Reply> future : futures) {
                replies.add(future.get());
            }
            return replies;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long count(List<TestServer.Reply> replies, int status) {
        return replies.stream().filter(r -> r.status() == status).count();
    }

    @Test
    void parallelVolumeCreatorsNeverPassTheVolumesLimit() throws Exception {
        String project = "3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a";
        TestServer.Client client = server.as("admin", project);
        setQuota(server, project, "\"volumes\": " + LIMIT);

        List<TestServer.Reply> replies = race(() -> client.post("/volumes", "{\"volume\":{\"size\":1}}"));

        assertThat(count(replies, 202)).isEqualTo(LIMIT);
        assertThat(count(replies, 413)).isEqualTo(CREATORS - LIMIT);
        replies.stream()
                .filter(r -> r.status() == 413)
                .forEach(
                        r -> assertThat(r.message())
                                .isEqualTo(
                                        "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'."));
        JsonNode volumes = client.get("/volumes").json().get("volumes");
        assertThat(volumes.size()).isEqualTo(LIMIT);
        JsonNode usage = QuotaTestSupport.usage(server, project);
        assertThat(usage.at("/volumes/in_use").asLong()).isEqualTo(LIMIT);
        assertThat(usage.at("/volumes___DEFAULT__/in_use").asLong()).isEqualTo(LIMIT);
        assertThat(usage.at("/gigabytes/in_use").asLong()).isEqualTo(LIMIT);
        assertThat(usage.at("/gigabytes___DEFAULT__/in_use").asLong()).isEqualTo(LIMIT);

        for (JsonNode volume : volumes) {
            QuotaTestSupport.await(
                    client,
                    "/volumes/" + volume.get("id").asString(),
                    r -> r.json().at("/volume/status").asString().equals("available"));
            deleteAndWait(client, "/volumes/" + volume.get("id").asString());
        }
        usage = QuotaTestSupport.usage(server, project);
        assertThat(usage.at("/volumes/in_use").asLong()).isZero();
        assertThat(usage.at("/gigabytes/in_use").asLong()).isZero();
        assertThat(usage.at("/volumes___DEFAULT__/in_use").asLong()).isZero();
    }

    @Test
    void parallelSnapshotCreatorsNeverPassTheSnapshotsLimit() throws Exception {
        String project = "3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b";
        TestServer.Client client = server.as("admin", project);
        String volume = availableVolume(client, 1);
        setQuota(server, project, "\"snapshots\": " + LIMIT);

        List<TestServer.Reply> replies =
                race(() -> client.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\"}}"));

        assertThat(count(replies, 202)).isEqualTo(LIMIT);
        assertThat(count(replies, 413)).isEqualTo(CREATORS - LIMIT);
        replies.stream()
                .filter(r -> r.status() == 413)
                .forEach(r -> assertThat(r.message())
                        .isEqualTo("SnapshotLimitExceeded: Maximum number of snapshots allowed (10) exceeded"));
        JsonNode snapshots = client.get("/snapshots").json().get("snapshots");
        assertThat(snapshots.size()).isEqualTo(LIMIT);
        JsonNode usage = QuotaTestSupport.usage(server, project);
        assertThat(usage.at("/snapshots/in_use").asLong()).isEqualTo(LIMIT);
        assertThat(usage.at("/snapshots___DEFAULT__/in_use").asLong()).isEqualTo(LIMIT);
        assertThat(usage.at("/gigabytes/in_use").asLong()).isEqualTo(1 + LIMIT);

        for (JsonNode snapshot : snapshots) {
            String path = "/snapshots/" + snapshot.get("id").asString();
            QuotaTestSupport.await(
                    client,
                    path,
                    r -> r.json().at("/snapshot/status").asString().equals("available"));
            deleteAndWait(client, path);
        }
        usage = QuotaTestSupport.usage(server, project);
        assertThat(usage.at("/snapshots/in_use").asLong()).isZero();
        assertThat(usage.at("/snapshots___DEFAULT__/in_use").asLong()).isZero();
        assertThat(usage.at("/gigabytes/in_use").asLong()).isEqualTo(1);
    }

    @Test
    void parallelCreatorsNeverPassTheGigabytesLimit() throws Exception {
        String project = "3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c";
        TestServer.Client client = server.as("admin", project);
        setQuota(server, project, "\"volumes\": -1, \"gigabytes\": " + (2 * LIMIT));

        List<TestServer.Reply> replies = race(() -> client.post("/volumes", "{\"volume\":{\"size\":2}}"));

        assertThat(count(replies, 202)).isEqualTo(LIMIT);
        assertThat(count(replies, 413)).isEqualTo(CREATORS - LIMIT);
        assertThat(client.get("/volumes").json().get("volumes").size()).isEqualTo(LIMIT);
        assertThat(QuotaTestSupport.inUse(server, project, "gigabytes")).isEqualTo(2 * LIMIT);
    }
}
