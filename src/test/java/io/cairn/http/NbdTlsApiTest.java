package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.engine.nbd.NbdClient;
import io.cairn.engine.nbd.PresharedKey;
import io.cairn.engine.nbd.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * NBD access control with {@code nbd-tls=required}: identities issued by {@code os-initialize_connection} and by
 * {@code cairn nbd-credentials}, proved with qemu-io, nbdcopy and nbdinfo over TLS, reach only their project's exports
 * (or one volume's), and nothing else is visible or openable; plain NBD is refused.
 */
class NbdTlsApiTest {
    private static final String PROJECT_A = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    private static final String PROJECT_B = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";
    private static final String ONE_GIB = "{\"volume\":{\"size\":1}}";
    private static final Map<String, String> SETTINGS = Map.of(
            "quota-snapshots", "-1",
            "quota-volumes", "-1",
            "quota-gigabytes", "-1",
            "nbd-tls", "required",
            "secret-key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");

    @TempDir
    static Path dataDir;

    @TempDir
    Path keys;

    private static TestServer server;
    private static Client alice;
    private static Client bob;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Tools.installed(), Tools.MISSING);
        server = TestServer.start(dataDir, SETTINGS);
        alice = server.as("alice", PROJECT_A);
        bob = server.as("bob", PROJECT_B);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aProjectsIdentityListsAndOpensOnlyThatProjectsExports() throws Exception {
        String volume = VolumeApiTest.createVolume(alice, ONE_GIB);
        String snapshot = VolumeApiTest.createSnapshot(alice, volume);
        String other = VolumeApiTest.createVolume(bob, ONE_GIB);
        Path pskFile = keys.resolve("keys.psk");
        PresharedKey key = server.issueNbdCredential(pskFile, "--project", PROJECT_A);

        String listing = Tools.nbdinfo("--list", Tools.tlsUri(server.nbdPort(), "", key.identity(), pskFile));
        assertThat(listing).contains(volume, snapshot).doesNotContain(other);

        String refusal = openFailure(Tools.tlsUri(server.nbdPort(), other, key.identity(), pskFile));
        String missing = UUID.randomUUID().toString();
        assertThat(refusal.replace(other, "NAME"))
                .as("another project's volume looks exactly like a missing export")
                .isEqualTo(openFailure(Tools.tlsUri(server.nbdPort(), missing, key.identity(), pskFile))
                        .replace(missing, "NAME"));

        Tools.qemuIoTls(server.nbdPort(), volume, keys, key.identity(), "write -P 0x5a 0 1M", "read -P 0x5a 0 1M");
        byte[] all = Tools.readAll(Tools.tlsUri(server.nbdPort(), volume, key.identity(), pskFile));
        assertThat(Arrays.copyOf(all, 1 << 20)).containsOnly((byte) 0x5a);
    }

    @Test
    void aConnectionsIdentityReachesItsVolumeAndSnapshotsUntilTheConnectionIsTerminated() throws Exception {
        String volume = VolumeApiTest.createVolume(alice, ONE_GIB);
        String sibling = VolumeApiTest.createVolume(alice, ONE_GIB);
        String connector = "{\"connector\":{\"host\":\"compute-1\",\"initiator\":\"iqn.1993-08.org.debian:01:1\"}}";
        JsonNode data = initialize(alice, volume, connector);
        assertThat(data.at("/tls").asString()).isEqualTo("psk");
        assertThat(data.at("/access_mode").asString()).isEqualTo("rw");
        String identity = data.at("/tls_psk_identity").asString();
        assertThat(initialize(alice, volume, connector).at("/tls_psk_identity").asString())
                .as("the same host asking again gets the same identity")
                .isEqualTo(identity);
        Path pskFile = writePsk(data);

        Tools.qemuIoTls(server.nbdPort(), volume, keys, identity, "write -P 7 4096 64k");
        String snapshot = VolumeApiTest.createSnapshot(alice, volume);
        assertThat(Tools.nbdinfo("--list", Tools.tlsUri(server.nbdPort(), "", identity, pskFile)))
                .contains(volume, snapshot)
                .doesNotContain(sibling);
        byte[] frozen = Tools.readAll(Tools.tlsUri(server.nbdPort(), snapshot, identity, pskFile));
        assertThat(Arrays.copyOfRange(frozen, 4096, 4096 + 65536)).containsOnly((byte) 7);
        assertThatThrownBy(() -> Tools.readAll(Tools.tlsUri(server.nbdPort(), sibling, identity, pskFile)))
                .as("the project's other volume is outside a connection's reach")
                .isInstanceOf(IOException.class);

        assertThat(alice.post("/volumes/" + volume + "/action", "{\"os-terminate_connection\":" + connector + "}")
                        .status())
                .isEqualTo(202);
        assertThatThrownBy(() -> Tools.nbdinfo("--list", Tools.tlsUri(server.nbdPort(), "", identity, pskFile)))
                .as("a revoked identity fails the TLS handshake")
                .isInstanceOf(IOException.class);
        assertThat(initialize(alice, volume, connector).at("/tls_psk_identity").asString())
                .isNotEqualTo(identity);
    }

    @Test
    void plainNbdIsRefusedWhileTlsIsRequired() throws Exception {
        String volume = VolumeApiTest.createVolume(alice, ONE_GIB);
        assertThatThrownBy(() -> Tools.nbdinfo("--list", "nbd://127.0.0.1:" + server.nbdPort()))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Tools.qemuIo("nbd://127.0.0.1:" + server.nbdPort() + "/" + volume, "read 0 4k"))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> NbdClient.connect("127.0.0.1", server.nbdPort(), volume))
                .isInstanceOf(NbdClient.NbdException.class)
                .hasMessageContaining("TLS is required");
    }

    @Test
    void aWrongKeyOrAnUnknownIdentityFailsTheHandshake() throws Exception {
        String volume = VolumeApiTest.createVolume(alice, ONE_GIB);
        PresharedKey key = server.issueNbdCredential(keys.resolve("issued.psk"), "--project", PROJECT_A);
        byte[] wrong = key.key();
        wrong[0] ^= 1;
        for (PresharedKey forged :
                new PresharedKey[] {new PresharedKey(key.identity(), wrong), new PresharedKey("cairn-nobody", wrong)}) {
            assertThatThrownBy(() -> NbdClient.connect(
                            "127.0.0.1", server.nbdPort(), volume, Optional.empty(), Optional.of(forged)))
                    .isInstanceOf(IOException.class);
        }
        try (NbdClient client =
                NbdClient.connect("127.0.0.1", server.nbdPort(), volume, Optional.empty(), Optional.of(key))) {
            assertThat(client.sizeBytes()).isEqualTo(1L << 30);
        }
    }

    @Test
    void readOnlyIdentitiesAndReadonlyVolumesCannotBeWritten() throws Exception {
        String volume = VolumeApiTest.createVolume(alice, ONE_GIB);
        PresharedKey readOnly =
                server.issueNbdCredential(keys.resolve("ro.psk"), "--project", PROJECT_A, "--read-only");
        try (NbdClient client =
                NbdClient.connect("127.0.0.1", server.nbdPort(), volume, Optional.empty(), Optional.of(readOnly))) {
            assertThat(client.readOnly()).isTrue();
        }
        assertThat(alice.post("/volumes/" + volume + "/action", "{\"os-update_readonly_flag\":{\"readonly\":true}}")
                        .status())
                .isEqualTo(202);
        JsonNode data = initialize(alice, volume, "{\"connector\":{\"host\":\"compute-2\"}}");
        assertThat(data.at("/access_mode").asString()).isEqualTo("ro");
        PresharedKey connection = PresharedKey.fromFile(writePsk(data), Optional.empty());
        try (NbdClient client =
                NbdClient.connect("127.0.0.1", server.nbdPort(), volume, Optional.empty(), Optional.of(connection))) {
            assertThat(client.readOnly()).isTrue();
            assertThatThrownBy(() -> client.write(0, new byte[512])).isInstanceOf(NbdClient.NbdException.class);
        }
    }

    @Test
    void aReadOnlyAttachmentsConnectionCannotWrite() throws Exception {
        String volume = VolumeApiTest.createVolume(alice, ONE_GIB);
        String connector = "{\"connector\":{\"host\":\"compute-3\"}}";
        String before =
                initialize(alice, volume, connector).at("/tls_psk_identity").asString();
        assertThat(alice.post(
                                "/volumes/" + volume + "/action",
                                "{\"os-attach\":{\"instance_uuid\":\"0b1e0c56-4b8e-4f1a-9a57-2b6f2e1b9c01\","
                                        + "\"mountpoint\":\"/dev/vdb\",\"mode\":\"ro\"}}")
                        .status())
                .isEqualTo(202);
        alice.await("/volumes/" + volume, "/volume/status", "in-use");
        JsonNode data = initialize(alice, volume, connector);
        assertThat(data.at("/tls_psk_identity").asString())
                .as("the host's identity, now read-only")
                .isEqualTo(before);
        PresharedKey connection = PresharedKey.fromFile(writePsk(data), Optional.empty());
        try (NbdClient client =
                NbdClient.connect("127.0.0.1", server.nbdPort(), volume, Optional.empty(), Optional.of(connection))) {
            assertThat(client.readOnly()).isTrue();
        }
    }

    @Test
    void anAdminIdentitySeesEveryProjectAndARevokedOneNothing() throws Exception {
        String mine = VolumeApiTest.createVolume(alice, ONE_GIB);
        String theirs = VolumeApiTest.createVolume(bob, ONE_GIB);
        Path pskFile = keys.resolve("admin.psk");
        PresharedKey admin = server.issueNbdCredential(pskFile, "--admin");
        assertThat(Tools.nbdinfo("--list", Tools.tlsUri(server.nbdPort(), "", admin.identity(), pskFile)))
                .contains(mine, theirs);
        server.revokeNbdCredential(admin.identity());
        assertThatThrownBy(() -> Tools.nbdinfo("--list", Tools.tlsUri(server.nbdPort(), "", admin.identity(), pskFile)))
                .isInstanceOf(IOException.class);
    }

    private Path writePsk(JsonNode data) throws IOException {
        Path pskFile = keys.resolve("keys.psk");
        Files.writeString(
                pskFile,
                data.at("/tls_psk_identity").asString() + ":"
                        + data.at("/tls_psk_key").asString() + "\n");
        assertThat(HexFormat.of().parseHex(data.at("/tls_psk_key").asString())).hasSize(32);
        return pskFile;
    }

    private static String openFailure(String uri) {
        try {
            Tools.readAll(uri);
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        throw new AssertionError(uri + " opened");
    }

    private static JsonNode initialize(Client api, String volume, String connector) {
        TestServer.Reply reply =
                api.post("/volumes/" + volume + "/action", "{\"os-initialize_connection\":" + connector + "}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return reply.json().at("/connection_info/data");
    }
}
