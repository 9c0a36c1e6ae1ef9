package io.cairn.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.ServerProcess;
import io.cairn.TestCeph;
import io.cairn.engine.nbd.NbdClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A server killed with SIGKILL in the middle of a backup: after the restart the backup is resumed (never left
 * creating, never half-visible), the volume is no longer backing-up. Then one killed in the middle of a restore:
 * after the restart the restore is resumed, the backup is available again, and the volume holds every byte.
 */
class BackupCrashTest {
    private static final String PROJECT = "3e4f5a6b7c8d40718293a4b5c6d7e8f9";
    private static final int MIB = 1 << 20;

    @TempDir
    Path dataDir;

    @Test
    void aBackupAndARestoreKilledMidwayAreResumedAndRestoreEveryByte() throws Exception {
        TestCeph.assumeS3Available();
        TestCeph.S3 s3 = TestCeph.s3();
        int nbdPort = freePort();
        Map<String, String> environment = Map.of(
                "CAIRN_NBD_PORT", Integer.toString(nbdPort),
                "CAIRN_BACKUP_S3_ENDPOINT", s3.endpoint().toString(),
                "CAIRN_BACKUP_S3_BUCKET",
                        "cairn-crash-" + UUID.randomUUID().toString().substring(0, 8),
                "CAIRN_BACKUP_S3_ACCESS_KEY", s3.accessKey(),
                "CAIRN_BACKUP_S3_SECRET_KEY", s3.secretKey());
        byte[] data = new byte[256 * MIB];
        new Random(5).nextBytes(data);
        String volume;
        String backup;
        try (ServerProcess first = ServerProcess.start(dataDir, environment)) {
            ApiClient api = new ApiClient(first, PROJECT);
            volume = api.post("/volumes", "{\"volume\":{\"size\":1}}")
                    .json()
                    .at("/volume/id")
                    .asString();
            await(api, "/volumes/" + volume, "/volume/status", "available");
            try (NbdClient nbd = NbdClient.connect("127.0.0.1", nbdPort, volume)) {
                for (int offset = 0; offset < data.length; offset += 16 * MIB) {
                    nbd.write(offset, data, offset, 16 * MIB, false);
                }
                nbd.flush();
            }
            ApiClient.Reply created = api.post("/backups", "{\"backup\":{\"volume_id\":\"" + volume + "\"}}");
            assertThat(created.status()).as(created.text()).isEqualTo(202);
            backup = created.json().at("/backup/id").asString();
            // Killed once some chunks are up and before all are.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (api.get("/backups/" + backup)
                                    .json()
                                    .at("/backup/object_count")
                                    .asInt()
                            == 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(api.get("/backups/" + backup).json().at("/backup/status").asString())
                    .isEqualTo("creating");
            first.kill();
        }
        String restored;
        try (ServerProcess second = ServerProcess.start(dataDir, environment)) {
            ApiClient api = new ApiClient(second, PROJECT);
            await(api, "/backups/" + backup, "/backup/status", "available");
            await(api, "/volumes/" + volume, "/volume/status", "available");
            ApiClient.Reply restore = api.post("/backups/" + backup + "/restore", "{\"restore\":{}}");
            assertThat(restore.status()).as(restore.text()).isEqualTo(202);
            restored = restore.json().at("/restore/volume_id").asString();
            // Killed once the restore writes (the new volume is restoring-backup), 256 MiB before it ends.
            await(api, "/volumes/" + restored, "/volume/status", "restoring-backup");
            second.kill();
        }
        try (ServerProcess third = ServerProcess.start(dataDir, environment)) {
            ApiClient api = new ApiClient(third, PROJECT);
            await(api, "/volumes/" + restored, "/volume/status", "available");
            await(api, "/backups/" + backup, "/backup/status", "available");
            try (NbdClient nbd = NbdClient.connect("127.0.0.1", nbdPort, restored)) {
                for (int offset = 0; offset < data.length; offset += 16 * MIB) {
                    assertThat(nbd.read(offset, 16 * MIB))
                            .as("16 MiB at " + offset)
                            .isEqualTo(java.util.Arrays.copyOfRange(data, offset, offset + 16 * MIB));
                }
            }
        }
    }

    private static JsonNode await(ApiClient api, String path, String pointer, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            ApiClient.Reply reply = api.get(path);
            if (reply.status() == 200) {
                last = reply.json();
                if (expected.equals(last.at(pointer).asString())) {
                    return last;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(path + " never had " + pointer + " = " + expected + "; last: " + last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
