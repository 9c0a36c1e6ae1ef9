package io.cairn.store.contract;

import io.cairn.config.CairnConfig.DatabaseConfig;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.store.Database;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** What every store contract suite shares: a fresh database of the subclass's backend per test, and row builders. */
abstract class StoreContract {
    static final String PROJECT = "1f0c0ffee0c0ffee0c0ffee0c0ffee01";
    static final String OTHER_PROJECT = "2f0c0ffee0c0ffee0c0ffee0c0ffee02";
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final StoreBackend backend;

    @TempDir
    Path dataDir;

    DatabaseConfig config;
    protected Database database;

    StoreContract(StoreBackend backend) {
        this.backend = backend;
    }

    @BeforeEach
    void openDatabase() {
        config = backend.config(dataDir);
        database = Database.open(config);
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    /** Runs {@code work} in one transaction and returns its answer (a typed wrapper: AssertJ cannot infer a lambda's). */
    boolean committed(Function<DSLContext, Boolean> work) {
        return database.transaction(work);
    }

    static Instant at(long seconds) {
        return T0.plusSeconds(seconds).truncatedTo(ChronoUnit.MICROS);
    }

    static Volume volume(String id, String project, Instant createdAt, String host) {
        return new Volume(
                id,
                project,
                "user",
                VolumeStatus.CREATING,
                "detached",
                null,
                1,
                "nova",
                host,
                "vol-" + id.substring(0, 4),
                null,
                null,
                null,
                "type",
                null,
                false,
                false,
                true,
                createdAt,
                null,
                null,
                null,
                Map.of(),
                Map.of(),
                List.of(),
                0);
    }

    static Snapshot snapshot(
            String id, String project, String volumeId, String name, Instant createdAt, Map<String, String> metadata) {
        return new Snapshot(
                id,
                project,
                "user",
                volumeId,
                null,
                SnapshotStatus.CREATING,
                "0%",
                1,
                name,
                "about " + name,
                true,
                createdAt,
                null,
                metadata,
                0);
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }
}
