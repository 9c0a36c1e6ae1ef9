package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestCeph;
import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import io.cairn.backup.BackupRepository;
import io.cairn.engine.nbd.NbdClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

/**
 * The backup API end to end against a real S3 server (Ceph's RADOS Gateway): data written through NBD is backed up,
 * its volume and snapshots deleted, and restored byte for byte, on this server and on a second one that knows the
 * backup only from its exported record; an incremental backup uploads what changed; Cinder's rules and faults.
 */
class BackupApiTest {
    private static final String PROJECT = "5a1f2c3d4e5f40718293a4b5c6d7e8f9";
    private static final int MIB = 1 << 20;
    private static final long GIB = 1L << 30;

    @TempDir
    static Path dataDir;

    @TempDir
    static Path secondDataDir;

    static TestServer server;
    static Client admin;
    static Client member;
    static String bucket;
    static S3Client s3;

    @BeforeAll
    static void start() {
        TestCeph.assumeS3Available();
        bucket = "cairn-test-" + UUID.randomUUID().toString().substring(0, 8);
        server = TestServer.start(dataDir, settings(bucket));
        admin = server.as("boss", PROJECT);
        member = server.as("alice", PROJECT, "member", "reader");
        TestCeph.S3 endpoint = TestCeph.s3();
        s3 = S3Client.builder()
                .endpointOverride(endpoint.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(endpoint.accessKey(), endpoint.secretKey())))
                .build();
    }

    static Map<String, String> settings(String bucket) {
        TestCeph.S3 endpoint = TestCeph.s3();
        Map<String, String> settings = new HashMap<>(
                Map.of("quota-snapshots", "-1", "quota-volumes", "-1", "quota-gigabytes", "-1", "quota-backups", "-1"));
        settings.put("backup-s3-endpoint", endpoint.endpoint().toString());
        settings.put("backup-s3-bucket", bucket);
        settings.put("backup-s3-access-key", endpoint.accessKey());
        settings.put("backup-s3-secret-key", endpoint.secretKey());
        return settings;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void aSnapshotsBackupRestoresEveryByteAfterItsVolumeAndSnapshotsAreGone() throws IOException {
        String volume = createVolume(member, 1);
        Map<Long, byte[]> written = writeRandomBlocks(volume, 12, 7);
        String snapshot = VolumeApiTest.createSnapshot(member, volume);
        Reply created = member.post(
                "/backups",
                "{\"backup\":{\"volume_id\":\"" + volume + "\",\"snapshot_id\":\"" + snapshot
                        + "\",\"name\":\"nightly\"}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        assertThat(fieldNames(created.json().get("backup"))).containsExactly("id", "links", "name");
        String backup = created.json().at("/backup/id").asString();
        JsonNode shown = member.await("/backups/" + backup, "/backup/status", "available")
                .get("backup");
        assertThat(shown.get("snapshot_id").asString()).isEqualTo(snapshot);
        assertThat(shown.get("is_incremental").asBoolean()).isFalse();
        assertThat(shown.get("object_count").asInt()).isPositive();
        member.await("/snapshots/" + snapshot, "/snapshot/status", "available");

        assertThat(member.delete("/volumes/" + volume + "?cascade=true").status())
                .isEqualTo(202);
        member.awaitGone("/volumes/" + volume);

        Reply restore = member.post("/backups/" + backup + "/restore", "{\"restore\":{}}");
        assertThat(restore.status()).as(restore.text()).isEqualTo(202);
        String restored = restore.json().at("/restore/volume_id").asString();
        assertThat(restore.json().at("/restore/volume_name").asString()).isEqualTo("restore_backup_" + backup);
        member.await("/volumes/" + restored, "/volume/status", "available");
        member.await("/backups/" + backup, "/backup/status", "available");
        assertThat(readBack(server, restored, written)).isTrue();
        assertThat(member.get("/volumes/" + restored)
                        .json()
                        .at("/volume/metadata/src_backup_id")
                        .asString())
                .isEqualTo(backup);
    }

    @Test
    void aBackupRestoresOnASecondServerThatKnowsItOnlyFromItsRecord() throws IOException {
        String volume = createVolume(member, 1);
        Map<Long, byte[]> written = writeRandomBlocks(volume, 6, 11);
        String backup = createBackup(member, volume, false);
        Reply exported = admin.get("/backups/" + backup + "/export_record");
        assertThat(exported.status()).as(exported.text()).isEqualTo(200);
        assertThat(exported.json().at("/backup-record/backup_service").asString())
                .startsWith("cinder.backup.drivers");

        try (TestServer second = TestServer.start(secondDataDir, settings(bucket))) {
            Client other = second.as("boss", PROJECT);
            Reply imported = other.post(
                    "/backups/import_record",
                    "{\"backup-record\":" + exported.json().get("backup-record") + "}");
            assertThat(imported.status()).as(imported.text()).isEqualTo(201);
            other.await("/backups/" + backup, "/backup/status", "available");
            Reply restore = other.post("/backups/" + backup + "/restore", "{\"restore\":{}}");
            assertThat(restore.status()).as(restore.text()).isEqualTo(202);
            String restored = restore.json().at("/restore/volume_id").asString();
            other.await("/volumes/" + restored, "/volume/status", "available");
            assertThat(readBack(second, restored, written)).isTrue();
        }
    }

    @Test
    void anIncrementalBackupUploadsAboutWhatChangedAndRestoresTheNewerData() throws IOException {
        String volume = createVolume(member, 1);
        Map<Long, byte[]> written = writeRandomBlocks(volume, 20, 13);
        String full = createBackup(member, volume, false);
        long before = storedChunkBytes();
        // 1% of the volume: ten 1 MiB writes at MiB offsets, each one whole backup chunk
        Map<Long, byte[]> changed = writeRandomBlocks(volume, 10, 17);
        String incremental = createBackup(member, volume, true);
        long uploaded = storedChunkBytes() - before;
        assertThat(uploaded).isEqualTo(changed.size() * (long) BackupRepository.CHUNK_SIZE);
        JsonNode shown = member.get("/backups/" + incremental).json().get("backup");
        assertThat(shown.get("is_incremental").asBoolean()).isTrue();
        assertThat(member.get("/backups/" + full)
                        .json()
                        .at("/backup/has_dependent_backups")
                        .asBoolean())
                .isTrue();

        Reply refused = member.delete("/backups/" + full);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.message()).isEqualTo("Invalid backup: Incremental backups exist for this backup.");

        String target = createVolume(member, 1);
        Reply restore =
                member.post("/backups/" + incremental + "/restore", "{\"restore\":{\"volume_id\":\"" + target + "\"}}");
        assertThat(restore.status()).as(restore.text()).isEqualTo(202);
        member.await("/volumes/" + target, "/volume/status", "available");
        Map<Long, byte[]> expected = new HashMap<>(written);
        expected.putAll(changed);
        assertThat(readBack(server, target, expected)).isTrue();

        assertThat(member.delete("/backups/" + incremental).status()).isEqualTo(202);
        member.awaitGone("/backups/" + incremental);
        assertThat(member.delete("/backups/" + full).status()).isEqualTo(202);
        member.awaitGone("/backups/" + full);
    }

    @Test
    void cinderRulesAndFaults() {
        String volume = createVolume(member, 1);
        Reply noParent =
                member.post("/backups", "{\"backup\":{\"volume_id\":\"" + volume + "\",\"incremental\":true}}");
        assertThat(noParent.status()).isEqualTo(400);
        assertThat(noParent.message()).isEqualTo("Invalid backup: No backups available to do an incremental backup.");

        Reply missing = member.get("/backups/" + UUID.randomUUID());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.message()).endsWith("could not be found.");

        Reply metadataTooEarly =
                member.post("/backups", "{\"backup\":{\"volume_id\":\"" + volume + "\",\"metadata\":{}}}");
        assertThat(metadataTooEarly.status()).isEqualTo(400);

        String backup = createBackup(member, volume, false);
        Reply manageable = admin.version("3.8").get("/manageable_snapshots?host=h");
        assertThat(manageable.status()).as(manageable.text()).isEqualTo(200);
        assertThat(manageable.text())
                .as("a backup's own image is no one's to manage")
                .doesNotContain(backup);
        Reply badStatus =
                admin.post("/backups/" + backup + "/action", "{\"os-reset_status\":{\"status\":\"creating\"}}");
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.message())
                .isEqualTo("Backup status: creating is invalid, valid statuses are: ['available', 'error'].");
        assertThat(member.post("/backups/" + backup + "/action", "{\"os-reset_status\":{\"status\":\"error\"}}")
                        .status())
                .isEqualTo(403);
        assertThat(admin.post("/backups/" + backup + "/action", "{\"os-reset_status\":{\"status\":\"error\"}}")
                        .status())
                .isEqualTo(202);
        member.await("/backups/" + backup, "/backup/status", "error");
        Reply notRestorable = member.post("/backups/" + backup + "/restore", "{\"restore\":{}}");
        assertThat(notRestorable.status()).isEqualTo(400);
        assertThat(notRestorable.message()).isEqualTo("Invalid backup: Backup status must be available");

        Reply tooEarly = member.put("/backups/" + backup, "{\"backup\":{\"name\":\"x\"}}");
        assertThat(tooEarly.status()).isEqualTo(404);
        Reply renamed = member.version("3.9").put("/backups/" + backup, "{\"backup\":{\"name\":\"renamed\"}}");
        assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
        assertThat(member.get("/backups/" + backup).json().at("/backup/name").asString())
                .isEqualTo("renamed");

        Reply list = member.get("/backups");
        assertThat(fieldNames(list.json())).containsExactly("backups");
        Reply page = member.version("3.45").get("/backups/detail?limit=1&with_count=true");
        assertThat(page.json().get("count").asInt()).isPositive();
        assertThat(page.json().has("backups_links")).isTrue();

        assertThat(member.delete("/backups/" + backup).status()).isEqualTo(202);
        member.awaitGone("/backups/" + backup);
    }

    @Test
    void aBackupBeyondTheQuotaIsRefusedWithCindersMessage() {
        Client limited = server.as("carol", "9d3f2c3d4e5f40718293a4b5c6d7e8f9", "member", "reader");
        assertThat(admin.put(
                                "//v3/" + PROJECT + "/os-quota-sets/9d3f2c3d4e5f40718293a4b5c6d7e8f9",
                                "{\"quota_set\":{\"backups\":0}}")
                        .status())
                .isEqualTo(200);
        String volume = createVolume(limited, 1);
        Reply refused = limited.post("/backups", "{\"backup\":{\"volume_id\":\"" + volume + "\"}}");
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.message()).isEqualTo("BackupLimitExceeded: Maximum number of backups allowed (0) exceeded");
        assertThat(limited.get("/volumes/" + volume).json().at("/volume/status").asString())
                .isEqualTo("available");
    }

    @Test
    void racingBackupsNeverPassTheQuota() throws Exception {
        String project = "8e3f2c3d4e5f40718293a4b5c6d7e8f9";
        Client racer = server.as("dave", project, "member", "reader");
        assertThat(admin.put("//v3/" + PROJECT + "/os-quota-sets/" + project, "{\"quota_set\":{\"backups\":1}}")
                        .status())
                .isEqualTo(200);
        java.util.List<String> volumes = java.util.stream.IntStream.range(0, 4)
                .mapToObj(i -> createVolume(racer, 1))
                .toList();
        java.util.List<java.util.concurrent.Future<Reply>> replies;
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            replies = volumes.stream()
                    .map(v ->
                            threads.submit(() -> racer.post("/backups", "{\"backup\":{\"volume_id\":\"" + v + "\"}}")))
                    .toList();
        }
        java.util.List<Integer> statuses = new java.util.ArrayList<>();
        for (var reply : replies) {
            statuses.add(reply.get().status());
        }
        assertThat(statuses).containsOnly(202, 413).containsOnlyOnce(202);
        assertThat(racer.get("/backups").json().get("backups").size()).isEqualTo(1);
    }

    static String createVolume(Client client, int sizeGib) {
        return VolumeApiTest.createVolume(client, "{\"volume\":{\"size\":" + sizeGib + "}}");
    }

    static String createBackup(Client client, String volume, boolean incremental) {
        Reply created = client.post(
                "/backups", "{\"backup\":{\"volume_id\":\"" + volume + "\",\"incremental\":" + incremental + "}}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        String id = created.json().at("/backup/id").asString();
        client.await("/backups/" + id, "/backup/status", "available");
        client.await("/volumes/" + volume, "/volume/status", "available");
        return id;
    }

    /** Writes {@code count} random 1 MiB blocks at random MiB offsets through NBD; returns them by offset. */
    Map<Long, byte[]> writeRandomBlocks(String volume, int count, long seed) throws IOException {
        Random random = new Random(seed);
        Map<Long, byte[]> written = new HashMap<>();
        try (NbdClient nbd = NbdClient.connect("127.0.0.1", server.nbdPort(), volume)) {
            for (int i = 0; i < count; i++) {
                long offset = (long) random.nextInt((int) (GIB / MIB)) * MIB;
                byte[] block = new byte[MIB];
                random.nextBytes(block);
                nbd.write(offset, block);
                written.put(offset, block);
            }
            nbd.flush();
        }
        return written;
    }

    /** Whether every written block reads back, and a few unwritten places read as zeros. */
    static boolean readBack(TestServer on, String volume, Map<Long, byte[]> written) throws IOException {
        try (NbdClient nbd = NbdClient.connect("127.0.0.1", on.nbdPort(), volume)) {
            for (Map.Entry<Long, byte[]> block : written.entrySet()) {
                assertThat(nbd.read(block.getKey(), MIB))
                        .as("block at " + block.getKey())
                        .isEqualTo(block.getValue());
            }
            for (long offset = 0; offset < GIB; offset += 97L * MIB) {
                if (!written.containsKey(offset)) {
                    assertThat(nbd.read(offset, 4096)).as("zeros at " + offset).isEqualTo(new byte[4096]);
                }
            }
        }
        return true;
    }

    /** The bytes of every chunk object the bucket holds. */
    long storedChunkBytes() {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("chunks/")).contents().stream()
                .mapToLong(S3Object::size)
                .sum();
    }

    static java.util.List<String> fieldNames(JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
