package io.cairn.http.evs;

import static io.cairn.http.evs.EvsFixture.assertFault;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Reply;
import io.cairn.engine.nbd.NbdClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where EVS's status rules and limits differ from Cinder's: disks made from a snapshot being backed up, a
 * rollback whose data work fails, and the native API's sizes of names, descriptions and metadata. The Cinder
 * paths (/v3) keep Cinder's rules on the same server.
 */
class EvsRulesTest {
    private static final String PROJECT = "6e5d4c3b2a1908f7e6d5c4b3a2910f8e";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;

    static TestServer server;
    static int nbdPort;
    static TestServer.Client member;
    static TestServer.Client admin;

    @BeforeAll
    static void start() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            nbdPort = socket.getLocalPort();
        }
        server = EvsFixture.start(dir, Map.of("nbd-port", Integer.toString(nbdPort)));
        member = server.as("alice", PROJECT, "member");
        admin = server.as("admin", PROJECT);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String v2(String rest) {
        return "//v2/" + PROJECT + rest;
    }

    private static String snapshotOf(String volumeId) {
        Reply created = member.post(v2("/cloudsnapshots"), "{\"snapshot\":{\"volume_id\":\"" + volumeId + "\"}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        String id = created.json().at("/snapshot/id").asString();
        member.await(v2("/cloudsnapshots/" + id), "/snapshot/status", "available");
        return id;
    }

    private static void resetSnapshot(String id, String status) {
        Reply reset =
                admin.post(v2("/snapshots/" + id + "/action"), "{\"os-reset_status\":{\"status\":\"" + status + "\"}}");
        assertThat(reset.status()).as(reset.text()).isEqualTo(202);
    }

    private static String volumeFrom(String snapshotId) {
        return "{\"volume\":{\"snapshot_id\":\"" + snapshotId + "\"}}";
    }

    @Test
    void aDiskIsMadeFromASnapshotBeingBackedUpOnTheEvsPathsOnly() {
        String snapshot = snapshotOf(EvsFixture.availableVolume(member, 1));
        resetSnapshot(snapshot, "backing-up");

        assertFault(
                member.post("/volumes", volumeFrom(snapshot)),
                400,
                "EVS.2043",
                "Invalid snapshot: Originating snapshot status must be one of 'available' values");
        Reply created = member.post(v2("/volumes"), volumeFrom(snapshot));
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        member.await("/volumes/" + created.json().at("/volume/id").asString(), "/volume/status", "available");

        resetSnapshot(snapshot, "error");
        assertFault(
                member.post(v2("/volumes"), volumeFrom(snapshot)),
                400,
                "EVS.2043",
                "The status of snapshot is not available or backing-up.");
    }

    /**
     * The rollback's data work really fails: a directory stands where the engine writes the volume's new chunk
     * map aside before renaming it, so every attempt gets an I/O error until the directory goes.
     */
    @Test
    void aFailedRollbackLeavesTheDiskInErrorRollbackingToBeRolledBackAgainOrDeleted() throws IOException {
        String retried = EvsFixture.availableVolume(member, 1);
        String deleted = EvsFixture.availableVolume(member, 1);
        write(retried, 0x5a);
        String retriedSnapshot = snapshotOf(retried);
        String deletedSnapshot = snapshotOf(deleted);
        write(retried, 0x3c);
        Path retriedObstacle = Files.createDirectory(mapWrittenAside(retried));
        Path deletedObstacle = Files.createDirectory(mapWrittenAside(deleted));

        assertThat(member.post(v2("/cloudsnapshots/" + retriedSnapshot + "/rollback"), rollbackOnto(retried))
                        .status())
                .isEqualTo(202);
        assertThat(member.post(v2("/cloudsnapshots/" + deletedSnapshot + "/rollback"), rollbackOnto(deleted))
                        .status())
                .isEqualTo(202);
        member.await("/volumes/" + retried, "/volume/status", "error_rollbacking");
        member.await("/volumes/" + deleted, "/volume/status", "error_rollbacking");
        member.await(v2("/cloudsnapshots/" + retriedSnapshot), "/snapshot/status", "available");
        Files.delete(retriedObstacle);
        Files.delete(deletedObstacle);

        Reply again = member.post(v2("/cloudsnapshots/" + retriedSnapshot + "/rollback"), rollbackOnto(retried));
        assertThat(again.status()).as(again.text()).isEqualTo(202);
        member.await("/volumes/" + retried, "/volume/status", "available");
        member.await(v2("/cloudsnapshots/" + retriedSnapshot), "/snapshot/status", "available");
        assertThat(read(retried)).isEqualTo(filled(0x5a));

        assertFault(member.delete("/volumes/" + deleted + "?cascade=true"), 400, "EVS.1046", null);
        assertThat(member.delete(v2("/volumes/" + deleted)).status()).isEqualTo(202);
        member.awaitGone("/volumes/" + deleted);
        member.awaitGone(v2("/cloudsnapshots/" + deletedSnapshot));
    }

    @Test
    void aRollbackIsRefusedWhileTheDiskIsInAnotherStatus() {
        String volume = EvsFixture.availableVolume(member, 1);
        String snapshot = snapshotOf(volume);
        admin.post("/volumes/" + volume + "/action", "{\"os-reset_status\":{\"status\":\"error\"}}");

        assertFault(
                member.post(v2("/cloudsnapshots/" + snapshot + "/rollback"), rollbackOnto(volume)),
                400,
                "EVS.5400",
                "Invalid volume: Volume's status must be 'available' or 'error_rollbacking' to roll back, currently error.");
        assertThat(member.get(v2("/cloudsnapshots/" + snapshot))
                        .json()
                        .at("/snapshot/status")
                        .asString())
                .isEqualTo("available");
    }

    @Test
    void namesAndDescriptionsOfTheNativeApiAreCountedInBytes() {
        String volume = EvsFixture.availableVolume(member, 1);
        String fits = "é".repeat(127) + "a"; // 255 bytes
        String tooLong = "é".repeat(128); // 256 bytes in 128 characters

        Reply created = member.post(v2("/cloudsnapshots"), snapshotBody(volume, fits, fits, Map.of()));
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        assertThat(created.json().at("/snapshot/name").asString()).isEqualTo(fits);
        String id = created.json().at("/snapshot/id").asString();
        assertFault(
                member.post(v2("/cloudsnapshots"), snapshotBody(volume, tooLong, null, Map.of())),
                400,
                "EVS.5400",
                "name is longer than 255 bytes.");
        assertFault(
                member.post(v2("/cloudsnapshots"), snapshotBody(volume, null, tooLong, Map.of())),
                400,
                "EVS.5400",
                "description is longer than 255 bytes.");

        assertFault(
                member.put(v2("/cloudsnapshots/" + id), "{\"snapshot\":{\"name\":\"" + tooLong + "\"}}"),
                400,
                "EVS.5400",
                "name is longer than 255 bytes.");
        assertFault(
                member.put(v2("/cloudsnapshots/" + id), "{\"snapshot\":{\"description\":\"" + tooLong + "\"}}"),
                400,
                "EVS.5400",
                "description is longer than 255 bytes.");
        assertThat(member.put(v2("/cloudsnapshots/" + id), "{\"snapshot\":{\"name\":\"" + fits + "\"}}")
                        .status())
                .isEqualTo(200);
        member.await(v2("/cloudsnapshots/" + id), "/snapshot/status", "available");
        assertFault(
                member.post(
                        v2("/cloudsnapshots/" + id + "/rollback"),
                        "{\"rollback\":{\"volume_id\":\"" + volume + "\",\"name\":\"" + tooLong + "\"}}"),
                400,
                "EVS.5400",
                "name is longer than 255 bytes.");
        assertThat(member.get("/volumes/" + volume).json().at("/volume/status").asString())
                .isEqualTo("available");
    }

    @Test
    void metadataMustStayUnderOneMebibyte() {
        String volume = EvsFixture.availableVolume(member, 1);

        assertFault(
                member.post(v2("/cloudsnapshots"), snapshotBody(volume, null, null, metadataOf(1 << 20))),
                400,
                "EVS.1005",
                "size of metadata is too large!");
        Reply justUnder =
                member.post(v2("/cloudsnapshots"), snapshotBody(volume, null, null, metadataOf((1 << 20) - 1)));
        assertThat(justUnder.status()).as(justUnder.text()).isEqualTo(202);
        assertThat(justUnder.json().at("/snapshot/metadata").size())
                .isEqualTo(metadataOf((1 << 20) - 1).size());

        assertFault(
                member.post(v2("/cloudsnapshots"), snapshotBody(volume, null, null, Map.of("k", "v".repeat(256)))),
                400,
                "EVS.5400",
                "metadata keys and values must have at most 255 characters.");
        // The Cinder paths keep their own, smaller limit on the whole body.
        Reply cinder = member.post("/snapshots", snapshotBody(volume, null, null, metadataOf(1 << 20)));
        assertThat(cinder.status()).isEqualTo(413);
        assertThat(cinder.header("Content-Type")).startsWith("text/plain");
    }

    private static byte[] filled(int value) {
        byte[] data = new byte[1 << 20];
        Arrays.fill(data, (byte) value);
        return data;
    }

    private static void write(String volumeId, int value) throws IOException {
        try (NbdClient client = NbdClient.connect("127.0.0.1", nbdPort, volumeId)) {
            client.write(0, filled(value));
            client.flush();
        }
    }

    private static byte[] read(String volumeId) throws IOException {
        try (NbdClient client = NbdClient.connect("127.0.0.1", nbdPort, volumeId)) {
            return client.read(0, 1 << 20);
        }
    }

    private static Path mapWrittenAside(String volumeId) {
        return dir.resolve("engine").resolve("maps").resolve("volumes").resolve(volumeId + ".map.tmp");
    }

    private static String rollbackOnto(String volumeId) {
        return "{\"rollback\":{\"volume_id\":\"" + volumeId + "\"}}";
    }

    private static String snapshotBody(String volumeId, String name, String description, Map<String, String> metadata) {
        ObjectNode snapshot = JSON.createObjectNode().put("volume_id", volumeId);
        if (name != null) {
            snapshot.put("name", name);
        }
        if (description != null) {
            snapshot.put("description", description);
        }
        snapshot.set("metadata", JSON.valueToTree(metadata));
        return JSON.createObjectNode().set("snapshot", snapshot).toString();
    }

    /** Metadata whose keys and values add up to exactly {@code bytes} ASCII bytes, in entries the tables can hold. */
    private static Map<String, String> metadataOf(int bytes) {
        Map<String, String> metadata = new LinkedHashMap<>();
        int left = bytes;
        for (int i = 0; left > 0; i++) {
            String key = String.format("key-%06d", i);
            int value = Math.min(255, left - key.length());
            metadata.put(key, "v".repeat(value));
            left -= key.length() + value;
        }
        return metadata;
    }
}
