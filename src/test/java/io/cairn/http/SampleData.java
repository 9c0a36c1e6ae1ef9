package io.cairn.http;

import io.cairn.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
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
 * The small fixed data set the golden samples run against: two projects, six volumes and seven snapshots
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
    /** Another project's volume with no snapshots (deletable) and one in maintenance, so that the own project's lists stay short. */
    static final String OTHER_PROJECT_SPARE_VOLUME = "4b6f0d2e-8c1a-4e3b-9f5d-7a2c6e1b0d94";

    static final String OTHER_PROJECT_MAINTENANCE_VOLUME = "c7e2a9d4-5b3f-4a1e-8d6c-2f9b0e4a7c15";
    /** A volume whose manage failed: Cinder shows error_managing as error. */
    static final String OTHER_PROJECT_ERROR_MANAGING_VOLUME = "e1d4b7a0-6c3f-4f2e-a9b8-3d5c7e9f1a26";
    /** VOLUME_IN_USE's one attachment, as a legacy os-attach leaves it (no connection_info). */
    static final String ATTACHMENT = "5a1f3c7e-2b9d-4e6a-8c0f-1d3b5e7a9c24";

    static final String ATTACHED_SERVER = "0f6a2c8e-4d1b-4b7f-9e3a-6c5d8b2a1f70";

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
        try (Connection db = TestServer.connect(dataDir)) {
            db.setAutoCommit(false);
            volume(
                    db,
                    VOLUME_AVAILABLE,
                    PROJECT,
                    USER,
                    "available",
                    "detached",
                    10,
                    "vol-a",
                    "2024-01-10T08:00:00.000000");
            volume(
                    db,
                    VOLUME_IN_USE,
                    PROJECT,
                    USER,
                    "in-use",
                    "attached",
                    20,
                    "vol-attached",
                    "2024-01-11T08:00:00.000000");
            volume(
                    db,
                    OTHER_PROJECT_VOLUME,
                    OTHER_PROJECT,
                    OTHER_USER,
                    "available",
                    "detached",
                    10,
                    null,
                    "2023-07-01T08:00:00.000000");
            volume(
                    db,
                    OTHER_PROJECT_SPARE_VOLUME,
                    OTHER_PROJECT,
                    OTHER_USER,
                    "available",
                    "detached",
                    5,
                    "scratch",
                    "2023-06-01T08:00:00.000000");
            volume(
                    db,
                    OTHER_PROJECT_MAINTENANCE_VOLUME,
                    OTHER_PROJECT,
                    OTHER_USER,
                    "maintenance",
                    "detached",
                    10,
                    "vol-maint",
                    "2023-05-01T08:00:00.000000");
            volume(
                    db,
                    OTHER_PROJECT_ERROR_MANAGING_VOLUME,
                    OTHER_PROJECT,
                    OTHER_USER,
                    "error_managing",
                    "detached",
                    1,
                    "managed",
                    "2023-04-01T08:00:00.000000");
            // Metadata rows in the order the volumes were created, as Cinder writes them (its summary lists them so).
            volumeMetadata(db, OTHER_PROJECT_MAINTENANCE_VOLUME, ordered("tier", "gold"));
            volumeMetadata(db, VOLUME_AVAILABLE, ordered("purpose", "database", "tier", "gold"));
            volumeMetadata(db, VOLUME_IN_USE, ordered("tier", "silver"));
            attachment(
                    db,
                    ATTACHMENT,
                    VOLUME_IN_USE,
                    ATTACHED_SERVER,
                    "compute-1",
                    "/dev/vdb",
                    "2024-01-11T08:01:00.000000");
            // What os-attach leaves: readonly first (set before the attach if absent), then attached_mode.
            adminMetadata(db, VOLUME_IN_USE, "readonly", "False");
            adminMetadata(db, VOLUME_IN_USE, "attached_mode", "rw");
            snapshot(
                    db,
                    new Row(
                            SNAPSHOT_AVAILABLE,
                            PROJECT,
                            USER,
                            VOLUME_IN_USE,
                            null,
                            "available",
                            "100%",
                            20,
                            "snap-1f0c-0075",
                            "app-consistent snapshot (fsfreeze)",
                            true,
                            "2024-06-23T17:40:56.707240",
                            "2024-06-23T17:47:06.707240",
                            Map.of()));
            snapshot(
                    db,
                    new Row(
                            SNAPSHOT_WITH_METADATA,
                            PROJECT,
                            USER,
                            VOLUME_AVAILABLE,
                            null,
                            "available",
                            "100%",
                            10,
                            "daily-backup",
                            "",
                            true,
                            "2024-06-23T03:20:37.218721",
                            "2024-06-23T03:30:05.218721",
                            ordered("owner", "carol", "tier", "silver")));
            snapshot(
                    db,
                    new Row(
                            SNAPSHOT_CREATING,
                            PROJECT,
                            USER,
                            VOLUME_AVAILABLE,
                            null,
                            "creating",
                            "0%",
                            10,
                            "snap-1f0c-0082",
                            null,
                            true,
                            "2024-06-18T22:44:06.636190",
                            null,
                            Map.of()));
            snapshot(
                    db,
                    new Row(
                            SNAPSHOT_DELETING,
                            PROJECT,
                            USER,
                            VOLUME_AVAILABLE,
                            null,
                            "deleting",
                            "100%",
                            10,
                            "db-consistent",
                            "created by cron",
                            true,
                            "2024-05-30T12:43:09.137274",
                            "2024-05-30T12:43:46.137274",
                            ordered("owner", "bob")));
            snapshot(
                    db,
                    new Row(
                            SNAPSHOT_ERROR,
                            PROJECT,
                            USER,
                            VOLUME_IN_USE,
                            null,
                            "error",
                            "0%",
                            20,
                            null,
                            "app-consistent snapshot (fsfreeze)",
                            false,
                            "2024-05-23T04:40:01.199761",
                            "2024-05-23T04:41:01.199761",
                            Map.of()));
            snapshot(
                    db,
                    new Row(
                            SNAPSHOT_IN_GROUP,
                            PROJECT,
                            USER,
                            VOLUME_AVAILABLE,
                            GROUP_SNAPSHOT,
                            "available",
                            "100%",
                            10,
                            "grouped",
                            null,
                            true,
                            "2024-02-24T20:40:50.392659",
                            "2024-02-24T20:41:50.392659",
                            Map.of()));
            snapshot(
                    db,
                    new Row(
                            OTHER_PROJECT_SNAPSHOT,
                            OTHER_PROJECT,
                            OTHER_USER,
                            OTHER_PROJECT_VOLUME,
                            null,
                            "available",
                            "100%",
                            10,
                            "snap-3c8e-0002",
                            "taken before kernel update",
                            true,
                            "2023-07-14T07:08:22.173225",
                            "2023-07-14T07:14:00.173225",
                            Map.of()));
            db.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("could not seed " + dataDir, e);
        }
    }
    /** Sets columns no API can change, such as a volume's status, straight in the database. */
    static void execute(Path dataDir, String sql, Object... arguments) {
        try (Connection db = TestServer.connect(dataDir)) {
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

    private record Row(
            String id,
            String project,
            String user,
            String volume,
            String groupSnapshot,
            String status,
            String progress,
            int size,
            String name,
            String description,
            boolean useQuota,
            String createdAt,
            String updatedAt,
            Map<String, String> metadata) {}

    private static void volume(
            Connection db,
            String id,
            String project,
            String user,
            String status,
            String attachStatus,
            int size,
            String name,
            String createdAt)
            throws SQLException {
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO volumes (id, project_id, user_id, status, attach_status,"
                        + " size, availability_zone, host, display_name, volume_type_id, bootable, multiattach, use_quota, created_at,"
                        + " updated_at, launched_at, deleted) VALUES (?, ?, ?, ?, ?, ?, 'nova', ?, ?, ?, FALSE, FALSE, TRUE, ?, ?, ?, FALSE)")) {
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

    private static void volumeMetadata(Connection db, String volume, Map<String, String> metadata) throws SQLException {
        int position = 0;
        for (Map.Entry<String, String> pair : metadata.entrySet()) {
            try (PreparedStatement insert = db.prepareStatement(
                    "INSERT INTO volume_metadata (volume_id, meta_key, meta_value, position) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, volume);
                insert.setString(2, pair.getKey());
                insert.setString(3, pair.getValue());
                insert.setInt(4, position++);
                insert.executeUpdate();
            }
        }
    }

    private static void attachment(
            Connection db, String id, String volume, String server, String host, String mountpoint, String attachedAt)
            throws SQLException {
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO volume_attachments (id, volume_id, instance_uuid,"
                        + " attached_host, mountpoint, attach_mode, attach_status, attached_at) VALUES (?, ?, ?, ?, ?, 'rw', 'attached', ?)")) {
            insert.setString(1, id);
            insert.setString(2, volume);
            insert.setString(3, server);
            insert.setString(4, host);
            insert.setString(5, mountpoint);
            insert.setLong(6, micros(attachedAt));
            insert.executeUpdate();
        }
    }

    private static void adminMetadata(Connection db, String volume, String key, String value) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO volume_admin_metadata (volume_id, meta_key, meta_value) VALUES (?, ?, ?)")) {
            insert.setString(1, volume);
            insert.setString(2, key);
            insert.setString(3, value);
            insert.executeUpdate();
        }
    }

    private static void snapshot(Connection db, Row row) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO snapshots (id, project_id, user_id, volume_id,"
                        + " group_snapshot_id, status, progress, volume_size, display_name, display_description, use_quota,"
                        + " created_at, scheduled_at, updated_at, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE)")) {
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
            insert.setBoolean(11, row.useQuota());
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
