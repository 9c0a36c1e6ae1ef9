package io.cairn.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Migration 11.1: the triggers that give snapshots and volumes a new row version on every write (V11 added the
 * column). Their SQL differs between the databases (SQLite has no sequences and no trigger functions), so each has
 * its own file, {@code db/row-versions/<sqlite|postgresql>.sql}, which this migration picks by the database it runs
 * on. A Java migration because Flyway's SQL locations cannot name a folder per database.
 */
final class RowVersionTriggers implements JavaMigration {
    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("11.1");
    }

    @Override
    public String getDescription() {
        return "row version triggers";
    }

    @Override
    public Integer getChecksum() {
        return List.of(statements("sqlite"), statements("postgresql")).hashCode();
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(product.contains("postgres") ? "postgresql" : "sqlite")) {
                statement.execute(sql);
            }
        }
    }

    /** The file's statements: blocks separated by blank lines, after its leading comment. */
    private static List<String> statements(String database) {
        String resource = "/db/row-versions/" + database + ".sql";
        try (InputStream in = RowVersionTriggers.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Arrays.stream(text.split("\n\\s*\n"))
                    .map(String::strip)
                    .filter(block -> !block.startsWith("--"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
