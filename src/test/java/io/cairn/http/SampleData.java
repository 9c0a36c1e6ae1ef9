package io.cairn.http;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The small fixed data set the golden samples run against: two projects, three volumes and seven snapshots
 * with fixed ids and times, written straight into a running server's database. Rows go in directly because
 * no API reaches some of these states (a snapshot in a group, a snapshot left creating or deleting with no
 * worker behind it), and because fixed ids and times keep the samples exact. Seed after the server has
 * started: its start-up recovery pass would otherwise give the creating and deleting snapshots a task and
 * change them under the samples. The volumes are rows only, with no data in the storage engine, so a
 * snapshot created from one fails in the background; the samples only look at the answer to the request.
 */
final class SampleData {
    static final String PROJECT = "1f0c6a2b3d4e4f5a8b9c0d1e2f3a4b5c";
    static final String USER = "1f0c6a2b3d4e4f5a8b9c0d1e2f3a4b01";
    static final String OTHER_PROJECT = "3c8e1d2f4a5b4c6d7e8f9a0b1c2d3e4f";
    static final String OTHER_USER = "3c8e1d2f4a5b4c6d7e8f9a0b1c2d3e01";

    static final String VOLUME_AVAILABLE = "82b9bfbc-91ba-4257-9abe-22cad37b17c6";
    static final String VOLUME_IN_USE = "dcfe4bcc-17cd-4531-918b-d8abef8d8e8e";
    static final String OTHER_PROJECT_VOLUME = "fdac1e93-83d4-4327-810b-9464d9b4ef39";

    /** Newest first, the default list order. */
    static final String SNAPSHOT_AVAILABLE = "9d43b4f5-e603-4260-84c4-59457e2f59b6";
    static final String SNAPSHOT_WITH_METADATA = "7a2e6ab1-83f6-4208-b25f-184b929c56ad";
    static final String SNAPSHOT_CREATING = "ac6fb1e1-a091-4e12-8c82-a996e46bb34e";
    static final String SNAPSHOT_DELETING = "e87d6858-905a-4ff1-9fe4-9b8fa8f9a9e3";
    static final String SNAPSHOT_ERROR = "5d7f8e13-6d4c-4536-b7af-8e1fe85d1878";
    static final String SNAPSHOT_IN_GROUP = "3aa5e68b-ecba-4f12-bd6d-e58408864448";
    static final String GROUP_SNAPSHOT = "a432ff06-4ba4-440a-b3b2-f81247204ed5";
    static final String OTHER_PROJECT_SNAPSHOT = "f732adf4-e6e9-4ad1-8ff8-31c8edb29eb2";

    private static final String HOST = "test@local#default";

    private SampleData() {}

