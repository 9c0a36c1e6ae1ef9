package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestPostgres;
import io.cairn.TestServer;
import io.cairn.TestServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes on one PostgreSQL, each with its own local engine: an expired ingest is cleaned up by exactly one of
 * their sweeps, and blocks go to the node holding the staging volume.
 */
class SnapshotIngestTwoNodesTest {
    private static final String PROJECT = "2b3c4d5e6f7a48b9c0d1e2f3a4b5c6d7";

    @TempDir
    Path work;

    @Test
    void bothNodesSweepingExpireAnIngestOnceAndBlocksGoToItsNode() throws Exception {
        String url = TestPostgres.newDatabaseUrl();
        try (TestServer first = node(url, "node1");
                TestServer second = node(url, "node2")) {
            IngestClient onFirst = new IngestClient(first.baseUrl(), PROJECT, "alice:" + PROJECT + ":member");
            IngestClient onSecond = new IngestClient(second.baseUrl(), PROJECT, "alice:" + PROJECT + ":member");
            JsonNode ingest = onFirst.startOpen("\"volume_size\":1");
            String id = ingest.get("id").asString();
            byte[] block = IngestClient.randomBlock(new Random(2));

            Reply elsewhere = onSecond.putBlock(id, 0, block);
            assertThat(elsewhere.status()).isEqualTo(409);
            assertThat(elsewhere.message()).contains("node1@local#default");
            assertThat(onFirst.putBlock(id, 0, block).status()).isEqualTo(201);

            try (Connection db = DriverManager.getConnection(url, TestPostgres.USER, null);
                    PreparedStatement backdate =
                            db.prepareStatement("update snapshot_ingests set expires_at = 0 where id = ?")) {
                backdate.setString(1, id);
                backdate.executeUpdate();
            }
            CompletableFuture<Integer> sweptByFirst = CompletableFuture.supplyAsync(first::sweepIngests);
            CompletableFuture<Integer> sweptBySecond = CompletableFuture.supplyAsync(second::sweepIngests);
            assertThat(sweptByFirst.get() + sweptBySecond.get()).isEqualTo(1);

            assertThat(onSecond.get("/snapshot-ingests/" + id)
                            .json()
                            .at("/ingest/status")
                            .asString())
                    .isEqualTo("expired");
            first.as("alice", PROJECT)
                    .awaitGone("/volumes/" + ingest.get("volume_id").asString());
        }
    }

    private TestServer node(String url, String name) throws Exception {
        return TestServer.start(
                Files.createDirectories(work.resolve(name)),
                Map.of("db-url", url, "db-user", TestPostgres.USER, "node", name, "ingest-sweep-interval", "86400"));
    }
}
