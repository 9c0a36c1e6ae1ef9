package io.cairn;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows as a crash leaves them, written straight into a stopped server's database ({@link TestServer#connect}), and
 * what its next start-up did about them.
 */
public final class CrashState {
    private CrashState() {}

    /** Sets {@code status} on the rows of {@code table} whose {@code column} is {@code value}; there must be one. */
    public static void setStatus(Connection db, String table, String column, String value, String status)
            throws SQLException {
        try (PreparedStatement update =
                db.prepareStatement("update " + table + " set status = ? where " + column + " = ?")) {
            update.setString(1, status);
            update.setString(2, value);
            assertThat(update.executeUpdate()).isPositive();
        }
    }

    /** The kinds of the finished tasks of a resource. */
    public static List<String> doneTasks(Connection db, String resource) throws SQLException {
        List<String> kinds = new ArrayList<>();
        try (PreparedStatement query =
                db.prepareStatement("select kind from tasks where resource_id = ? and state = 'done'")) {
            query.setString(1, resource);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    kinds.add(rows.getString(1));
                }
            }
        }
        return kinds;
    }
}
