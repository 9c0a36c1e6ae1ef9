package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Reply;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Numbers in an ingest's bodies that JSON allows and a Java long or int does not hold (1e400 parses as an infinite
 * double): refused as bad input, with nothing started or changed.
 */
class SnapshotIngestInputTest {
    private static final String PROJECT = "6c5d4e3f2a1b40c9d8e7f6a5b4c3d2e1";

    @TempDir
    Path dataDir;

    private TestServer server;
    private IngestClient ingests;

    @BeforeEach
    void start() {
        server = TestServer.start(dataDir);
        ingests = new IngestClient(server.baseUrl(), PROJECT, "alice:" + PROJECT + ":member");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "12345678901234567890123", "1e400"})
    void aBlockCountBeyondALongIsABadRequestAndTheIngestStaysOpen(String count) {
        String id = ingests.startOpen("\"volume_size\":1").get("id").asString();
        Reply refused = ingests.post(
                "/snapshot-ingests/" + id + "/complete",
                "{\"complete\":{\"changed_blocks_count\":" + count + ",\"checksum\":\""
                        + IngestClient.aggregate(new TreeMap<>())
                        + "\",\"checksum_algorithm\":\"SHA256\",\"checksum_aggregation_method\":\"LINEAR\"}}");

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().at("/badRequest/code").asInt()).isEqualTo(400);
        assertThat(ingests.get("/snapshot-ingests/" + id)
                        .json()
                        .at("/ingest/status")
                        .asString())
                .isEqualTo("open");
        assertThat(ingests.complete(id).status()).isEqualTo(202);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"volume_size\":1e400", "\"volume_size\":1,\"timeout\":1e400"})
    void anInfiniteSizeOrTimeoutIsABadRequest(String fields) {
        Reply refused = ingests.start(fields);

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().at("/badRequest/message").asString()).contains("is not of type 'integer'");
        assertThat(server.as("alice", PROJECT, "member").get("/volumes").json().get("volumes"))
                .isEmpty();
    }
}
