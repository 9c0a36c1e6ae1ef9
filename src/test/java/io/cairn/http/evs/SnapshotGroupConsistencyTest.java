package io.cairn.http.evs;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Reply;
import io.cairn.engine.SequencedWriters;
import io.cairn.engine.nbd.NbdClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * An EVS snapshot group of three disks written continuously through Cairn's NBD data path is one instant across
 * them: every write acknowledged before the signed request is in its disk's member snapshot, none that started after
 * the group's job succeeded is in any, and each writer's writes in the members are a prefix of its sequence (see
 * {@link SequencedWriters}).
 */
class SnapshotGroupConsistencyTest {
    private static final String PROJECT = "4c5d6e7f8a9b40c1d2e3f4a5b6c7d8e9";
    private static final int VOLUMES = 3;
    private static final int WRITERS = 3;
    private static final int MAX_WRITES = 60_000;

    @TempDir
    Path dataDir;

    @Test
    void aSnapshotGroupTakenWhileWritersRunIsOneCutAcrossItsDisks() throws Exception {
        int nbdPort = freePort();
        try (TestServer server = EvsFixture.start(dataDir, Map.of("nbd-port", Integer.toString(nbdPort)))) {
            SignedEvsClient evs = new SignedEvsClient(server, EvsFixture.createAccessKey(dataDir, PROJECT), PROJECT);
            List<String> volumes = new ArrayList<>();
            for (int v = 0; v < VOLUMES; v++) {
                volumes.add(EvsFixture.availableVolume(server.as("setup", PROJECT), 1));
            }
            assertThat(SequencedWriters.volumeBytes(VOLUMES, WRITERS, MAX_WRITES))
                    .isLessThan(1L << 30);

            List<NbdClient> connections = new ArrayList<>();
            List<SequencedWriters.Sink> sinks = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                List<NbdClient> own = new ArrayList<>();
                for (String volume : volumes) {
                    own.add(NbdClient.connect("127.0.0.1", nbdPort, volume));
                }
                connections.addAll(own);
                sinks.add((volume, offset, block) -> own.get(volume).write(offset, block));
            }
            try (SequencedWriters writing = new SequencedWriters(VOLUMES, WRITERS, MAX_WRITES, sinks)) {
                writing.awaitWriting();
                long[] acknowledgedBefore = writing.acknowledged();
                Reply requested = evs.post(
                        "/v5/" + PROJECT + "/snapshot-groups",
                        "{\"snapshot_group\":{\"volume_ids\":[\"" + String.join("\",\"", volumes) + "\"]}}");
                assertThat(requested.status()).as(requested.text()).isEqualTo(202);
                JsonNode job = evs.awaitJob(requested.json().get("job_id").asString(), "SUCCESS", "FAIL");
                assertThat(job.get("status").asString()).isEqualTo("SUCCESS");
                long[] startedAfter = writing.started();
                Map<String, String> members =
                        members(evs, requested.json().get("snapshot_group_id").asString());
                long[] cut = writing.assertOneCut(
                        (volume, offset, length) -> read(nbdPort, members.get(volumes.get(volume)), offset, length),
                        acknowledgedBefore,
                        startedAfter);
                assertThat(Arrays.stream(cut).sum())
                        .as("writes in the snapshot group")
                        .isPositive();
                writing.stop();
            } finally {
                for (NbdClient connection : connections) {
                    connection.close();
                }
            }
        }
    }

    /** Each disk's snapshot in the group, by disk id, read through the v5 list's snapshot_group_id filter. */
    private static Map<String, String> members(SignedEvsClient evs, String group) {
        Map<String, String> members = new HashMap<>();
        for (JsonNode snapshot : evs.get("/v5/" + PROJECT + "/snapshots/detail?snapshot_group_id=" + group)
                .json()
                .get("snapshots")) {
            assertThat(snapshot.get("status").asString()).isEqualTo("available");
            members.put(snapshot.get("volume_id").asString(), snapshot.get("id").asString());
        }
        assertThat(members).hasSize(VOLUMES);
        return members;
    }

    private static byte[] read(int port, String export, long offset, int length) {
        try (NbdClient client = NbdClient.connect("127.0.0.1", port, export)) {
            byte[] data = new byte[length];
            int chunk = 1 << 20;
            for (int done = 0; done < length; done += chunk) {
                int size = Math.min(chunk, length - done);
                client.read(offset + done, data, done, size);
            }
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
