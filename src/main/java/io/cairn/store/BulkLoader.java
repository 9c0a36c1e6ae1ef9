package io.cairn.store;

import io.cairn.domain.Snapshot;
import io.cairn.domain.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.jooq.Field;

/**
 * Loads many volumes and snapshots at once, with JDBC batches in one transaction per call: how benchmarks
 * fill a store with millions of rows in seconds. Only for a store no server is using.
 */
public final class BulkLoader {
    private final Database database;

    public BulkLoader(Database database) {
        this.database = database;
    }

    public void insertVolumes(List<Volume> volumes) {
        ResourceTable t = VolumeStore.TABLE;
        List<Field<?>> fields = fields(
                t,
                "id",
                "project_id",
                "user_id",
                "status",
                "attach_status",
                "size",
                "availability_zone",
                "host",
                "display_name",
                "display_description",
                "volume_type_id",
                "bootable",
                "multiattach",
                "use_quota",
                "created_at",
                "updated_at",
                "launched_at",
                "deleted");
        database.execute(tx -> {
            BatchBindStep batch = tx.batch(tx.insertInto(t.table, fields).values(new Object[fields.size()]));
            for (Volume v : volumes) {
                batch = batch.bind(
                        v.id(),
                        v.projectId(),
                        v.userId(),
                        v.status().wire(),
                        v.attachStatus(),
                        v.size(),
                        v.availabilityZone(),
                        v.host(),
                        v.displayName(),
                        v.displayDescription(),
                        v.volumeTypeId(),
                        v.bootable(),
                        v.multiattach(),
                        v.useQuota(),
                        Micros.of(v.createdAt()),
                        Micros.of(v.updatedAt()),
                        Micros.of(v.launchedAt()),
                        false);
            }
            batch.execute();
            insertMetadata(
                    tx,
                    t,
                    volumes.stream().map(v -> Map.entry(v.id(), v.metadata())).toList());
        });
    }

    public void insertSnapshots(List<Snapshot> snapshots) {
        ResourceTable t = SnapshotStore.TABLE;
        List<Field<?>> fields = fields(
                t,
                "id",
                "project_id",
                "user_id",
                "volume_id",
                "status",
                "progress",
                "volume_size",
                "display_name",
                "display_description",
                "use_quota",
                "created_at",
                "updated_at",
                "scheduled_at",
                "deleted");
        database.execute(tx -> {
            BatchBindStep batch = tx.batch(tx.insertInto(t.table, fields).values(new Object[fields.size()]));
            for (Snapshot s : snapshots) {
                batch = batch.bind(
                        s.id(),
                        s.projectId(),
                        s.userId(),
                        s.volumeId(),
                        s.status().wire(),
                        s.progress(),
                        s.volumeSize(),
                        s.displayName(),
                        s.displayDescription(),
                        s.useQuota(),
                        Micros.of(s.createdAt()),
                        Micros.of(s.updatedAt()),
                        Micros.of(s.createdAt()),
                        false);
            }
            batch.execute();
            insertMetadata(
                    tx,
                    t,
                    snapshots.stream().map(s -> Map.entry(s.id(), s.metadata())).toList());
        });
    }

    private static void insertMetadata(
            DSLContext tx, ResourceTable t, List<Map.Entry<String, Map<String, String>>> owners) {
        ResourceTable.MetadataTable meta = t.metadata;
        BatchBindStep batch =
                tx.batch(tx.insertInto(meta.table(), meta.ownerId(), meta.key(), meta.value(), meta.position())
                        .values((String) null, null, null, null));
        int rows = 0;
        for (Map.Entry<String, Map<String, String>> owner : owners) {
            int position = 0;
            for (Map.Entry<String, String> pair : owner.getValue().entrySet()) {
                batch = batch.bind(owner.getKey(), pair.getKey(), pair.getValue(), position++);
                rows++;
            }
        }
        if (rows > 0) {
            batch.execute();
        }
    }

    private static List<Field<?>> fields(ResourceTable table, String... columns) {
        List<Field<?>> fields = new ArrayList<>();
        for (String column : columns) {
            fields.add(column.equals("deleted") ? table.deleted : table.columns.get(column));
        }
        return fields;
    }
}
