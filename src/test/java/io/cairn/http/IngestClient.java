package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Reply;
import io.cairn.domain.SnapshotBlocks;
import io.cairn.engine.nbd.Tools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * A client of the snapshot ingest API of a server at {@code baseUrl} (in process or a separate process), acting as
 * {@code user} of {@code project} with noauth roles: the JSON calls and the binary block puts, with the checksums a
 * client computes (per block, and the LINEAR aggregate over the blocks it put).
 */
public final class IngestClient {
    private final String baseUrl;
    private final String project;
    private final String token;
    /** What this client put, per ingest and block index: what completion's count and aggregate are made of. */
    private final Map<String, SortedMap<Long, byte[]>> put = new TreeMap<>();

    IngestClient(String baseUrl, String project, String token) {
        this.baseUrl = baseUrl;
        this.project = project;
        this.token = token;
    }

    /** Starts an ingest with {@code fields} inside {@code {"ingest": {...}}}. */
    Reply start(String fields) {
        return json("POST", "/snapshot-ingests", "{\"ingest\":{" + fields + "}}");
    }

    /** Starts an ingest and waits until it takes blocks; returns its view. */
    JsonNode startOpen(String fields) {
        Reply started = start(fields);
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        String id = started.json().at("/ingest/id").asString();
        return await("/snapshot-ingests/" + id, "/ingest/status", "open").get("ingest");
    }

    /** Puts a block with the headers a well-behaved client sends, and remembers it when the server took it. */
    Reply putBlock(String ingest, long index, byte[] data) {
        Reply reply = putBlock(ingest, index, data, checksum(data), data.length);
        if (reply.status() == 201) {
            put.computeIfAbsent(ingest, i -> new TreeMap<>()).put(index, data.clone());
        }
        return reply;
    }

    /** Puts a block with the given checksum and declared length, whatever the data. */
    Reply putBlock(String ingest, long index, byte[] data, String checksum, long declaredLength) {
        HttpRequest request = request("/snapshot-ingests/" + ingest + "/blocks/" + index)
                .header("Content-Type", "application/octet-stream")
                .header("X-Cairn-Checksum", checksum)
                .header("X-Cairn-Checksum-Algorithm", "SHA256")
                .header("X-Cairn-Data-Length", Long.toString(declaredLength))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                .build();
        return TestServer.send(request);
    }

    /** What this client put into {@code ingest} and the server took, by block index. */
    SortedMap<Long, byte[]> blocksPut(String ingest) {
        return put.getOrDefault(ingest, new TreeMap<>());
    }

    /** Completes with the count and aggregate of the blocks this client put. */
    Reply complete(String ingest) {
        SortedMap<Long, byte[]> blocks = blocksPut(ingest);
        return complete(ingest, blocks.size(), aggregate(blocks));
    }

    Reply complete(String ingest, long count, String checksum) {
        return json(
                "POST",
                "/snapshot-ingests/" + ingest + "/complete",
                "{\"complete\":{\"changed_blocks_count\":" + count + ",\"checksum\":\"" + checksum
                        + "\",\"checksum_algorithm\":\"SHA256\",\"checksum_aggregation_method\":\"LINEAR\"}}");
    }

    Reply get(String path) {
        return json("GET", path, null);
    }

    Reply delete(String path) {
        return json("DELETE", path, null);
    }

    Reply post(String path, String body) {
        return json("POST", path, body);
    }

    /** Polls {@code path} until the value at {@code pointer} is {@code expected}, for at most 30 s. */
    JsonNode await(String path, String pointer, String expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Reply last = null;
        while (System.nanoTime() < deadline) {
            last = get(path);
            if (last.status() == 200 && expected.equals(last.json().at(pointer).asString())) {
                return last.json();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError(
                path + " never had " + pointer + " = " + expected + "; last: " + (last == null ? "none" : last.text()));
    }

    /**
     * Makes a volume of {@code gib} from the snapshot, reads all of it over NBD with nbdcopy and returns the indexes
     * of the blocks that differ from {@code blocks} (zeros where it has none): empty when the two are byte-identical.
     */
    List<Long> blocksDifferingFrom(String snapshot, int gib, SortedMap<Long, byte[]> blocks, int nbdPort, Path scratch)
            throws IOException, InterruptedException {
        String volume = post("/volumes", "{\"volume\":{\"size\":" + gib + ",\"snapshot_id\":\"" + snapshot + "\"}}")
                .json()
                .at("/volume/id")
                .asString();
        await("/volumes/" + volume, "/volume/status", "available");
        Path file = scratch.resolve(volume + ".raw");
        Tools.copyExportTo("nbd://127.0.0.1:" + nbdPort + "/" + volume, file);
        List<Long> differing = new ArrayList<>();
        byte[] zeros = new byte[SnapshotBlocks.BLOCK_SIZE];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThat(channel.size()).isEqualTo(gib * (1L << 30));
            ByteBuffer block = ByteBuffer.allocate(SnapshotBlocks.BLOCK_SIZE);
            for (long index = 0; index < gib * ((1L << 30) / SnapshotBlocks.BLOCK_SIZE); index++) {
                block.clear();
                while (block.hasRemaining()
                        && channel.read(block, index * SnapshotBlocks.BLOCK_SIZE + block.position()) > 0) {
                    // until the block is whole
                }
                if (!Arrays.equals(block.array(), blocks.getOrDefault(index, zeros))) {
                    differing.add(index);
                }
            }
        }
        return differing;
    }

    /** The base64 SHA-256 of one block. */
    public static String checksum(byte[] data) {
        return Base64.getEncoder().encodeToString(sha256().digest(data));
    }

    /** EBS's LINEAR aggregate: the SHA-256 of the blocks' binary SHA-256s, concatenated in ascending index order. */
    public static String aggregate(SortedMap<Long, byte[]> blocks) {
        MessageDigest aggregate = sha256();
        blocks.values().forEach(data -> aggregate.update(sha256().digest(data)));
        return Base64.getEncoder().encodeToString(aggregate.digest());
    }

    static byte[] randomBlock(Random random) {
        byte[] block = new byte[SnapshotBlocks.BLOCK_SIZE];
        random.nextBytes(block);
        return block;
    }

    private Reply json(String method, String path, String body) {
        HttpRequest.Builder request = request(path)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return TestServer.send(request.build());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/v3/" + project + path))
                .timeout(Duration.ofSeconds(30))
                .header("X-Auth-Token", token);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
