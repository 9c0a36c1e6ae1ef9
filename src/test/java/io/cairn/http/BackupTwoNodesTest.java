package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestCeph;
import io.cairn.TestPostgres;
import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups' races across two nodes on one PostgreSQL and one object store, each node with its own local engine:
 * requests sent to both nodes at once never pass the quota, a volume is either backed up or deleted (never both),
 * and a backup deleted through both nodes is deleted once.
 */
class BackupTwoNodesTest {
    private static final String PROJECT = "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8";
    private static final int ROUNDS = 4;

    @TempDir
    Path work;

    @Test
    void racesOverTwoNodesKeepEveryRule() throws Exception {
        TestCeph.assumeS3Available();
        String url = TestPostgres.newDatabaseUrl();
        String bucket = "cairn-two-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestServer first = node(url, "node1", bucket);
                TestServer second = node(url, "node2", bucket)) {
            Client one = first.as("alice", PROJECT, "member", "reader");
            Client two = second.as("alice", PROJECT, "member", "reader");
            Client admin = first.as("boss", PROJECT);
            assertThat(admin.put("//v3/" + PROJECT + "/os-quota-sets/" + PROJECT, "{\"quota_set\":{\"backups\":1}}")
                            .status())
                    .isEqualTo(200);

            String left = BackupApiTest.createVolume(one, 1);
            String right = BackupApiTest.createVolume(two, 1);
            List<Reply> quota =
                    race(() -> one.post("/backups", backupOf(left)), () -> two.post("/backups", backupOf(right)));
            assertThat(quota).extracting(Reply::status).containsOnly(202, 413).containsOnlyOnce(202);
            Reply won =
                    quota.stream().filter(r -> r.status() == 202).findFirst().orElseThrow();
            String backup = won.json().at("/backup/id").asString();
            one.await("/backups/" + backup, "/backup/status", "available");
            assertThat(two.get("/backups").json().get("backups").size()).isEqualTo(1);

            List<Reply> deletes = race(() -> one.delete("/backups/" + backup), () -> two.delete("/backups/" + backup));
            assertThat(deletes).extracting(Reply::status).containsOnly(202, 400).containsOnlyOnce(202);
            one.awaitGone("/backups/" + backup);

            assertThat(admin.put("//v3/" + PROJECT + "/os-quota-sets/" + PROJECT, "{\"quota_set\":{\"backups\":-1}}")
                            .status())
                    .isEqualTo(200);
            for (int round = 0; round < ROUNDS; round++) {
                // The volume lives on node1; the delete goes through node2, the backup through node1.
                String volume = BackupApiTest.createVolume(one, 1);
                List<Reply> outcome =
                        race(() -> one.post("/backups", backupOf(volume)), () -> two.delete("/volumes/" + volume));
                Reply backedUp = outcome.get(0);
                Reply deleted = outcome.get(1);
                assertThat(List.of(backedUp.status(), deleted.status()))
                        .as("round %d: %s / %s", round, backedUp.text(), deleted.text())
                        .containsExactlyInAnyOrder(202, 400);
                if (backedUp.status() == 202) {
                    String id = backedUp.json().at("/backup/id").asString();
                    two.await("/backups/" + id, "/backup/status", "available");
                    two.await("/volumes/" + volume, "/volume/status", "available");
                } else {
                    one.awaitGone("/volumes/" + volume);
                    assertThat(one.get("/backups/detail?volume_id=" + volume)
                                    .json()
                                    .get("backups")
                                    .size())
                            .isZero();
                }
            }
        }
    }

    private static String backupOf(String volume) {
        return "{\"backup\":{\"volume_id\":\"" + volume + "\"}}";
    }

    /** Runs both requests at once; their replies in the order given. */
    @SafeVarargs
    private static List<Reply> race(Callable<Reply>... requests) throws Exception {
        List<Future<Reply>> pending = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Callable<Reply> request : requests) {
                pending.add(threads.submit(request));
            }
        }
        List<Reply> replies = new ArrayList<>();
        for (Future<Reply> reply : pending) {
            replies.add(reply.get());
        }
        return replies;
    }

    private TestServer node(String url, String name, String bucket) throws Exception {
        Map<String, String> settings = new HashMap<>(BackupApiTest.settings(bucket));
        settings.putAll(Map.of("db-url", url, "db-user", TestPostgres.USER, "node", name));
        return TestServer.start(Files.createDirectories(work.resolve(name)), settings);
    }
}
