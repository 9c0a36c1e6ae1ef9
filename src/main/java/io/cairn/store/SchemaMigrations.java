package io.cairn.store;

import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * The schema's versions: the migrations every database shares ({@code db/migration}) and those written for
 * one database only where its SQL truly differs ({@code db/dialect/<flyway's name of the database>}).
 * Several nodes may migrate at once: Flyway serialises them with a lock in the database.
 */
public final class SchemaMigrations {
    private final Flyway flyway;

    private SchemaMigrations(Flyway flyway) {
        this.flyway = flyway;
    }

    public static SchemaMigrations of(Database database) {
        return new SchemaMigrations(Flyway.configure()
                .dataSource(database.dataSource())
                // Flyway itself expands no "{vendor}" (Spring Boot does): the folder is named here.
                .locations("classpath:db/migration", "classpath:db/dialect/" + database.dialectName())
                .javaMigrations(new RowVersionTriggers())
                .load());
    }

    /** One migration as the database and this build see it. */
    public record Migration(String version, String description, String state, String installedOn) {}

    /** Thrown when the database was migrated by a newer Cairn: this build must not write to it. */
    public static final class SchemaTooNewException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        SchemaTooNewException(String message) {
            super(message);
        }
    }

    /**
     * Applies the pending migrations.
     *
     * @return how many were applied
     * @throws SchemaTooNewException when the database has migrations this build does not know
     */
    public int migrate() {
        requireNotNewer();
        return flyway.migrate().migrationsExecuted;
    }

    /** Every migration, applied or pending, oldest first. */
    public List<Migration> status() {
        return Arrays.stream(flyway.info().all())
                .map(m -> new Migration(
                        m.getVersion() == null ? "" : m.getVersion().getVersion(),
                        m.getDescription(),
                        m.getState().getDisplayName(),
                        m.getInstalledOn() == null
                                ? ""
                                : m.getInstalledOn().toInstant().toString()))
                .toList();
    }

    /** The applied version, or empty text for an empty database. */
    public String currentVersion() {
        MigrationInfo current = flyway.info().current();
        return current == null || current.getVersion() == null
                ? ""
                : current.getVersion().getVersion();
    }

    /** Refuses a schema newer than this build (Flyway would otherwise ignore the unknown migrations). */
    public void requireNotNewer() {
        List<String> unknown = Arrays.stream(flyway.info().applied())
                .filter(m ->
                        m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED)
                .map(m -> m.getVersion().getVersion())
                .toList();
        if (!unknown.isEmpty()) {
            throw new SchemaTooNewException("the database schema is newer than this Cairn: it has migration(s) "
                    + String.join(", ", unknown) + " that this build does not know (it knows up to "
                    + latestKnown() + "). Run the Cairn version that migrated it, or a newer one.");
        }
    }

    private String latestKnown() {
        return Arrays.stream(flyway.info().all())
                .filter(m ->
                        m.getState() != MigrationState.FUTURE_SUCCESS && m.getState() != MigrationState.FUTURE_FAILED)
                .filter(m -> m.getVersion() != null)
                .reduce((first, second) -> second)
                .map(m -> m.getVersion().getVersion())
                .orElse("none");
    }
}
