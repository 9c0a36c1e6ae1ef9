package io.cairn.backup;

import static io.cairn.backup.BackupFixture.CHUNK;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.config.CairnConfig.BackupConfig;
import io.cairn.engine.BlockDevice;
import io.cairn.engine.LocalChunkEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a process in the middle of a backup: no manifest is left, so the backup is not there to restore, and
 * writing it again uploads only the chunks the first run did not store.
 */
class BackupKillTest {
    private static final int CHUNKS = 8;

    @TempDir
    Path directory;

    @Test
    void aBackupKilledHalfWayIsNotThereAndItsRerunUploadsOnlyWhatIsMissing() throws Exception {
        Path engineDirectory = directory.resolve("engine");
        try (BackupFixture fixture = BackupFixture.open(engineDirectory)) {
            String bucket = fixture.newBucket();
            fixture.engine.createVolume("vol", CHUNKS * (long) CHUNK);
            for (int index = 0; index < CHUNKS; index++) {
                fixture.fill("vol", (long) index * CHUNK, CHUNK, 30 + index);
            }
            String content;
            try (BlockDevice snapshot = fixture.snapshot("vol", "snap")) {
                content = BackupFixture.digest(snapshot, snapshot.sizeBytes());
            }
            fixture.closeEngine(); // the child's now
            BackupConfig config = fixture.config(bucket);
            Process child = startChild(engineDirectory, config);
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                int done = 0;
                while (done < 3) {
                    String line = out.readLine();
                    assertThat(line)
                            .as("the child's progress (stderr: %s)", stderr())
                            .isNotNull();
                    if (line.startsWith("done ")) {
                        done++;
                    }
                }
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            fixture.openEngine();

            try (BackupRepository repository = BackupRepository.open(config);
                    BlockDevice snapshot = fixture.engine.open("vol", Optional.of("snap"), false)) {
                assertThat(repository.readManifest(bucket, "backup-1")).isEmpty();
                int stored = fixture.chunkObjects(bucket).size();
                assertThat(stored).isBetween(3, CHUNKS - 1);

                WriteResult rerun = repository.write(
                        new BackupSource(
                                "backup-1", "vol", bucket, snapshot, BackupFixture.whole(snapshot), Optional.empty()),
                        RecordedClaims.recording(),
                        Progress.none());

                assertThat(rerun.chunksUploaded()).isEqualTo(CHUNKS - stored);
                assertThat(repository.verify(rerun.manifest(), Progress.none()).intact())
                        .isTrue();
                fixture.engine.createVolume("restored", snapshot.sizeBytes());
                try (BlockDevice restored = fixture.open("restored")) {
                    repository.restore(rerun.manifest(), restored, true, Progress.none());
                    assertThat(BackupFixture.digest(restored, restored.sizeBytes()))
                            .isEqualTo(content);
                }
            }
        }
    }

    private Process startChild(Path engineDirectory, BackupConfig config) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        classPath,
                        Child.class.getName(),
                        engineDirectory.toString(),
                        config.endpoint().orElseThrow().toString(),
                        config.bucket(),
                        config.accessKey().orElseThrow(),
                        config.secretKey().orElseThrow()))
                .redirectError(directory.resolve("child.err").toFile())
                .start();
    }

    private String stderr() throws IOException {
        return Files.readString(directory.resolve("child.err"), StandardCharsets.UTF_8);
    }

    /** The process that is killed: backs up the snapshot one chunk at a time, slowly, saying when each is done. */
    static final class Child {
        public static void main(String[] args) throws IOException {
            BackupConfig config = new BackupConfig(
                    Optional.of(URI.create(args[1])), args[2], "us-east-1", Optional.of(args[3]), Optional.of(args[4]));
            try (LocalChunkEngine engine = LocalChunkEngine.open(Path.of(args[0]), 64 * 1024);
                    BackupRepository repository = BackupRepository.open(config, 1);
                    BlockDevice snapshot = engine.open("vol", Optional.of("snap"), false)) {
                repository.write(
                        new BackupSource(
                                "backup-1", "vol", args[2], snapshot, BackupFixture.whole(snapshot), Optional.empty()),
                        hashes -> {},
                        (done, total, bytes) -> {
                            System.out.println("done " + done);
                            System.out.flush();
                            try {
                                Thread.sleep(300); // time for the kill to land half-way
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
            }
        }
    }
}
