package io.cairn.hardening;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A read-only look at a server's SQLite database from the test, beside the server: a digest of every row of
 * every table (what "no state change" means), and the count of open tasks (when the server is idle).
 */
final class DatabaseDigest implements AutoCloseable {
    private final Connection connection;
    private final List<String> tables = new ArrayList<>();
    /** The last digest taken, and SQLite's data_version just before it was taken. */
    private String lastDigest;

    private long versionOfLastDigest;

    DatabaseDigest(Path dataDir) throws SQLException {
        connection = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("cairn.db") + "?open_mode=1");
        try (Statement statement = connection.createStatement();
                ResultSet rows =
                        statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            while (rows.next()) {
                tables.add(rows.getString(1));
            }
        }
    }

    /**
     * SHA-256 over every table's rows in a stable order. SQLite's data_version changes with every commit another
     * connection makes, so while it has not, the rows are those of the last digest and that digest is the answer.
     */
    String digest() throws SQLException {
        long version = dataVersion(); // before the rows: a commit while they are read makes the next call read again
        if (lastDigest != null && version == versionOfLastDigest) {
            return lastDigest;
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (Statement statement = connection.createStatement()) {
            for (String table : tables) {
                sha.update(table.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try (ResultSet rows = statement.executeQuery("SELECT * FROM \"" + table + "\" ORDER BY 1")) {
                    int columns = rows.getMetaData().getColumnCount();
                    while (rows.next()) {
                        for (int i = 1; i <= columns; i++) {
                            sha.update(String.valueOf(rows.getObject(i))
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                            sha.update((byte) 0);
                        }
                        sha.update((byte) 1);
                    }
                }
            }
        }
        lastDigest = HexFormat.of().formatHex(sha.digest());
        versionOfLastDigest = version;
        return lastDigest;
    }

    private long dataVersion() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA data_version")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    int openTasks() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows =
                        statement.executeQuery("SELECT count(*) FROM tasks WHERE state IN ('pending', 'running')")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** Waits until no task is open, so that the next digest is not taken while a worker still writes. */
    void awaitIdle() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (openTasks() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("tasks still open after 30 s");
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
