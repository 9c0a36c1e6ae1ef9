package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import io.cairn.engine.SequencedWriters;
import io.cairn.engine.nbd.NbdClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A group snapshot of three volumes written continuously through Cairn's NBD data path is one instant across them:
 * every write acknowledged before the request is in its volume's member snapshot, none that started after the group
 * snapshot was available is in any, and each writer's writes in the member snapshots are a prefix of its sequence
 * (see {@link SequencedWriters}). Then a revert of the group brings every volume back to that one instant.
 */
class GroupSnapshotConsistencyTest {
    private static final String PROJECT = "1b2c3d4e5f6a40718293a4b5c6d7e8f9";
    private static final int VOLUMES = 3;
    private static final int WRITERS = 3;
    private static final int MAX_WRITES = 60_000;

    @TempDir
    Path dataDir;

    @Test
    void aGroupSnapshotTakenWhileWritersRunIsOneCutAndTheGroupRevertsToIt() throws Exception {
        int nbdPort = freePort();
        try (TestServer server = TestServer.start(
                dataDir,
                Map.of(
                        "quota-snapshots", "-1",
                        "quota-volumes", "-1",
                        "quota-gigabytes", "-1",
                        "nbd-port", Integer.toString(nbdPort)))) {
            Client api = server.as("alice", PROJECT).version("3.64");
            String type = api.post("/group_types", "{\"group_type\":{\"name\":\"consistent\"}}")
                    .json()
                    .at("/group_type/id")
                    .asString();
            Reply created = api.post(
                    "/groups", "{\"group\":{\"group_type\":\"" + type + "\",\"volume_types\":[\"__DEFAULT__\"]}}");
            String group = created.json().at("/group/id").asString();
            api.await("/groups/" + group, "/group/status", "available");
            List<String> volumes = new ArrayList<>();
            for (int v = 0; v < VOLUMES; v++) {
                String volume = api.post("/volumes", "{\"volume\":{\"size\":1,\"group_id\":\"" + group + "\"}}")
                        .json()
                        .at("/volume/id")
                        .asString();
                api.await("/volumes/" + volume, "/volume/status", "available");
                volumes.add(volume);
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
                Reply requested = api.post("/group_snapshots", "{\"group_snapshot\":{\"group_id\":\"" + group + "\"}}");
                assertThat(requested.status()).as(requested.text()).isEqualTo(202);
                String groupSnapshot = requested.json().at("/group_snapshot/id").asString();
                api.await("/group_snapshots/" + groupSnapshot, "/group_snapshot/status", "available");
                long[] startedAfter = writing.started();
                Map<String, String> members = members(api, groupSnapshot);
                long[] cut = writing.assertOneCut(
                        (volume, offset, length) -> read(nbdPort, members.get(volumes.get(volume)), offset, length),
                        acknowledgedBefore,
                        startedAfter);
                assertThat(Arrays.stream(cut).sum())
                        .as("writes in the group snapshot")
                        .isPositive();
                writing.stop();
                for (NbdClient connection : connections) {
                    connection.close();
                }

                Reply revert = api.post(
                        "/groups/" + group + "/action",
                        "{\"revert\":{\"group_snapshot_id\":\"" + groupSnapshot + "\"}}");
                assertThat(revert.status()).as(revert.text()).isEqualTo(202);
                api.await("/groups/" + group, "/group/status", "available");
                for (String volume : volumes) {
                    assertThat(api.get("/volumes/" + volume)
                                    .json()
                                    .at("/volume/status")
                                    .asString())
                            .isEqualTo("available");
                }
                // Every write after the cut is gone from every volume, and every write before it is there.
                writing.assertHoldsExactly(
                        (volume, offset, length) -> read(nbdPort, volumes.get(volume), offset, length), cut);
            } finally {
                for (NbdClient connection : connections) {
                    connection.close();
                }
            }
        }
    }

    /** Each member volume's snapshot in the group snapshot, by volume id. */
    private static Map<String, String> members(Client api, String groupSnapshot) {
        Map<String, String> members = new java.util.HashMap<>();
        for (JsonNode snapshot :
                api.get("/snapshots/detail").json().get("snapshots").values()) {
            if (groupSnapshot.equals(snapshot.path("group_snapshot_id").asString(null))) {
                assertThat(snapshot.get("status").asString()).isEqualTo("available");
                members.put(
                        snapshot.get("volume_id").asString(), snapshot.get("id").asString());
            }
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
