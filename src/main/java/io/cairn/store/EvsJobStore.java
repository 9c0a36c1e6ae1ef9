package io.cairn.store;

import java.time.Instant;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/** The jobs EVS's v5 API hands out: a task's id, the project that may see it, its type and what it acts on. */
public final class EvsJobStore {
    private static final Table<Record> JOBS = DSL.table(DSL.name("evs_jobs"));
    private static final Field<String> ID = DSL.field(DSL.name("evs_jobs", "id"), SQLDataType.VARCHAR);
    private static final Field<String> PROJECT_ID = DSL.field(DSL.name("evs_jobs", "project_id"), SQLDataType.VARCHAR);
    private static final Field<String> TYPE = DSL.field(DSL.name("evs_jobs", "job_type"), SQLDataType.VARCHAR);
    private static final Field<String> SNAPSHOT_ID =
            DSL.field(DSL.name("evs_jobs", "snapshot_id"), SQLDataType.VARCHAR);
    private static final Field<String> VOLUME_ID = DSL.field(DSL.name("evs_jobs", "volume_id"), SQLDataType.VARCHAR);
    private static final Field<String> SNAPSHOT_GROUP_ID =
            DSL.field(DSL.name("evs_jobs", "snapshot_group_id"), SQLDataType.VARCHAR);
    private static final Field<Long> CREATED_AT = DSL.field(DSL.name("evs_jobs", "created_at"), SQLDataType.BIGINT);

    /** A job as recorded; the ids it does not act on are null. */
    public record Row(
            String id, String projectId, String type, String snapshotId, String volumeId, String snapshotGroupId) {}

    private final DSLContext dsl;

    public EvsJobStore(Database database) {
        this.dsl = database.dsl();
    }

    public void insert(Row job, Instant now) {
        dsl.insertInto(JOBS)
                .set(ID, job.id())
                .set(PROJECT_ID, job.projectId())
                .set(TYPE, job.type())
                .set(SNAPSHOT_ID, job.snapshotId())
                .set(VOLUME_ID, job.volumeId())
                .set(SNAPSHOT_GROUP_ID, job.snapshotGroupId())
                .set(CREATED_AT, Micros.of(now))
                .execute();
    }

    /** The job with this id, in this project when one is given. */
    public Optional<Row> find(String id, Optional<String> projectId) {
        var where = ID.eq(id);
        if (projectId.isPresent()) {
            where = where.and(PROJECT_ID.eq(projectId.get()));
        }
        return dsl.select(ID, PROJECT_ID, TYPE, SNAPSHOT_ID, VOLUME_ID, SNAPSHOT_GROUP_ID)
                .from(JOBS)
                .where(where)
                .fetchOptional()
                .map(r -> new Row(
                        r.get(ID),
                        r.get(PROJECT_ID),
                        r.get(TYPE),
                        r.get(SNAPSHOT_ID),
                        r.get(VOLUME_ID),
                        r.get(SNAPSHOT_GROUP_ID)));
    }
}
