package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.TestServer;
import io.cairn.TestServer.Reply;
import io.cairn.domain.SnapshotBlocks;
import io.cairn.engine.nbd.Tools;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Snapshot ingest over real HTTP: start, put blocks, complete; what was put is what a volume made from it reads. */
class SnapshotIngestApiTest {
    private static final String PROJECT = "4d1b2c3a5e6f47a8b9c0d1e2f3a4b5c6";
    private static final String OTHER_PROJECT = "9e8d7c6b5a4f43e2d1c0b9a8f7e6d5c4";
    /** The blocks of a 1 GiB volume. */
    private static final long BLOCKS_PER_GIB = (1L << 30) / SnapshotBlocks.BLOCK_SIZE;

    private static final String EMPTY_AGGREGATE = IngestClient.aggregate(new TreeMap<>());

    @TempDir
    Path dataDir;

    @TempDir
    Path scratch;

    private TestServer server;
    private IngestClient ingests;
    private TestServer.Client api;
    private final Random random = new Random(14);

    @BeforeEach
    void start() {
        server = startServer();
        ingests = new IngestClient(server.baseUrl(), PROJECT, "alice:" + PROJECT + ":member");
        api = server.as("alice", PROJECT, "member").version("3.66");
    }

    /** Sweeps run when the test asks ({@link TestServer#sweepIngests}), besides the one at start-up. */
    private TestServer startServer() {
        return TestServer.start(
                dataDir,
                Map.of(
                        "quota-snapshots",
                        "-1",
                        "quota-volumes",
                        "-1",
                        "quota-gigabytes",
                        "-1",
                        "ingest-sweep-interval",
                        "86400"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void ingestedSnapshotsWithAndWithoutAParentReadBackByteIdentical() throws Exception {
        assumeTrue(Tools.installed(), Tools.MISSING);
        JsonNode first = ingests.startOpen("\"volume_size\":1,\"name\":\"base\",\"metadata\":{\"source\":\"disk-1\"}");
        assertThat(first.get("block_size").asInt()).isEqualTo(SnapshotBlocks.BLOCK_SIZE);
        assertThat(api.get("/volumes/" + first.get("volume_id").asString())
                        .json()
                        .at("/volume/status")
                        .asString())
                .isEqualTo("maintenance");
        String firstId = first.get("id").asString();
        for (long index : new long[] {0, 1, 7, 300, 1024, BLOCKS_PER_GIB - 1}) {
            assertThat(ingests.putBlock(firstId, index, IngestClient.randomBlock(random))
                            .status())
                    .isEqualTo(201);
        }
        // Re-putting a block replaces it: the second content is the one the snapshot holds.
        assertThat(ingests.putBlock(firstId, 7, IngestClient.randomBlock(random))
                        .status())
                .isEqualTo(201);
        assertThat(ingests.get("/snapshot-ingests/" + firstId)
                        .json()
                        .at("/ingest/blocks_received")
                        .asLong())
                .isEqualTo(6);

        Reply completed = ingests.complete(firstId);
        assertThat(completed.status()).as(completed.text()).isEqualTo(202);
        assertThat(completed.json().at("/ingest/status").asString()).isEqualTo("completed");
        String staging = "/volumes/" + first.get("volume_id").asString();
        // Held until the snapshot is taken: nothing writes between the verification and the engine's snapshot.
        assertThat(api.get(staging).json().at("/volume/status").asString()).isEqualTo("maintenance");
        String firstSnapshot = first.get("snapshot_id").asString();
        JsonNode snapshot = api.await("/snapshots/" + firstSnapshot, "/snapshot/status", "available");
        assertThat(snapshot.at("/snapshot/name").asString()).isEqualTo("base");
        assertThat(snapshot.at("/snapshot/metadata/source").asString()).isEqualTo("disk-1");
        assertThat(server.sweepIngests()).isEqualTo(1);
        assertThat(api.get(staging).json().at("/volume/status").asString()).isEqualTo("available");
        assertThat(server.sweepIngests()).isZero();
        SortedMap<Long, byte[]> firstBlocks = ingests.blocksPut(firstId);
        assertThat(blocksDifferingFrom(firstSnapshot, 1, firstBlocks)).isEmpty();

        // An incremental ingest on the first snapshot, onto a larger volume: unput blocks are the parent's.
        JsonNode second =
                ingests.startOpen("\"volume_size\":2,\"parent_snapshot_id\":\"" + firstSnapshot + "\",\"timeout\":30");
        String secondId = second.get("id").asString();
        for (long index : new long[] {1, 2, 1024, BLOCKS_PER_GIB, 2 * BLOCKS_PER_GIB - 1}) {
            assertThat(ingests.putBlock(secondId, index, IngestClient.randomBlock(random))
                            .status())
                    .isEqualTo(201);
        }
        assertThat(ingests.complete(secondId).status()).isEqualTo(202);
        String secondSnapshot = second.get("snapshot_id").asString();
        api.await("/snapshots/" + secondSnapshot, "/snapshot/status", "available");
        SortedMap<Long, byte[]> both = new TreeMap<>(firstBlocks);
        both.putAll(ingests.blocksPut(secondId));
        assertThat(blocksDifferingFrom(secondSnapshot, 2, both)).isEmpty();
        // The parent is untouched.
        assertThat(blocksDifferingFrom(firstSnapshot, 1, firstBlocks)).isEmpty();
    }

    @Test
    void aBlockThatDoesNotMatchItsChecksumLengthOrVolumeIsRefusedAndNothingIsWritten() throws Exception {
        assumeTrue(Tools.installed(), Tools.MISSING);
        JsonNode ingest = ingests.startOpen("\"volume_size\":1");
        String id = ingest.get("id").asString();
        byte[] block = IngestClient.randomBlock(random);
        byte[] other = IngestClient.randomBlock(random);

        Reply mismatch = ingests.putBlock(id, 3, block, IngestClient.checksum(other), block.length);
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.message()).contains("checksum of block 3 does not match");
        byte[] short_ = Arrays.copyOf(block, block.length - 1);
        assertThat(ingests.putBlock(id, 3, short_, IngestClient.checksum(short_), short_.length)
                        .status())
                .isEqualTo(400);
        assertThat(ingests.putBlock(id, 3, block, IngestClient.checksum(block), block.length + 1L)
                        .status())
                .isEqualTo(400);
        Reply beyond = ingests.putBlock(id, BLOCKS_PER_GIB, block, IngestClient.checksum(block), block.length);
        assertThat(beyond.status()).isEqualTo(400);
        assertThat(beyond.message()).contains("outside the volume");
        assertThat(ingests.putBlock(id, 3, block, "not base64!", block.length).status())
                .isEqualTo(400);
        assertThat(ingests.get("/snapshot-ingests/" + id)
                        .json()
                        .at("/ingest/blocks_received")
                        .asLong())
                .isZero();

        assertThat(ingests.complete(id, 0, EMPTY_AGGREGATE).status()).isEqualTo(202);
        String snapshot = ingest.get("snapshot_id").asString();
        api.await("/snapshots/" + snapshot, "/snapshot/status", "available");
        assertThat(blocksDifferingFrom(snapshot, 1, new TreeMap<>())).isEmpty();
        // Completed: no block is taken any more.
        Reply late = ingests.putBlock(id, 3, block);
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.message()).contains("is completed, not open");
    }

    @Test
    void aCompletionWhoseCountOrAggregateDiffersIsRefusedAndTheIngestStaysOpen() {
        String id = ingests.startOpen("\"volume_size\":1").get("id").asString();
        ingests.putBlock(id, 5, IngestClient.randomBlock(random));
        ingests.putBlock(id, 9, IngestClient.randomBlock(random));
        SortedMap<Long, byte[]> blocks = ingests.blocksPut(id);

        Reply wrongCount = ingests.complete(id, 3, IngestClient.aggregate(blocks));
        assertThat(wrongCount.status()).isEqualTo(400);
        assertThat(wrongCount.message()).contains("received 2 blocks, not 3");
        // The right checksums in the wrong order are not the LINEAR aggregate.
        SortedMap<Long, byte[]> swapped = new TreeMap<>(Map.of(5L, blocks.get(9L), 9L, blocks.get(5L)));
        Reply wrongAggregate = ingests.complete(id, 2, IngestClient.aggregate(swapped));
        assertThat(wrongAggregate.status()).isEqualTo(400);
        assertThat(wrongAggregate.message()).contains("aggregated checksum does not match");
        assertThat(ingests.get("/snapshot-ingests/" + id)
                        .json()
                        .at("/ingest/status")
                        .asString())
                .isEqualTo("open");

        assertThat(ingests.putBlock(id, 11, IngestClient.randomBlock(random)).status())
                .isEqualTo(201);
        // The snapshot is charged to the quota at completion: a full one refuses it, and the ingest stays open.
        QuotaTestSupport.setQuota(server, PROJECT, "\"snapshots\":0");
        assertThat(ingests.complete(id).status()).isEqualTo(413);
        assertThat(ingests.get("/snapshot-ingests/" + id)
                        .json()
                        .at("/ingest/status")
                        .asString())
                .isEqualTo("open");
        QuotaTestSupport.setQuota(server, PROJECT, "\"snapshots\":1");
        assertThat(ingests.complete(id).status()).isEqualTo(202);
    }

    @Test
    void aClientTokenNamesOneIngestAndRefusesOtherParameters() {
        String fields = "\"volume_size\":1,\"client_token\":\"backup-run-42\",\"name\":\"nightly\"";
        Reply first = ingests.start(fields);
        assertThat(first.status()).isEqualTo(202);
        Reply again = ingests.start(fields);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().at("/ingest/id").asString())
                .isEqualTo(first.json().at("/ingest/id").asString());
        assertThat(again.json().at("/ingest/volume_id").asString())
                .isEqualTo(first.json().at("/ingest/volume_id").asString());

        Reply other = ingests.start("\"volume_size\":2,\"client_token\":\"backup-run-42\",\"name\":\"nightly\"");
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.message()).contains("already started snapshot ingest");
        assertThat(api.get("/volumes").json().at("/volumes").size()).isEqualTo(1);
        // Tokens are per project: another project's same token starts its own ingest.
        IngestClient stranger = new IngestClient(server.baseUrl(), OTHER_PROJECT, "bob:" + OTHER_PROJECT + ":member");
        Reply theirs = stranger.start(fields);
        assertThat(theirs.status()).isEqualTo(202);
        assertThat(theirs.json().at("/ingest/id").asString())
                .isNotEqualTo(first.json().at("/ingest/id").asString());
    }

    @Test
    void anotherProjectNeitherSeesNorWritesNorEndsAnIngest() {
        String id = ingests.startOpen("\"volume_size\":1").get("id").asString();
        IngestClient stranger = new IngestClient(server.baseUrl(), OTHER_PROJECT, "bob:" + OTHER_PROJECT + ":member");
        byte[] block = IngestClient.randomBlock(random);

        assertThat(stranger.get("/snapshot-ingests/" + id).status()).isEqualTo(404);
        assertThat(stranger.putBlock(id, 0, block).status()).isEqualTo(404);
        assertThat(stranger.complete(id, 0, EMPTY_AGGREGATE).status()).isEqualTo(404);
        assertThat(stranger.delete("/snapshot-ingests/" + id).status()).isEqualTo(404);
        // Nor may it build on this project's snapshots.
        assertThat(ingests.complete(id, 0, EMPTY_AGGREGATE).status()).isEqualTo(202);
        String snapshot = ingests.get("/snapshot-ingests/" + id)
                .json()
                .at("/ingest/snapshot_id")
                .asString();
        Reply onForeignParent = stranger.start("\"volume_size\":1,\"parent_snapshot_id\":\"" + snapshot + "\"");
        assertThat(onForeignParent.status()).isEqualTo(404);
        // A reader of the project sees the ingest but may not write to it.
        IngestClient reader = new IngestClient(server.baseUrl(), PROJECT, "carol:" + PROJECT + ":reader");
        assertThat(reader.get("/snapshot-ingests/" + id).status()).isEqualTo(200);
        assertThat(reader.start("\"volume_size\":1").status()).isEqualTo(403);
    }

    @Test
    void anIngestPastItsTimeoutOrAbortedIsCleanedUpWithItsQuota() throws Exception {
        String expiring =
                ingests.startOpen("\"volume_size\":1,\"timeout\":10").get("id").asString();
        String aborted = ingests.startOpen("\"volume_size\":2").get("id").asString();
        ingests.putBlock(expiring, 0, IngestClient.randomBlock(random));
        assertThat(QuotaTestSupport.inUse(server, PROJECT, "volumes")).isEqualTo(2);
        assertThat(QuotaTestSupport.inUse(server, PROJECT, "gigabytes")).isEqualTo(3);
        assertThat(server.sweepIngests()).as("nothing is past its timeout yet").isZero();

        try (Connection db = TestServer.connect(dataDir);
                PreparedStatement backdate =
                        db.prepareStatement("update snapshot_ingests set expires_at = expires_at - ? where id = ?")) {
            backdate.setLong(1, 11L * 60 * 1_000_000);
            backdate.setString(2, expiring);
            backdate.executeUpdate();
        }
        assertThat(server.sweepIngests()).isEqualTo(1);
        assertThat(server.sweepIngests()).as("an ingest expires once").isZero();
        JsonNode expired = ingests.get("/snapshot-ingests/" + expiring).json().get("ingest");
        assertThat(expired.get("status").asString()).isEqualTo("expired");
        assertThat(expired.get("expires_at").isNull()).isTrue();
        api.awaitGone("/volumes/" + expired.get("volume_id").asString());
        assertThat(ingests.putBlock(expiring, 1, IngestClient.randomBlock(random))
                        .status())
                .isEqualTo(409);
        assertThat(ingests.complete(expiring, 1, EMPTY_AGGREGATE).status()).isEqualTo(409);

        assertThat(ingests.delete("/snapshot-ingests/" + aborted).status()).isEqualTo(202);
        JsonNode abortedView =
                ingests.get("/snapshot-ingests/" + aborted).json().get("ingest");
        assertThat(abortedView.get("status").asString()).isEqualTo("aborted");
        api.awaitGone("/volumes/" + abortedView.get("volume_id").asString());
        assertThat(ingests.delete("/snapshot-ingests/" + aborted).status()).isEqualTo(409);
        assertThat(api.get("/snapshots/" + abortedView.get("snapshot_id").asString())
                        .status())
                .isEqualTo(404);
        assertThat(QuotaTestSupport.inUse(server, PROJECT, "volumes")).isZero();
        assertThat(QuotaTestSupport.inUse(server, PROJECT, "gigabytes")).isZero();
        assertThat(QuotaTestSupport.inUse(server, PROJECT, "snapshots")).isZero();
    }

    @Test
    void aStagingVolumeACrashLeftCreatingIsCreatedAgainAndStaysInMaintenance() throws Exception {
        JsonNode ingest = ingests.startOpen("\"volume_size\":1");
        server.close();
        try (Connection db = TestServer.connect(dataDir)) {
            db.createStatement()
                    .executeUpdate("update volumes set status = 'creating' where id = '"
                            + ingest.get("volume_id").asString() + "'");
            db.createStatement().executeUpdate("delete from tasks");
        }
        server = startServer();
        ingests = new IngestClient(server.baseUrl(), PROJECT, "alice:" + PROJECT + ":member");
        ingests.await("/snapshot-ingests/" + ingest.get("id").asString(), "/ingest/status", "open");
        assertThat(server.as("alice", PROJECT)
                        .get("/volumes/" + ingest.get("volume_id").asString())
                        .json()
                        .at("/volume/status")
                        .asString())
                .isEqualTo("maintenance");
    }

    private List<Long> blocksDifferingFrom(String snapshot, int gib, SortedMap<Long, byte[]> blocks)
            throws IOException, InterruptedException {
        return ingests.blocksDifferingFrom(snapshot, gib, blocks, server.nbdPort(), scratch);
    }
}
