package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.ServerProcess;
import io.cairn.TestServer.Reply;
import io.cairn.engine.nbd.Tools;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * An ingest whose server is killed (SIGKILL) while blocks are being put resumes after a restart: every block the
 * server acknowledged is still received, the block a put was interrupted in is put again, and the completed snapshot
 * reads back byte-identical.
 */
class SnapshotIngestKillTest {
    private static final String PROJECT = "7a6b5c4d3e2f41a0b9c8d7e6f5a4b3c2";

    @TempDir
    Path dataDir;

    @TempDir
    Path scratch;

    @Test
    void anIngestInterruptedByAKillResumesAndCompletesByteIdentical() throws Exception {
        assumeTrue(Tools.installed(), Tools.MISSING);
        Random random = new Random(9);
        SortedMap<Long, byte[]> attempted = new ConcurrentSkipListMap<>();
        SortedMap<Long, byte[]> acknowledged = new ConcurrentSkipListMap<>();
        String id;
        try (ServerProcess server = ServerProcess.start(dataDir, Map.of("CAIRN_NBD_PORT", freePort()))) {
            IngestClient ingests = client(server);
            id = ingests.startOpen("\"volume_size\":1").get("id").asString();
            CountDownLatch severalAcknowledged = new CountDownLatch(4);
            Thread putting = Thread.ofVirtual().start(() -> {
                for (long index = 0; index < 2048; index += 7) {
                    byte[] block = IngestClient.randomBlock(random);
                    attempted.put(index, block);
                    Reply reply;
                    try {
                        reply = ingests.putBlock(id, index, block);
                    } catch (IllegalStateException killed) {
                        return;
                    }
                    if (reply.status() == 201) {
                        acknowledged.put(index, block);
                        severalAcknowledged.countDown();
                    }
                }
            });
            assertThat(severalAcknowledged.await(60, TimeUnit.SECONDS)).isTrue();
            server.kill();
            putting.join();
        }
        assertThat(acknowledged).isNotEmpty();

        String nbdPort = freePort();
        try (ServerProcess server = ServerProcess.start(dataDir, Map.of("CAIRN_NBD_PORT", nbdPort))) {
            IngestClient ingests = client(server);
            JsonNode resumed = ingests.get("/snapshot-ingests/" + id).json().get("ingest");
            assertThat(resumed.get("status").asString()).isEqualTo("open");
            // Every acknowledged block is durable; a put the kill interrupted may or may not have been recorded.
            assertThat(resumed.get("blocks_received").asLong())
                    .isBetween((long) acknowledged.size(), (long) attempted.size());

            SortedMap<Long, byte[]> unacknowledged = new TreeMap<>(attempted);
            unacknowledged.keySet().removeAll(acknowledged.keySet());
            for (Map.Entry<Long, byte[]> block : unacknowledged.entrySet()) {
                assertThat(ingests.putBlock(id, block.getKey(), block.getValue())
                                .status())
                        .isEqualTo(201);
            }
            Reply completed = ingests.complete(id, attempted.size(), IngestClient.aggregate(attempted));
            assertThat(completed.status()).as(completed.text()).isEqualTo(202);
            String snapshot = completed.json().at("/ingest/snapshot_id").asString();
            ingests.await("/snapshots/" + snapshot, "/snapshot/status", "available");
            assertThat(ingests.blocksDifferingFrom(snapshot, 1, attempted, Integer.parseInt(nbdPort), scratch))
                    .isEmpty();
        }
    }

    private static IngestClient client(ServerProcess server) {
        return new IngestClient(server.baseUrl(), PROJECT, "alice:" + PROJECT + ":member");
    }

    private static String freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return Integer.toString(socket.getLocalPort());
        }
    }
}
