package io.cairn.cli;

import io.cairn.config.CairnConfig;
import io.cairn.config.Settings;
import io.cairn.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the server's database is, with the same settings as {@code cairn serve}: a mixin of the commands that open it. */
final class DatabaseOptions {
    @Option(names = "--data-dir", description = "Directory of the server's data (CAIRN_DATA_DIR; default ./data).")
    String dataDir;

    @Option(names = "--config", description = "A properties file with settings (CAIRN_CONFIG).")
    Path configFile;

    /** The flags, the environment and the configuration file, in serve's order of precedence. */
    Settings settings() {
        Map<String, String> flags = new HashMap<>();
        if (dataDir != null) {
            flags.put("data-dir", dataDir);
        }
        return Settings.load(flags, System.getenv(), Optional.ofNullable(configFile));
    }

    /**
     * Opens the database, brought up to date when {@code migrate}. An SQLite database's data directory is created
     * first, as serve creates it; the commands need no auth or Keystone settings, so only the database's are read.
     */
    Database open(Settings settings, boolean migrate) throws IOException {
        Map<String, String> only = new HashMap<>();
        for (String key : List.of("data-dir", "db-url", "db-user", "db-password", "db-pool-size")) {
            settings.find(key).ifPresent(value -> only.put(key, value));
        }
        CairnConfig config = CairnConfig.from(Settings.load(only, Map.of(), Optional.empty()));
        if (config.database().isSqlite()) {
            Files.createDirectories(config.dataDir());
        }
        return migrate ? Database.open(config.database()) : Database.openWithoutMigrating(config.database());
    }
}
