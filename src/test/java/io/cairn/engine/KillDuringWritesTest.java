package io.cairn.engine;

import static io.cairn.engine.DataPathEndToEndTest.pattern;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.ServerProcess;
import io.cairn.engine.nbd.NbdClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * kill -9 of a real server in the middle of a burst of writes: every byte flushed before the burst survives,
 * the snapshot taken before it is intact, every block written during it holds either its old or one of its
 * new contents, the maps agree with the disk, and after collection no chunk is orphaned.
 */
class KillDuringWritesTest {
    private static final String PROJECT = "7e1d2c3b4a5f40718293a4b5c6d7e8f9";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MIB = 1 << 20;
    private static final int BLOCK = 64 * 1024;
    private static final int FLUSHED = 16 * MIB;
    private static final int BURST_START = 8 * MIB;
    private static final int BURST_END = 48 * MIB;
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void flushedBytesSurviveKillNineAndNothingLeaks() throws Exception {
        int nbdPort = DataPathEndToEndTest.freePort();
        String volume;
        String snapshot;
        byte[] flushed = pattern(FLUSHED, 42);
        Map<Integer, List<Integer>> versions = new ConcurrentHashMap<>();
        try (ServerProcess server = ServerProcess.start(dataDir, "--nbd-port", Integer.toString(nbdPort))) {
            volume = post(server, "/volumes", "{\"volume\":{\"size\":1}}")
                    .at("/volume/id")
                    .asString();
            await(server, "/volumes/" + volume, "/volume/status", "available");
            try (NbdClient client = NbdClient.connect("127.0.0.1", nbdPort, volume)) {
                for (int offset = 0; offset < FLUSHED; offset += MIB) {
                    client.write(offset, flushed, offset, MIB, false);
                }
                client.flush();
            }
            snapshot = post(server, "/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\"}}")
                    .at("/snapshot/id")
                    .asString();
            await(server, "/snapshots/" + snapshot, "/snapshot/status", "available");

            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int seed = w;
                writers.add(Thread.ofVirtual().start(() -> burst(nbdPort, volume, seed, versions, stop)));
            }
            Thread.sleep(1500);
            server.kill();
            stop.set(true);
            for (Thread writer : writers) {
                writer.join();
            }
        }
        assertThat(versions).isNotEmpty();

        try (ServerProcess restarted = ServerProcess.start(dataDir, "--nbd-port", Integer.toString(nbdPort))) {
            await(restarted, "/volumes/" + volume, "/volume/status", "available");
            byte[] volumeNow = read(nbdPort, volume, BURST_END);
            byte[] snapshotNow = read(nbdPort, snapshot, BURST_END);
            assertThat(Arrays.equals(volumeNow, 0, BURST_START, flushed, 0, BURST_START))
                    .as("flushed bytes outside the burst")
                    .isTrue();
            assertThat(Arrays.equals(snapshotNow, 0, FLUSHED, flushed, 0, FLUSHED))
                    .as("the snapshot")
                    .isTrue();
            assertThat(Arrays.equals(
                            snapshotNow, FLUSHED, BURST_END, new byte[BURST_END - FLUSHED], 0, BURST_END - FLUSHED))
                    .isTrue();
            for (int offset = BURST_START; offset < BURST_END; offset += 4096) {
                int page = offset;
                int block = offset / BLOCK;
                byte[] original = page < FLUSHED ? Arrays.copyOfRange(flushed, page, page + 4096) : new byte[4096];
                boolean matches = Arrays.equals(volumeNow, page, page + 4096, original, 0, 4096)
                        || versions.getOrDefault(block, List.of()).stream().anyMatch(version -> {
                            byte[] written = pattern(BLOCK, version);
                            int within = page - block * BLOCK;
                            return Arrays.equals(volumeNow, page, page + 4096, written, within, within + 4096);
                        });
                assertThat(matches)
                        .as("page at %d holds its old content or one written to it", page)
                        .isTrue();
            }
        }

        try (LocalChunkEngine engine =
                LocalChunkEngine.open(dataDir.resolve("engine"), LocalChunkEngine.DEFAULT_CHUNK_SIZE)) {
            engine.collect();
            LocalChunkEngine.Audit audit = engine.audit();
            assertThat(audit.memoryMatchesDisk()).isTrue();
            assertThat(audit.orphanSlots()).isZero();
            assertThat(audit.dataFileSlots()).isLessThanOrEqualTo(audit.referencedChunks() + audit.freeSlots());
            engine.deleteSnapshot(volume, snapshot, fraction -> {});
            engine.deleteVolume(volume);
            engine.collect();
            assertThat(engine.audit().referencedChunks()).isZero();
            assertThat(Files.size(dataDir.resolve("engine").resolve("chunks")))
                    .as("chunks left after deleting everything")
                    .isZero();
        }
    }

    /** Writes whole 64 KiB blocks at random in the burst range, recording each version before it is sent. */
    private static void burst(
            int port, String volume, int seed, Map<Integer, List<Integer>> versions, AtomicBoolean stop) {
        Random random = new Random(seed);
        try (NbdClient client = NbdClient.connect("127.0.0.1", port, volume)) {
            for (int i = 0; !stop.get(); i++) {
                int block = BURST_START / BLOCK + random.nextInt((BURST_END - BURST_START) / BLOCK);
                int version = 1000 + seed * 1_000_000 + i;
                versions.computeIfAbsent(block, b -> java.util.Collections.synchronizedList(new ArrayList<>()))
                        .add(version);
                client.write((long) block * BLOCK, pattern(BLOCK, version));
                if (i % 50 == 0) {
                    client.flush();
                }
            }
        } catch (java.io.IOException e) {
            // the server was killed under us: that is the point
        }
    }

    private static byte[] read(int port, String export, int length) throws java.io.IOException {
        try (NbdClient client = NbdClient.connect("127.0.0.1", port, export)) {
            byte[] data = new byte[length];
            for (int offset = 0; offset < length; offset += MIB) {
                client.read(offset, data, offset, MIB);
            }
            return data;
        }
    }

    private JsonNode post(ServerProcess server, String path, String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v3/" + PROJECT + path))
                        .header("X-Auth-Token", "admin:" + PROJECT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body());
    }

    private void await(ServerProcess server, String path, String pointer, String expected) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        String last = null;
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v3/" + PROJECT + path))
                            .header("X-Auth-Token", "admin:" + PROJECT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            last = response.body();
            if (response.statusCode() == 200
                    && expected.equals(JSON.readTree(last).at(pointer).asString())) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(path + " never reached " + expected + ": " + last);
    }
}
