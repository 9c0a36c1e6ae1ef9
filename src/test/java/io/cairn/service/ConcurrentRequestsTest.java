package io.cairn.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestPostgres;
import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Requests that race for one resource, sent at the same instant from many threads, on SQLite and on
 * PostgreSQL with one node and with two (read-committed PostgreSQL lets through what SQLite's single writer
 * hides). Whatever the interleaving, no rule breaks: no live snapshot of a deleted volume, no attached deleted
 * volume, never two restores of one volume at once, no acknowledged metadata write lost, no quota overrun, and
 * no answer of 500 or more.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConcurrentRequestsTest {
    private static final String PROJECT = "7a7a7a7a7a7a4a7a8a7a7a7a7a7a7a7a";
    private static final int ROUNDS = 12;

    /** Where the servers of one test run: their database and how many nodes share it. */
    enum Cluster {
        SQLITE_ONE_NODE,
        POSTGRESQL_ONE_NODE,
        POSTGRESQL_TWO_NODES
    }

    @TempDir
    Path work;

    private final List<TestServer> servers = new ArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private String databaseUrl;

    @AfterEach
    void stop() {
        threads.shutdownNow();
        servers.forEach(TestServer::close);
    }

    @ParameterizedTest
    @EnumSource(Cluster.class)
    void aSnapshotRacingItsVolumesDeleteNeverOutlivesTheVolume(Cluster cluster) throws Exception {
        List<Client> nodes = start(cluster, Map.of());
        for (int round = 0; round < ROUNDS; round++) {
            String volume = availableVolume(nodes.get(0));
            List<Reply> replies = race(
                    3,
                    i -> i == 0
                            ? () -> nodes.get(0).delete("/volumes/" + volume)
                            : () -> nodes.get(i % nodes.size())
                                    .post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\"}}"));
            long accepted = replies.stream().filter(r -> r.status() == 202).count();
            boolean deleteAccepted = replies.get(0).status() == 202;
            assertThat(deleteAccepted ? accepted : 1)
                    .as("a delete shares its acceptance with no snapshot: %s", replies)
                    .isEqualTo(1);
            settle();
            if (deleteAccepted) {
                assertThat(nodes.get(0).get("/volumes/" + volume).status()).isEqualTo(404);
            }
            assertThat(liveSnapshotsOfDeletedVolumes()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Cluster.class)
    void anAttachRacingADeleteLeavesEitherAnAttachedVolumeOrNone(Cluster cluster) throws Exception {
        List<Client> nodes = start(cluster, Map.of());
        for (int round = 0; round < ROUNDS; round++) {
            String volume = availableVolume(nodes.get(0));
            List<Reply> replies = race(
                    2,
                    i -> i == 0
                            ? () -> nodes.get(0).delete("/volumes/" + volume)
                            : () -> nodes.get(nodes.size() - 1)
                                    .post(
                                            "/volumes/" + volume + "/action",
                                            "{\"os-attach\":{\"instance_uuid\":\"" + UUID.randomUUID()
                                                    + "\",\"mountpoint\":\"/dev/vdb\"}}"));
            assertThat(replies.stream().filter(r -> r.status() == 202).count())
                    .as("%s", replies)
                    .isEqualTo(1);
            settle();
            Reply after = nodes.get(0).get("/volumes/" + volume);
            if (replies.get(0).status() == 202) {
                assertThat(after.status()).as(after.text()).isEqualTo(404);
            } else {
                assertThat(after.json().at("/volume/status").asString()).isEqualTo("in-use");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Cluster.class)
    void restoresOfOneVolumeNeverOverlap(Cluster cluster) throws Exception {
        List<Client> nodes = start(cluster, Map.of());
        for (int round = 0; round < ROUNDS; round++) {
            String volume = availableVolume(nodes.get(0));
            String older = availableSnapshot(nodes.get(0), volume);
            String latest = availableSnapshot(nodes.get(0), volume);
            List<Reply> replies = race(3, i -> switch (i) {
                case 0, 1 ->
                    () -> nodes.get(i % nodes.size())
                            .version("3.40")
                            .post(
                                    "/volumes/" + volume + "/action",
                                    "{\"revert\":{\"snapshot_id\":\"" + latest + "\"}}");
                default ->
                    () -> nodes.get(nodes.size() - 1)
                            .post(
                                    "//v2/" + PROJECT + "/cloudsnapshots/" + older + "/rollback",
                                    "{\"rollback\":{\"volume_id\":\"" + volume + "\"}}");
            });
            assertThat(replies.stream().filter(r -> r.status() == 202).count())
                    .as("%s", replies)
                    .isGreaterThanOrEqualTo(1);
            settle();
            assertThat(overlappingTasks(volume, Set.of("REVERT_VOLUME", "ROLLBACK_VOLUME")))
                    .isEmpty();
            assertThat(nodes.get(0)
                            .get("/volumes/" + volume)
                            .json()
                            .at("/volume/status")
                            .asString())
                    .isEqualTo("available");
        }
    }

    @ParameterizedTest
    @EnumSource(Cluster.class)
    void aRevertRacingItsSnapshotsDeleteNeverRestoresFromADeletedSnapshot(Cluster cluster) throws Exception {
        List<Client> nodes = start(cluster, Map.of());
        for (int round = 0; round < ROUNDS; round++) {
            String volume = availableVolume(nodes.get(0));
            String snapshot = availableSnapshot(nodes.get(0), volume);
            List<Reply> replies = race(
                    2,
                    i -> i == 0
                            ? () -> nodes.get(0).delete("/snapshots/" + snapshot)
                            : () -> nodes.get(nodes.size() - 1)
                                    .version("3.40")
                                    .post(
                                            "/volumes/" + volume + "/action",
                                            "{\"revert\":{\"snapshot_id\":\"" + snapshot + "\"}}"));
            assertThat(replies.stream().filter(r -> r.status() == 202).count())
                    .as("%s", replies)
                    .isGreaterThanOrEqualTo(1);
            settle();
            List<String> overlaps = overlappingTasks(volume, snapshot, "REVERT_VOLUME", "DELETE_SNAPSHOT");
            assertThat(overlaps).isEmpty();
            assertThat(nodes.get(0)
                            .get("/volumes/" + volume)
                            .json()
                            .at("/volume/status")
                            .asString())
                    .isEqualTo("available");
        }
    }

    @ParameterizedTest
    @EnumSource(Cluster.class)
    void parallelMetadataWritesLoseNothingAcknowledged(Cluster cluster) throws Exception {
        List<Client> nodes = start(cluster, Map.of());
        String volume = availableVolume(nodes.get(0));
        String snapshot = availableSnapshot(nodes.get(0), volume);
        for (String resource : List.of("/snapshots/" + snapshot, "/volumes/" + volume)) {
            List<Reply> replies = race(
                    30,
                    i -> i < 20
                            ? () -> nodes.get(i % nodes.size())
                                    .put(resource + "/metadata/k" + i, "{\"meta\":{\"k" + i + "\":\"v" + i + "\"}}")
                            : () -> nodes.get(i % nodes.size())
                                    .post(resource + "/metadata", "{\"metadata\":{\"m" + i + "\":\"w" + i + "\"}}"));
            assertThat(replies)
                    .allSatisfy(r -> assertThat(r.status()).as(r.text()).isEqualTo(200));
            JsonNode stored = nodes.get(0).get(resource + "/metadata").json().get("metadata");
            for (int i = 0; i < 30; i++) {
                String key = i < 20 ? "k" + i : "m" + i;
                assertThat(stored.path(key).asString())
                        .as("%s of %s", key, resource)
                        .isEqualTo((i < 20 ? "v" : "w") + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Cluster.class)
    void fiftyParallelCreatorsNeverOverrunTheQuota(Cluster cluster) throws Exception {
        List<Client> nodes =
                start(cluster, Map.of("quota-volumes", "10", "quota-gigabytes", "-1", "quota-snapshots", "-1"));
        List<Reply> replies =
                race(50, i -> () -> nodes.get(i % nodes.size()).post("/volumes", "{\"volume\":{\"size\":1}}"));
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.text()).isIn(202, 413));
        assertThat(replies.stream().filter(r -> r.status() == 202).count()).isEqualTo(10);
        JsonNode usage = nodes.get(0)
                .get("/os-quota-sets/" + PROJECT + "?usage=True")
                .json()
                .at("/quota_set/volumes");
        assertThat(usage.get("in_use").asInt() + usage.get("reserved").asInt()).isEqualTo(10);
    }

    private List<Client> start(Cluster cluster, Map<String, String> quotas) throws Exception {
        Map<String, String> settings =
                new HashMap<>(Map.of("quota-snapshots", "-1", "quota-volumes", "-1", "quota-gigabytes", "-1"));
        settings.putAll(quotas);
        int count = cluster == Cluster.POSTGRESQL_TWO_NODES ? 2 : 1;
        if (cluster != Cluster.SQLITE_ONE_NODE) {
            databaseUrl = TestPostgres.newDatabaseUrl();
            settings.put("db-url", databaseUrl);
            settings.put("db-user", TestPostgres.USER);
        } else {
            // Named outright: the suite's PostgreSQL pass would otherwise move every server to PostgreSQL.
            databaseUrl = "jdbc:sqlite:" + work.resolve("node1").resolve("cairn.db");
            settings.put("db-url", databaseUrl);
        }
        List<Client> clients = new ArrayList<>();
        for (int node = 1; node <= count; node++) {
            Map<String, String> own = new HashMap<>(settings);
            own.put("node", "node" + node);
            TestServer server = TestServer.start(Files.createDirectories(work.resolve("node" + node)), own);
            servers.add(server);
            clients.add(server.as("racer", PROJECT));
        }
        return clients;
    }

    /** Runs {@code count} requests released at one instant; every answer is below 500. */
    private List<Reply> race(int count, IntFunction<Callable<Reply>> request) throws Exception {
        CyclicBarrier start = new CyclicBarrier(count);
        List<Future<Reply>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Callable<Reply> call = request.apply(i);
            futures.add(threads.submit(() -> {
                start.await();
                return call.call();
            }));
        }
        List<Reply> replies = new ArrayList<>();
        for (Future<Reply> future : futures) {
            replies.add(future.get(60, TimeUnit.SECONDS));
        }
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.text()).isLessThan(500));
        return replies;
    }

    private static String availableVolume(Client client) {
        Reply created = client.post("/volumes", "{\"volume\":{\"size\":1}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        String id = created.json().at("/volume/id").asString();
        client.await("/volumes/" + id, "/volume/status", "available");
        return id;
    }

    private static String availableSnapshot(Client client, String volume) {
        Reply created = client.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\"}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        String id = created.json().at("/snapshot/id").asString();
        client.await("/snapshots/" + id, "/snapshot/status", "available");
        return id;
    }

    /** Waits until no task is open: every accepted request has done its work. */
    private void settle() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (count("select count(*) from tasks where state in ('pending', 'running')") == 0) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("tasks still open after 60 s");
    }

    private int liveSnapshotsOfDeletedVolumes() throws SQLException {
        return count("select count(*) from snapshots s join volumes v on v.id = s.volume_id "
                + "where s.deleted_at is null and v.deleted_at is not null");
    }

    /** Done tasks of {@code kinds} on {@code volume} whose lifetimes overlap, as "kind1/kind2" pairs. */
    private List<String> overlappingTasks(String volume, Set<String> kinds) throws SQLException {
        List<long[]> spans = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (Connection db = connect();
                PreparedStatement query = db.prepareStatement(
                        "select kind, created_at, updated_at from tasks where resource_id = ? order by created_at")) {
            query.setString(1, volume);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    if (kinds.contains(rows.getString(1))) {
                        names.add(rows.getString(1));
                        spans.add(new long[] {rows.getLong(2), rows.getLong(3)});
                    }
                }
            }
        }
        List<String> overlaps = new ArrayList<>();
        for (int i = 1; i < spans.size(); i++) {
            if (spans.get(i)[0] < spans.get(i - 1)[1]) {
                overlaps.add(names.get(i - 1) + "/" + names.get(i));
            }
        }
        return overlaps;
    }

    /** Whether a task of {@code first} on {@code firstResource} was open while one of {@code second} on {@code secondResource} was. */
    private List<String> overlappingTasks(String firstResource, String secondResource, String first, String second)
            throws SQLException {
        List<String> overlaps = new ArrayList<>();
        try (Connection db = connect();
                PreparedStatement query = db.prepareStatement(
                        "select a.id from tasks a join tasks b on a.created_at < b.updated_at "
                                + "and b.created_at < a.updated_at where a.resource_id = ? and a.kind = ? and b.resource_id = ? and b.kind = ?")) {
            query.setString(1, firstResource);
            query.setString(2, first);
            query.setString(3, secondResource);
            query.setString(4, second);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    overlaps.add(rows.getString(1));
                }
            }
        }
        return overlaps;
    }

    private int count(String sql) throws SQLException {
        try (Connection db = connect();
                ResultSet rows = db.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private Connection connect() throws SQLException {
        return databaseUrl.startsWith("jdbc:postgresql")
                ? DriverManager.getConnection(databaseUrl, TestPostgres.USER, null)
                : DriverManager.getConnection(databaseUrl);
    }
}
