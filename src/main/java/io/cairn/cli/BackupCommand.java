package io.cairn.cli;

import io.cairn.backup.BackupRepository;
import io.cairn.backup.Manifest;
import io.cairn.backup.VerifyReport;
import io.cairn.config.CairnConfig;
import io.cairn.config.ConfigException;
import io.cairn.config.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn backup verify ID}: checks a backup in the object store, with the same {@code backup-s3-*} settings as
 * {@code cairn serve}. Reads the store only; needs neither the server nor its database.
 */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = "Work with backups in the object store.",
        subcommands = BackupCommand.Verify.class)
public final class BackupCommand implements Runnable {
    private static final List<String> KEYS = List.of(
            "backup-s3-bucket",
            "backup-s3-endpoint",
            "backup-s3-region",
            "backup-s3-access-key",
            "backup-s3-secret-key");

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = "Download every object of backup ID and check its SHA-256; exit 1 if any is missing or"
                    + " corrupt.")
    static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID", description = "The backup id.")
        String backupId;

        @Option(names = "--container", description = "The bucket that holds the backup (default: backup-s3-bucket).")
        String container;

        @Option(names = "--config", description = "A properties file with settings (CAIRN_CONFIG).")
        Path configFile;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            CairnConfig.BackupConfig config =
                    backupConfig(Settings.load(Map.of(), System.getenv(), Optional.ofNullable(configFile)));
            String where = container != null ? container : config.bucket();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (BackupRepository repository = BackupRepository.open(config)) {
                Optional<Manifest> found = repository.readManifest(where, backupId);
                if (found.isEmpty()) {
                    err.println("cairn: no backup " + backupId + " in container " + where
                            + " (none was written there, or it did not finish)");
                    return 1;
                }
                Manifest manifest = found.get();
                ProgressBar bar = new ProgressBar(
                        "verifying backup " + backupId + " in container " + where, objectBytes(manifest));
                VerifyReport report =
                        repository.verify(manifest, (chunksDone, chunksTotal, bytes) -> bar.update(bytes));
                bar.update(objectBytes(manifest));
                if (report.intact()) {
                    out.printf(
                            "backup %s: %d objects, %d bytes, all intact%n",
                            backupId, report.objectsChecked(), report.bytesRead());
                    return 0;
                }
                String first = report.missing().isEmpty()
                        ? "first corrupt: chunks/" + report.corrupt().getFirst()
                        : "first missing: chunks/" + report.missing().getFirst();
                err.printf(
                        "cairn: backup %s in container %s: of %d objects, %d missing and %d corrupt (%s)%n",
                        backupId,
                        where,
                        report.objectsChecked(),
                        report.missing().size(),
                        report.corrupt().size(),
                        first);
                return 1;
            }
        }
    }

    /**
     * The {@code backup-s3-*} settings alone, as {@link DatabaseOptions} reads the database's: a setting of serve's
     * that this command does not use (auth, Keystone) cannot stop it.
     */
    static CairnConfig.BackupConfig backupConfig(Settings settings) {
        Map<String, String> only = new HashMap<>();
        for (String key : KEYS) {
            settings.find(key).ifPresent(value -> only.put(key, value));
        }
        return CairnConfig.from(Settings.load(only, Map.of(), Optional.empty()))
                .backup()
                .orElseThrow(() ->
                        new ConfigException("backup-s3-bucket", "", "a bucket name (required to reach the backups)"));
    }

    /** The bytes of the backup's distinct objects: what a verification downloads. */
    private static long objectBytes(Manifest manifest) {
        Set<String> seen = new HashSet<>();
        long bytes = 0;
        for (int index = 0; index < manifest.chunkCount(); index++) {
            String hash = manifest.chunks().get(index);
            if (hash != null && seen.add(hash)) {
                bytes += manifest.chunkLength(index);
            }
        }
        return bytes;
    }
}
