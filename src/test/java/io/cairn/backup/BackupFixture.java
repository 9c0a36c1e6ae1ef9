package io.cairn.backup;

import io.cairn.TestCeph;
import io.cairn.config.CairnConfig.BackupConfig;
import io.cairn.engine.BlockDevice;
import io.cairn.engine.LocalChunkEngine;
import io.cairn.engine.StorageEngine.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What the backup tests stand on: a local chunk engine to take volumes and snapshots from, the test S3 server, and a
 * client of its own to look at (and damage) the objects behind the repository's back.
 */
final class BackupFixture implements AutoCloseable {
    static final int CHUNK = BackupRepository.CHUNK_SIZE;
    static final String REGION = "us-east-1";

    private final Path engineDirectory;
    LocalChunkEngine engine;
    final TestCeph.S3 s3;
    final S3Client objects;
    private final List<String> buckets = new ArrayList<>();

    private BackupFixture(Path engineDirectory, LocalChunkEngine engine, TestCeph.S3 s3, S3Client objects) {
        this.engineDirectory = engineDirectory;
        this.engine = engine;
        this.s3 = s3;
        this.objects = objects;
    }

    /** Skips the test when there is no S3 server. */
    static BackupFixture open(Path directory) throws IOException {
        TestCeph.assumeS3Available();
        TestCeph.S3 s3 = TestCeph.s3();
        S3Client objects = S3Client.builder()
                .endpointOverride(s3.endpoint())
                .region(Region.of(REGION))
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
        return new BackupFixture(directory, LocalChunkEngine.open(directory, 64 * 1024), s3, objects);
    }

    /** Closes the engine, for another process to open. */
    void closeEngine() throws IOException {
        engine.close();
        engine = null;
    }

    /** Opens the engine again, running its recovery pass, as after a crash. */
    void openEngine() throws IOException {
        engine = LocalChunkEngine.open(engineDirectory, 64 * 1024);
    }

    /** A bucket name no other test uses; the bucket, if made, is emptied and removed on {@link #close()}. */
    String newBucket() {
        String bucket =
                "cairn-test-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        buckets.add(bucket);
        return bucket;
    }

    BackupConfig config(String bucket) {
        return new BackupConfig(
                Optional.of(s3.endpoint()), bucket, REGION, Optional.of(s3.accessKey()), Optional.of(s3.secretKey()));
    }

    /** Writes {@code length} bytes of a pattern that {@code seed} picks (no two seeds alike, never zeros) at offset. */
    void fill(String volumeId, long offset, int length, long seed) throws IOException {
        byte[] pattern = new byte[length];
        new Random(seed).nextBytes(pattern);
        pattern[0] = 1;
        try (BlockDevice volume = engine.open(volumeId, Optional.empty(), true)) {
            volume.write(offset, ByteBuffer.wrap(pattern), false);
            volume.flush();
        }
    }

    /** The volume's snapshot, taken now, opened read-only: what a backup reads. */
    BlockDevice snapshot(String volumeId, String snapshotId) throws IOException {
        engine.createSnapshot(volumeId, snapshotId, fraction -> {});
        return engine.open(volumeId, Optional.of(snapshotId), false);
    }

    BlockDevice open(String volumeId) throws IOException {
        return engine.open(volumeId, Optional.empty(), true);
    }

    /** The SHA-256 of the device's first {@code length} bytes. */
    static String digest(BlockDevice device, long length) throws IOException {
        return digest(device, 0, length);
    }

    /** The SHA-256 of {@code length} bytes of the device from {@code offset}. */
    static String digest(BlockDevice device, long offset, long length) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer block = ByteBuffer.allocate(1 << 20);
        for (long done = 0; done < length; done += block.capacity()) {
            block.clear().limit((int) Math.min(block.capacity(), length - done));
            device.read(offset + done, block);
            digest.update(block.flip());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The whole device as one extent: what a full backup reads when the engine cannot say more. */
    static List<Extent> whole(BlockDevice device) {
        return List.of(new Extent(0, device.sizeBytes()));
    }

    /** The names of the chunk objects in the bucket. */
    List<String> chunkObjects(String bucket) {
        return objects.listObjectsV2Paginator(request -> request.bucket(bucket).prefix("chunks/")).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    boolean bucketExists(String bucket) {
        return objects.listBuckets().buckets().stream()
                .anyMatch(each -> each.name().equals(bucket));
    }

    /** Replaces an object's bytes, as a failing disk or a careless hand might. */
    void overwrite(String bucket, String key, byte[] content) {
        objects.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromBytes(content));
    }

    /** Removes the test's buckets (the test S3 server keeps its data in memory) and closes the engine. */
    @Override
    public void close() throws IOException {
        try {
            for (String bucket : buckets) {
                if (bucketExists(bucket)) {
                    objects.listObjectsV2Paginator(request -> request.bucket(bucket))
                            .contents()
                            .forEach(object -> objects.deleteObject(
                                    request -> request.bucket(bucket).key(object.key())));
                    objects.deleteBucket(request -> request.bucket(bucket));
                }
            }
        } finally {
            objects.close();
            if (engine != null) {
                engine.close();
            }
        }
    }
}
