package io.cairn.store.contract;

import io.cairn.TestPostgres;
import io.cairn.config.CairnConfig.DatabaseConfig;
import java.nio.file.Path;

/** The databases every store contract suite runs against; each call opens a fresh, empty, migrated one. */
public enum StoreBackend {
    SQLITE {
        @Override
        public DatabaseConfig config(Path dataDir) {
            return new DatabaseConfig("jdbc:sqlite:" + dataDir.resolve("cairn.db"), null, null, 8);
        }
    },
    POSTGRESQL {
        @Override
        public DatabaseConfig config(Path dataDir) {
            return new DatabaseConfig(TestPostgres.newDatabaseUrl(), TestPostgres.USER, null, 24);
        }
    };

    /** The configuration of a new empty database ({@code dataDir} holds SQLite's file). */
    public abstract DatabaseConfig config(Path dataDir);
}
