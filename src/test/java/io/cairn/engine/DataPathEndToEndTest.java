package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.TestServer;
import io.cairn.engine.nbd.NbdClient;
import io.cairn.engine.nbd.PresharedKey;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The control plane and the data path together: what the API does is what NBD clients read. */
class DataPathEndToEndTest {
    private static final String PROJECT = "5c3f0a2b1d4e4f6a8b9c0d1e2f3a4b5c";
    private static final int MIB = 1 << 20;

    @TempDir
    Path dataDir;

    /** The TLS key the NBD clients prove, when the server requires one. */
    private Optional<PresharedKey> key = Optional.empty();

    /** The same data path in the clear, and over TLS proving a project's identity ({@code nbd-tls=required}). */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void snapshotsVolumesFromSnapshotsAndRevertsCarryRealData(boolean tls) throws Exception {
        int nbdPort = freePort();
        Map<String, String> settings = new HashMap<>(Map.of(
                "quota-snapshots",
                "-1",
                "quota-volumes",
                "-1",
                "quota-gigabytes",
                "-1",
                "nbd-port",
                Integer.toString(nbdPort)));
        if (tls) {
            settings.put("nbd-tls", "required");
            settings.put("secret-key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        }
        try (TestServer server = TestServer.start(dataDir, settings)) {
            key = tls
                    ? Optional.of(server.issueNbdCredential(dataDir.resolve("keys.psk"), "--project", PROJECT))
                    : Optional.empty();
            TestServer.Client api = server.as("alice", PROJECT).version("3.66");
            String volume = api.post("/volumes", "{\"volume\":{\"size\":1}}")
                    .json()
                    .at("/volume/id")
                    .asString();
            api.await("/volumes/" + volume, "/volume/status", "available");

            byte[] original = pattern(8 * MIB, 1);
            write(nbdPort, volume, original);
            String snapshot = api.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\"}}")
                    .json()
                    .at("/snapshot/id")
                    .asString();
            api.await("/snapshots/" + snapshot, "/snapshot/status", "available");
            assertThat(api.get("/snapshots/" + snapshot)
                            .json()
                            .at("/snapshot/os-extended-snapshot-attributes:progress")
                            .asString())
                    .isEqualTo("100%");
            write(nbdPort, volume, pattern(8 * MIB, 2));

            assertThat(read(nbdPort, snapshot, 8 * MIB)).isEqualTo(original);
            assertThat(read(nbdPort, volume, 8 * MIB)).isEqualTo(pattern(8 * MIB, 2));
            try (NbdClient readOnly = connect(nbdPort, snapshot)) {
                assertThat(readOnly.readOnly()).isTrue();
            }

            String copy = api.post("/volumes", "{\"volume\":{\"size\":1,\"snapshot_id\":\"" + snapshot + "\"}}")
                    .json()
                    .at("/volume/id")
                    .asString();
            api.await("/volumes/" + copy, "/volume/status", "available");
            assertThat(read(nbdPort, copy, 8 * MIB)).isEqualTo(original);

            assertThat(api.post("/volumes/" + volume + "/action", "{\"revert\":{\"snapshot_id\":\"" + snapshot + "\"}}")
                            .status())
                    .isEqualTo(202);
            api.await("/volumes/" + volume, "/volume/status", "available");
            assertThat(read(nbdPort, volume, 8 * MIB)).isEqualTo(original);

            assertThat(api.delete("/volumes/" + copy).status()).isEqualTo(202);
            api.awaitGone("/volumes/" + copy);
            assertThatThrownBy(() -> connect(nbdPort, copy)).isInstanceOf(NbdClient.NbdException.class);
        }
    }

    static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i += 8) {
            long value = (i * 0x9E3779B97F4A7C15L) ^ seed;
            for (int j = 0; j < 8; j++) {
                bytes[i + j] = (byte) (value >>> (8 * j));
            }
        }
        return bytes;
    }

    private NbdClient connect(int port, String export) throws IOException {
        return NbdClient.connect("127.0.0.1", port, export, Optional.empty(), key);
    }

    private void write(int port, String export, byte[] data) throws IOException {
        try (NbdClient client = connect(port, export)) {
            for (int offset = 0; offset < data.length; offset += MIB) {
                client.write(offset, data, offset, Math.min(MIB, data.length - offset), false);
            }
            client.flush();
        }
    }

    private byte[] read(int port, String export, int length) throws IOException {
        try (NbdClient client = connect(port, export)) {
            byte[] data = new byte[length];
            for (int offset = 0; offset < length; offset += MIB) {
                client.read(offset, data, offset, Math.min(MIB, length - offset));
            }
            return data;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static boolean same(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        return Arrays.equals(a, aOffset, aOffset + length, b, bOffset, bOffset + length);
    }
}