    /** Writes the data set into the database (and the volumes' chunk maps) under {@code dataDir}. */
    static void seed(Path dataDir) {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("cairn.db"))) {
            db.createStatement().execute("PRAGMA busy_timeout = 30000");
            db.setAutoCommit(false);
            volume(db, VOLUME_AVAILABLE, PROJECT, USER, "available", "detached", 10, "vol-a", "2024-01-10T08:00:00.000000");
            volume(db, VOLUME_IN_USE, PROJECT, USER, "in-use", "attached", 20, "vol-attached", "2024-01-11T08:00:00.000000");
            volume(db, OTHER_PROJECT_VOLUME, OTHER_PROJECT, OTHER_USER, "available", "detached", 10, null, "2023-07-01T08:00:00.000000");
            snapshot(db, new Row(SNAPSHOT_AVAILABLE, PROJECT, USER, VOLUME_IN_USE, null, "available", "100%", 20,
                    "snap-1f0c-0075", "app-consistent snapshot (fsfreeze)", true,
                    "2024-06-23T17:40:56.707240", "2024-06-23T17:47:06.707240", Map.of()));
            snapshot(db, new Row(SNAPSHOT_WITH_METADATA, PROJECT, USER, VOLUME_AVAILABLE, null, "available", "100%", 10,
                    "daily-backup", "", true, "2024-06-23T03:20:37.218721", "2024-06-23T03:30:05.218721",
                    ordered("owner", "carol", "tier", "silver")));
            snapshot(db, new Row(SNAPSHOT_CREATING, PROJECT, USER, VOLUME_AVAILABLE, null, "creating", "0%", 10,
                    "snap-1f0c-0082", null, true, "2024-06-18T22:44:06.636190", null, Map.of()));
            snapshot(db, new Row(SNAPSHOT_DELETING, PROJECT, USER, VOLUME_AVAILABLE, null, "deleting", "100%", 10,
                    "db-consistent", "created by cron", true, "2024-05-30T12:43:09.137274", "2024-05-30T12:43:46.137274",
                    ordered("owner", "bob")));
            snapshot(db, new Row(SNAPSHOT_ERROR, PROJECT, USER, VOLUME_IN_USE, null, "error", "0%", 20,
                    null, "app-consistent snapshot (fsfreeze)", false, "2024-05-23T04:40:01.199761", "2024-05-23T04:41:01.199761",
                    Map.of()));
            snapshot(db, new Row(SNAPSHOT_IN_GROUP, PROJECT, USER, VOLUME_AVAILABLE, GROUP_SNAPSHOT, "available", "100%", 10,
                    "grouped", null, true, "2024-02-24T20:40:50.392659", "2024-02-24T20:41:50.392659", Map.of()));
            snapshot(db, new Row(OTHER_PROJECT_SNAPSHOT, OTHER_PROJECT, OTHER_USER, OTHER_PROJECT_VOLUME, null, "available",
                    "100%", 10, "snap-3c8e-0002", "taken before kernel update", true,
                    "2023-07-14T07:08:22.173225", "2023-07-14T07:14:00.173225", Map.of()));
            db.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("could not seed " + dataDir, e);
        }
    }
    /** Sets columns no API can change, such as a volume's status, straight in the database. */
    static void execute(Path dataDir, String sql, Object... arguments) {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("cairn.db"))) {
            db.createStatement().execute("PRAGMA busy_timeout = 30000");
            try (PreparedStatement statement = db.prepareStatement(sql)) {
                for (int i = 0; i < arguments.length; i++) {
                    statement.setObject(i + 1, arguments[i]);
                }
                statement.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private record Row(String id, String project, String user, String volume, String groupSnapshot, String status,
                       String progress, int size, String name, String description, boolean useQuota, String createdAt,
                       String updatedAt, Map<String, String> metadata) {}

    private static void volume(Connection db, String id, String project, String user, String status, String attachStatus,
                               int size, String name, String createdAt) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO volumes (id, project_id, user_id, status, attach_status,"
                + " size, availability_zone, host, display_name, volume_type_id, bootable, multiattach, use_quota, created_at,"
                + " updated_at, launched_at, deleted) VALUES (?, ?, ?, ?, ?, ?, 'nova', ?, ?, ?, 0, 0, 1, ?, ?, ?, 0)")) {
            insert.setString(1, id);
            insert.setString(2, project);
            insert.setString(3, user);
            insert.setString(4, status);
            insert.setString(5, attachStatus);
            insert.setInt(6, size);
            insert.setString(7, HOST);
            insert.setString(8, name);
            insert.setString(9, "3c8d6d7e-0c2a-4b6e-9a51-6f0d7b1a2c11");
            insert.setLong(10, micros(createdAt));
            insert.setLong(11, micros(createdAt) + 60_000_000L);
            insert.setLong(12, micros(createdAt) + 60_000_000L);
            insert.executeUpdate();
        }
    }

    private static void snapshot(Connection db, Row row) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO snapshots (id, project_id, user_id, volume_id,"
                + " group_snapshot_id, status, progress, volume_size, display_name, display_description, use_quota,"
                + " created_at, scheduled_at, updated_at, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")) {
            insert.setString(1, row.id());
            insert.setString(2, row.project());
            insert.setString(3, row.user());
            insert.setString(4, row.volume());
            insert.setString(5, row.groupSnapshot());
            insert.setString(6, row.status());
            insert.setString(7, row.progress());
            insert.setInt(8, row.size());
            insert.setString(9, row.name());
            insert.setString(10, row.description());
            insert.setInt(11, row.useQuota() ? 1 : 0);
            insert.setLong(12, micros(row.createdAt()));
            insert.setLong(13, micros(row.createdAt()));
            if (row.updatedAt() == null) {
                insert.setNull(14, Types.BIGINT);
            } else {
                insert.setLong(14, micros(row.updatedAt()));
            }
            insert.executeUpdate();
        }
        int position = 0;
        for (Map.Entry<String, String> pair : row.metadata().entrySet()) {
            try (PreparedStatement insert = db.prepareStatement(
                    "INSERT INTO snapshot_metadata (snapshot_id, meta_key, meta_value, position) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, row.id());
                insert.setString(2, pair.getKey());
                insert.setString(3, pair.getValue());
                insert.setInt(4, position++);
                insert.executeUpdate();
            }
        }
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** Times are stored as microseconds since the epoch (see the V1 migration). */
    private static long micros(String timestamp) {
        Instant instant = LocalDateTime.parse(timestamp).toInstant(ZoneOffset.UTC);
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
