package io.cairn.hardening;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.domain.SnapshotBlocks;
import io.cairn.hardening.RawHttp.Header;
import io.cairn.http.IngestClient;
import io.cairn.http.cinder.SnapshotBlocksResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;

/**
 * Snapshot ingests as the hardening suites set them up and attack them: blocks of known content with the headers a
 * well-behaved client sends (over {@link RawHttp}, as the block put is binary), and the completion body whose count
 * and LINEAR aggregate match what was put.
 */
final class IngestFixtures {
    private IngestFixtures() {}

    /** A block of 512 KiB filled with {@code fill}: content known to the test without keeping it. */
    static byte[] block(int fill) {
        byte[] block = new byte[SnapshotBlocks.BLOCK_SIZE];
        Arrays.fill(block, (byte) fill);
        return block;
    }

    /** Starts a 1 GiB ingest as {@code owner} and waits until it takes blocks; returns its id. */
    static String startOpen(Client owner) {
        return startOpen(owner, "\"volume_size\":1");
    }

    /** Starts an ingest with {@code fields} as {@code owner}, fails unless it is a new one (202), waits until it is open. */
    static String startOpen(Client owner, String fields) {
        TestServer.Reply started = owner.post("/snapshot-ingests", "{\"ingest\":{" + fields + "}}");
        if (started.status() != 202) {
            throw new AssertionError("the fixture ingest did not start: " + started.text());
        }
        String id = started.json().at("/ingest/id").asString();
        owner.await("/snapshot-ingests/" + id, "/ingest/status", "open");
        return id;
    }

    /** Puts each block as {@code owner} and fails unless every put is taken (201). */
    static void putAll(TestServer server, Client owner, String ingest, SortedMap<Long, byte[]> blocks)
            throws IOException {
        for (var block : blocks.entrySet()) {
            RawHttp.Response put = RawHttp.send(
                    port(server),
                    "PUT",
                    ("/v3/" + owner.project() + "/snapshot-ingests/" + ingest + "/blocks/" + block.getKey())
                            .getBytes(StandardCharsets.UTF_8),
                    blockHeaders(owner.token(), block.getValue()),
                    block.getValue());
            if (put.status() != 201) {
                throw new AssertionError("fixture block " + block.getKey() + " was refused: " + put.text());
            }
        }
    }

    /** The token, content type and the three X-Cairn headers that describe {@code data} truthfully. */
    static List<Header> blockHeaders(String token, byte[] data) {
        List<Header> headers = new ArrayList<>();
        headers.add(Header.of("X-Auth-Token", token));
        headers.add(Header.of("Content-Type", "application/octet-stream"));
        headers.add(Header.of(SnapshotBlocksResource.CHECKSUM, IngestClient.checksum(data)));
        headers.add(Header.of(SnapshotBlocksResource.CHECKSUM_ALGORITHM, "SHA256"));
        headers.add(Header.of(SnapshotBlocksResource.DATA_LENGTH, Integer.toString(data.length)));
        return headers;
    }

    /** The completion body that {@code blocks}, and only they, having been received satisfies. */
    static String completion(SortedMap<Long, byte[]> blocks) {
        return completion(blocks.size(), IngestClient.aggregate(blocks));
    }

    static String completion(long count, String checksum) {
        return "{\"complete\":{\"changed_blocks_count\":" + count + ",\"checksum\":\"" + checksum
                + "\",\"checksum_algorithm\":\"SHA256\",\"checksum_aggregation_method\":\"LINEAR\"}}";
    }

    static int port(TestServer server) {
        String base = server.baseUrl();
        return Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
    }
}
