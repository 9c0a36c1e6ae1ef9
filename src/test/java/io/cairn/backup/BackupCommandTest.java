package io.cairn.backup;

import static io.cairn.backup.BackupFixture.CHUNK;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.cli.BackupCommand;
import io.cairn.cli.CommandFailures;
import io.cairn.config.CairnConfig.BackupConfig;
import io.cairn.engine.BlockDevice;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cairn backup verify} as an operator runs it, with the settings in a configuration file. */
class BackupCommandTest {
    @TempDir
    Path directory;

    private BackupFixture fixture;
    private String bucket;
    private Manifest manifest;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void backUp() throws IOException {
        fixture = BackupFixture.open(directory.resolve("engine"));
        bucket = fixture.newBucket();
        fixture.engine.createVolume("vol", 3L * CHUNK);
        fixture.fill("vol", 0, CHUNK, 1);
        fixture.fill("vol", 2L * CHUNK, 1000, 2);
        try (BackupRepository repository = BackupRepository.open(fixture.config(bucket));
                BlockDevice snapshot = fixture.snapshot("vol", "snap")) {
            manifest = repository
                    .write(
                            new BackupSource(
                                    "backup-1",
                                    "vol",
                                    bucket,
                                    snapshot,
                                    BackupFixture.whole(snapshot),
                                    Optional.empty()),
                            RecordedClaims.recording(),
                            Progress.none())
                    .manifest();
        }
    }

    @AfterEach
    void close() throws IOException {
        if (fixture != null) {
            fixture.close();
        }
    }

    private Run cairnBackup(BackupConfig config, String... args) throws IOException {
        Path file = directory.resolve("cairn.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "backup-s3-bucket=" + config.bucket(),
                        "backup-s3-endpoint=" + config.endpoint().orElseThrow(),
                        "backup-s3-access-key=" + config.accessKey().orElseThrow(),
                        "backup-s3-secret-key=" + config.secretKey().orElseThrow()),
                StandardCharsets.UTF_8);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] withConfig = new String[args.length + 2];
        System.arraycopy(args, 0, withConfig, 0, args.length);
        withConfig[args.length] = "--config";
        withConfig[args.length + 1] = file.toString();
        int exit = new CommandLine(new BackupCommand())
                .setExecutionExceptionHandler(new CommandFailures())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(withConfig);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void anIntactBackupVerifiesWithExitZero() throws IOException {
        Run run = cairnBackup(fixture.config(bucket), "verify", "backup-1");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("backup backup-1: 2 objects, " + 2 * CHUNK + " bytes, all intact\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void aDamagedBackupFailsWithOneLineSayingWhatIsWrong() throws IOException {
        String damaged = manifest.chunk(2).orElseThrow();
        fixture.overwrite(bucket, "chunks/" + damaged, new byte[1000]);

        Run run = cairnBackup(fixture.config(bucket), "verify", "backup-1");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo("cairn: backup backup-1 in container " + bucket
                        + ": of 2 objects, 0 missing and 1 corrupt (first corrupt: chunks/" + damaged + ")\n");
    }

    @Test
    void aBackupInAnotherContainerIsFoundWithContainer() throws IOException {
        Run elsewhere = cairnBackup(fixture.config(fixture.newBucket()), "verify", "backup-1");
        Run named = cairnBackup(fixture.config(fixture.newBucket()), "verify", "backup-1", "--container", bucket);

        assertThat(elsewhere.exit()).isEqualTo(1);
        assertThat(elsewhere.err()).startsWith("cairn: no backup backup-1 in container cairn-test-");
        assertThat(named.exit()).isZero();
    }

    @Test
    void refusedCredentialsAreOneLineNamingTheSettings() throws IOException {
        BackupConfig config = fixture.config(bucket);
        BackupConfig wrong = new BackupConfig(
                config.endpoint(), config.bucket(), config.region(), config.accessKey(), Optional.of("wrong"));

        Run run = cairnBackup(wrong, "verify", "backup-1");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err())
                .startsWith("cairn: cannot look up container " + bucket + " at " + fixture.s3.endpoint())
                .contains("backup-s3-access-key and backup-s3-secret-key")
                .doesNotContain("\tat ");
    }
}
