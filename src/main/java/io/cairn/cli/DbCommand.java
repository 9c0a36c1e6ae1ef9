package io.cairn.cli;

import io.cairn.store.Database;
import io.cairn.store.SchemaMigrations;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code cairn db migrate|status}: the schema of the configured database (the same settings as
 * {@code cairn serve}: CAIRN_DB_URL, CAIRN_DB_USER, CAIRN_DB_PASSWORD, or SQLite under the data directory).
 * {@code serve} migrates by itself; these let an operator migrate ahead of a rolling upgrade and look.
 */
@Command(
        name = "db",
        mixinStandardHelpOptions = true,
        description = "Migrate or inspect the database schema.",
        subcommands = {DbCommand.Migrate.class, DbCommand.Status.class})
public final class DbCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Where the database is. */
    static final class Target {
        @Mixin
        DatabaseOptions database = new DatabaseOptions();

        /** Runs {@code work} on the database as it is, which is created (with its directory) when there is none yet. */
        int with(Function<Database, Integer> work) throws IOException {
            try (Database opened = database.open(database.settings(), false)) {
                return work.apply(opened);
            }
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, description = "Apply pending schema migrations.")
    static final class Migrate implements Callable<Integer> {
        @Mixin
        Target target;

        @Override
        public Integer call() throws IOException {
            return target.with(database -> {
                SchemaMigrations migrations = SchemaMigrations.of(database);
                int applied = migrations.migrate();
                System.out.println(
                        "applied " + applied + " migration(s); schema version " + migrations.currentVersion());
                return 0;
            });
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description =
                    "List the migrations: applied, pending, or unknown to this build (exit 3 when the schema is newer).")
    static final class Status implements Callable<Integer> {
        @Mixin
        Target target;

        @Override
        public Integer call() throws IOException {
            return target.with(database -> {
                SchemaMigrations migrations = SchemaMigrations.of(database);
                System.out.printf("%-8s %-12s %-24s %s%n", "VERSION", "STATE", "INSTALLED", "DESCRIPTION");
                for (SchemaMigrations.Migration m : migrations.status()) {
                    System.out.printf(
                            "%-8s %-12s %-24s %s%n", m.version(), m.state(), m.installedOn(), m.description());
                }
                System.out.println("schema version: "
                        + (migrations.currentVersion().isEmpty() ? "none" : migrations.currentVersion()));
                try {
                    migrations.requireNotNewer();
                } catch (SchemaMigrations.SchemaTooNewException e) {
                    System.out.println(e.getMessage());
                    return 3;
                }
                return 0;
            });
        }
    }
}
