package io.cairn.backup;

import static io.cairn.backup.BackupFixture.CHUNK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.backup.BackupStoreException.Reason;
import io.cairn.config.CairnConfig.BackupConfig;
import io.cairn.engine.BlockDevice;
import io.cairn.engine.StorageEngine.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups written to, and read back from, a real S3 server (the test cluster's RADOS Gateway). */
class BackupRepositoryTest {
    /** Seven chunks, the last one short. */
    private static final long SIZE = 6L * CHUNK + 100 * 1024;

    @TempDir
    Path directory;

    private BackupFixture fixture;
    private String bucket;
    private BackupRepository repository;

    @BeforeEach
    void open() throws IOException {
        fixture = BackupFixture.open(directory);
        bucket = fixture.newBucket();
        repository = BackupRepository.open(fixture.config(bucket));
    }

    @AfterEach
    void close() throws IOException {
        if (repository != null) {
            repository.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Chunks 0, 4 and 6 (short) full of patterns, chunk 2 with half a chunk of one in its middle, 1, 3 and 5 zeros. */
    private void createVolume(String volumeId) throws IOException {
        fixture.engine.createVolume(volumeId, SIZE);
        fixture.fill(volumeId, 0, CHUNK, 0);
        fixture.fill(volumeId, 2L * CHUNK + CHUNK / 4, CHUNK / 2, 2);
        fixture.fill(volumeId, 4L * CHUNK, CHUNK, 4);
        fixture.fill(volumeId, 6L * CHUNK, 100 * 1024, 6);
    }

    private WriteResult fullBackup(String backupId, String volumeId, BlockDevice snapshot, ChunkClaims claims)
            throws IOException {
        return repository.write(
                new BackupSource(backupId, volumeId, bucket, snapshot, BackupFixture.whole(snapshot), Optional.empty()),
                claims,
                Progress.none());
    }

    @Test
    void aFullBackupStoresEachChunkThatIsNotZerosAndRestoresEveryByte() throws IOException {
        createVolume("vol");
        List<long[]> reports = new ArrayList<>();
        RecordedClaims claims = RecordedClaims.recording();
        try (BlockDevice snapshot = fixture.snapshot("vol", "snap")) {
            WriteResult result = repository.write(
                    new BackupSource(
                            "backup-1", "vol", bucket, snapshot, BackupFixture.whole(snapshot), Optional.empty()),
                    claims,
                    (done, total, bytes) -> reports.add(new long[] {done, total, bytes}));

            Manifest manifest = result.manifest();
            assertThat(manifest.sizeBytes()).isEqualTo(SIZE);
            assertThat(manifest.chunkSize()).isEqualTo(CHUNK);
            assertThat(manifest.chunkCount()).isEqualTo(7);
            assertThat(manifest.parentBackupId()).isEmpty();
            assertThat(manifest.container()).isEqualTo(bucket);
            assertThat(List.of(1, 3, 5))
                    .allSatisfy(index -> assertThat(manifest.chunk(index)).isEmpty());
            assertThat(List.of(0, 2, 4, 6))
                    .allSatisfy(index -> assertThat(manifest.chunk(index)).isPresent());
            assertThat(manifest.objectCount()).isEqualTo(4);
            assertThat(result.chunksUploaded()).isEqualTo(4);
            assertThat(result.bytesUploaded()).isEqualTo(3L * CHUNK + 100 * 1024);
            assertThat(result.bytesRead()).isEqualTo(SIZE);
            assertThat(claims.claimed()).isEqualTo(manifest.hashes());
            assertThat(fixture.chunkObjects(bucket))
                    .containsExactlyInAnyOrderElementsOf(manifest.hashes().stream()
                            .map(hash -> "chunks/" + hash)
                            .toList());
            assertThat(reports).hasSize(7);
            assertThat(reports.getLast()).containsExactly(7, 7, result.bytesUploaded());
            assertThat(repository.readManifest(bucket, "backup-1")).contains(manifest);

            fixture.engine.createVolume("restored", SIZE);
            try (BlockDevice restored = fixture.open("restored")) {
                repository.restore(manifest, restored, true, Progress.none());
                assertThat(BackupFixture.digest(restored, SIZE)).isEqualTo(BackupFixture.digest(snapshot, SIZE));
            }
        }
    }

    @Test
    void anIncrementalBackupReadsAndUploadsOnlyTheChunksThatChanged() throws IOException {
        createVolume("vol");
        Manifest full;
        String fullContent;
        try (BlockDevice snapshot = fixture.snapshot("vol", "snap-1")) {
            full = fullBackup("backup-1", "vol", snapshot, RecordedClaims.recording())
                    .manifest();
            fullContent = BackupFixture.digest(snapshot, SIZE);
        }
        fixture.fill("vol", 2L * CHUNK + 10, 1000, 20);
        fixture.fill("vol", 5L * CHUNK, 4096, 50);
        RecordedClaims claims = RecordedClaims.recording();
        try (BlockDevice snapshot = fixture.snapshot("vol", "snap-2")) {
            List<Extent> changed = List.of(new Extent(2L * CHUNK + 10, 1000), new Extent(5L * CHUNK, 4096));
            WriteResult result = repository.write(
                    new BackupSource("backup-2", "vol", bucket, snapshot, changed, Optional.of(full)),
                    claims,
                    Progress.none());

            Manifest incremental = result.manifest();
            assertThat(result.bytesRead()).isEqualTo(2L * CHUNK);
            assertThat(result.chunksUploaded()).isEqualTo(2);
            assertThat(result.bytesUploaded()).isEqualTo(2L * CHUNK);
            assertThat(incremental.parentBackupId()).contains("backup-1");
            assertThat(incremental.chunk(2)).isNotEqualTo(full.chunk(2));
            assertThat(incremental.chunk(5)).isPresent();
            assertThat(List.of(0, 1, 3, 4, 6))
                    .allSatisfy(index -> assertThat(incremental.chunk(index)).isEqualTo(full.chunk(index)));
            assertThat(claims.claimed())
                    .as("every chunk the manifest lists, those kept from the parent too")
                    .isEqualTo(incremental.hashes());

            fixture.engine.createVolume("restored-2", SIZE);
            try (BlockDevice restored = fixture.open("restored-2")) {
                repository.restore(incremental, restored, true, Progress.none());
                assertThat(BackupFixture.digest(restored, SIZE)).isEqualTo(BackupFixture.digest(snapshot, SIZE));
            }
        }
        fixture.engine.createVolume("restored-1", SIZE);
        try (BlockDevice restored = fixture.open("restored-1")) {
            repository.restore(full, restored, true, Progress.none());
            assertThat(BackupFixture.digest(restored, SIZE)).isEqualTo(fullContent);
        }
    }

    @Test
    void anIncrementalBackupOfAGrownVolumeReadsTheParentsShortLastChunkAgain() throws IOException {
        createVolume("vol");
        Manifest full;
        try (BlockDevice snapshot = fixture.snapshot("vol", "snap-1")) {
            full = fullBackup("backup-1", "vol", snapshot, RecordedClaims.recording())
                    .manifest();
        }
        long grown = 8L * CHUNK;
        fixture.engine.extendVolume("vol", grown);
        try (BlockDevice snapshot = fixture.snapshot("vol", "snap-2")) {
            WriteResult result = repository.write(
                    new BackupSource("backup-2", "vol", bucket, snapshot, List.of(), Optional.of(full)),
                    RecordedClaims.recording(),
                    Progress.none());

            assertThat(result.bytesRead())
                    .as("the old short chunk, now a whole one")
                    .isEqualTo(CHUNK);
            assertThat(result.manifest().chunkCount()).isEqualTo(8);
            assertThat(result.manifest().chunk(7)).isEmpty();
            fixture.engine.createVolume("restored", grown);
            try (BlockDevice restored = fixture.open("restored")) {
                repository.restore(result.manifest(), restored, true, Progress.none());
                assertThat(BackupFixture.digest(restored, grown)).isEqualTo(BackupFixture.digest(snapshot, grown));
            }
        }
    }

    @Test
    void aRestoreOverAVolumeInUseMakesItsZeroChunksZerosAgain() throws IOException {
        createVolume("vol");
        try (BlockDevice snapshot = fixture.snapshot("vol", "snap")) {
            Manifest manifest = fullBackup("backup-1", "vol", snapshot, RecordedClaims.recording())
                    .manifest();
            long dirtySize = 8L * CHUNK;
            fixture.engine.createVolume("dirty", dirtySize);
            for (int index = 0; index < 8; index++) {
                fixture.fill("dirty", (long) index * CHUNK, CHUNK, 100 + index);
            }
            try (BlockDevice dirty = fixture.open("dirty")) {
                String beyond = BackupFixture.digest(dirty, SIZE, dirtySize - SIZE);
                repository.restore(manifest, dirty, false, Progress.none());

                assertThat(BackupFixture.digest(dirty, SIZE)).isEqualTo(BackupFixture.digest(snapshot, SIZE));
                assertThat(BackupFixture.digest(dirty, SIZE, dirtySize - SIZE))
                        .as("past the backup's end")
                        .isEqualTo(beyond);
            }
        }
    }

    @Test
    void aRestoreToAVolumeSaidToReadZerosLeavesItsZeroChunksAlone() throws IOException {
        createVolume("vol");
        try (BlockDevice snapshot = fixture.snapshot("vol", "snap")) {
            Manifest manifest = fullBackup("backup-1", "vol", snapshot, RecordedClaims.recording())
                    .manifest();
            fixture.engine.createVolume("dirty", SIZE);
            fixture.fill("dirty", CHUNK, CHUNK, 7);
            try (BlockDevice dirty = fixture.open("dirty")) {
                repository.restore(manifest, dirty, true, Progress.none());

                ByteBuffer first = ByteBuffer.allocate(16);
                dirty.read(CHUNK, first);
                assertThat(first.array())
                        .as("chunk 1, zeros in the backup, not written")
                        .isNotEqualTo(new byte[16]);
            }
        }
    }

    @Test
    void identicalChunksAreStoredOnceWithinABackupAndAcrossBackups() throws IOException {
        for (String volumeId : List.of("vol-a", "vol-b")) {
            fixture.engine.createVolume(volumeId, 4L * CHUNK);
            fixture.fill(volumeId, 0, CHUNK, 1);
            fixture.fill(volumeId, CHUNK, CHUNK, 2);
            fixture.fill(volumeId, 3L * CHUNK, CHUNK, 1); // as chunk 0
        }
        WriteResult first;
        WriteResult second;
        try (BlockDevice snapshot = fixture.snapshot("vol-a", "snap-a")) {
            first = fullBackup("backup-a", "vol-a", snapshot, RecordedClaims.recording());
        }
        try (BlockDevice snapshot = fixture.snapshot("vol-b", "snap-b")) {
            second = fullBackup("backup-b", "vol-b", snapshot, RecordedClaims.recording());
        }

        assertThat(first.manifest().chunk(3)).isEqualTo(first.manifest().chunk(0));
        assertThat(first.manifest().objectCount()).isEqualTo(2);
        assertThat(first.chunksUploaded()).isEqualTo(2);
        assertThat(second.chunksUploaded()).isZero();
        assertThat(second.bytesUploaded()).isZero();
        assertThat(second.manifest().chunks()).isEqualTo(first.manifest().chunks());
        assertThat(fixture.chunkObjects(bucket)).hasSize(2);
    }

    @Test
    void aWriteCutShortLeavesNoBackupAndItsRerunUploadsOnlyWhatIsMissing() throws IOException {
        fixture.engine.createVolume("vol", 6L * CHUNK);
        for (int index = 0; index < 6; index++) {
            fixture.fill("vol", (long) index * CHUNK, CHUNK, 10 + index);
        }
        try (BlockDevice snapshot = fixture.snapshot("vol", "snap")) {
            assertThatThrownBy(() -> fullBackup("backup-1", "vol", snapshot, RecordedClaims.failingOnCall(4)))
                    .hasMessage("the claims could not be recorded");
            assertThat(repository.readManifest(bucket, "backup-1")).isEmpty();
            assertThat(fixture.chunkObjects(bucket))
                    .as("the chunks claimed before the failure")
                    .hasSize(3);

            WriteResult rerun = fullBackup("backup-1", "vol", snapshot, RecordedClaims.recording());

            assertThat(rerun.chunksUploaded()).isEqualTo(3);
            assertThat(rerun.bytesRead()).isEqualTo(6L * CHUNK);
            assertThat(fixture.chunkObjects(bucket)).hasSize(6);
            assertThat(repository.readManifest(bucket, "backup-1")).contains(rerun.manifest());
            WriteResult again = fullBackup("backup-1", "vol", snapshot, RecordedClaims.recording());
            assertThat(again.chunksUploaded())
                    .as("a complete backup written again")
                    .isZero();
            assertThat(again.manifest().chunks()).isEqualTo(rerun.manifest().chunks());
        }
    }

    @Test
    void aChunkReplacedByOtherBytesIsFoundByVerifyAndStopsARestore() throws IOException {
        createVolume("vol");
        Manifest manifest;
        try (BlockDevice snapshot = fixture.snapshot("vol", "snap")) {
            manifest = fullBackup("backup-1", "vol", snapshot, RecordedClaims.recording())
                    .manifest();
        }
        String damaged = manifest.chunk(4).orElseThrow();
        byte[] garbage = new byte[CHUNK];
        garbage[12345] = 1;
        fixture.overwrite(bucket, "chunks/" + damaged, garbage);
        AtomicLong checked = new AtomicLong();

        VerifyReport report = repository.verify(manifest, (done, total, bytes) -> checked.set(done));

        assertThat(report.intact()).isFalse();
        assertThat(report.corrupt()).containsExactly(damaged);
        assertThat(report.missing()).isEmpty();
        assertThat(report.objectsChecked()).isEqualTo(4);
        assertThat(report.bytesRead()).isEqualTo(3L * CHUNK + 100 * 1024);
        assertThat(checked).hasValue(4);
        fixture.engine.createVolume("restored", SIZE);
        try (BlockDevice restored = fixture.open("restored")) {
            assertThatThrownBy(() -> repository.restore(manifest, restored, true, Progress.none()))
                    .isInstanceOfSatisfying(
                            BackupStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
                    .hasMessageContaining("chunk 4 of backup backup-1")
                    .hasMessageContaining("chunks/" + damaged);
        }
    }

    @Test
    void aChunkThatIsGoneIsFoundByVerifyAndStopsARestore() throws IOException {
        createVolume("vol");
        Manifest manifest;
        try (BlockDevice snapshot = fixture.snapshot("vol", "snap")) {
            manifest = fullBackup("backup-1", "vol", snapshot, RecordedClaims.recording())
                    .manifest();
        }
        String gone = manifest.chunk(6).orElseThrow();
        repository.deleteChunk(bucket, gone);
        repository.deleteChunk(bucket, gone);

        VerifyReport report = repository.verify(manifest, Progress.none());

        assertThat(report.missing()).containsExactly(gone);
        assertThat(report.corrupt()).isEmpty();
        fixture.engine.createVolume("restored", SIZE);
        try (BlockDevice restored = fixture.open("restored")) {
            assertThatThrownBy(() -> repository.restore(manifest, restored, true, Progress.none()))
                    .isInstanceOfSatisfying(
                            BackupStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
                    .hasMessageContaining("chunk 6 of backup backup-1 (chunks/" + gone);
        }
    }

    @Test
    void aVerifiedBackupThatIsIntactSaysSo() throws IOException {
        createVolume("vol");
        try (BlockDevice snapshot = fixture.snapshot("vol", "snap")) {
            Manifest manifest = fullBackup("backup-1", "vol", snapshot, RecordedClaims.recording())
                    .manifest();

            VerifyReport report = repository.verify(manifest, Progress.none());

            assertThat(report.intact()).isTrue();
            assertThat(report.objectsChecked()).isEqualTo(4);
        }
    }

    @Test
    void aContainerThatDoesNotExistIsCreatedByTheFirstBackupToIt() throws IOException {
        assertThat(fixture.bucketExists(bucket))
                .as("the configured bucket, made by open")
                .isTrue();
        String other = fixture.newBucket();
        createVolume("vol");
        try (BlockDevice snapshot = fixture.snapshot("vol", "snap")) {
            assertThat(repository.readManifest(other, "backup-1")).isEmpty();

            repository.write(
                    new BackupSource(
                            "backup-1", "vol", other, snapshot, BackupFixture.whole(snapshot), Optional.empty()),
                    RecordedClaims.recording(),
                    Progress.none());

            assertThat(fixture.bucketExists(other)).isTrue();
            assertThat(fixture.chunkObjects(other)).hasSize(4);
            assertThat(repository.readManifest(other, "backup-1"))
                    .hasValueSatisfying(
                            manifest -> assertThat(manifest.container()).isEqualTo(other));
            assertThat(repository.readManifest(bucket, "backup-1")).isEmpty();
        }
    }

    @Test
    void aDeletedManifestLeavesNoBackupAndDeletingAgainIsNoFailure() throws IOException {
        createVolume("vol");
        try (BlockDevice snapshot = fixture.snapshot("vol", "snap")) {
            fullBackup("backup-1", "vol", snapshot, RecordedClaims.recording());
        }

        repository.deleteManifest(bucket, "backup-1");
        repository.deleteManifest(bucket, "backup-1");

        assertThat(repository.readManifest(bucket, "backup-1")).isEmpty();
        repository.deleteManifest(fixture.newBucket(), "backup-1");
        repository.deleteChunk(fixture.newBucket(), "0".repeat(64));
    }

    @Test
    void aTargetSmallerThanTheBackupIsRefused() throws IOException {
        createVolume("vol");
        try (BlockDevice snapshot = fixture.snapshot("vol", "snap")) {
            Manifest manifest = fullBackup("backup-1", "vol", snapshot, RecordedClaims.recording())
                    .manifest();
            fixture.engine.createVolume("small", SIZE - 1);
            try (BlockDevice small = fixture.open("small")) {
                assertThatThrownBy(() -> repository.restore(manifest, small, true, Progress.none()))
                        .isInstanceOfSatisfying(
                                BackupStoreException.class,
                                e -> assertThat(e.reason()).isEqualTo(Reason.INVALID))
                        .hasMessageContaining("more than the " + (SIZE - 1));
            }
        }
    }

    @Test
    void anObjectThatIsNoManifestIsReportedAsCorrupt() {
        fixture.overwrite(
                bucket, "backups/backup-1/manifest.json", "{\"format_version\": 1}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> repository.readManifest(bucket, "backup-1"))
                .isInstanceOfSatisfying(
                        BackupStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
                .hasMessageContaining("the manifest of backup backup-1 in " + bucket);
    }

    @Test
    void refusedCredentialsAreADeniedFailureNamingTheSettingsToCheck() {
        BackupConfig config = fixture.config(fixture.newBucket());
        BackupConfig wrong = new BackupConfig(
                config.endpoint(), config.bucket(), config.region(), config.accessKey(), Optional.of("not-the-secret"));

        assertThatThrownBy(() -> BackupRepository.open(wrong))
                .isInstanceOfSatisfying(
                        BackupStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.DENIED))
                .hasMessageContaining(fixture.s3.endpoint().toString())
                .hasMessageContaining("refused the credentials")
                .hasMessageContaining("backup-s3-access-key and backup-s3-secret-key");
    }
}
