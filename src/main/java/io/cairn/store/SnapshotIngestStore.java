package io.cairn.store;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import io.cairn.domain.SnapshotIngest;
import io.cairn.domain.SnapshotIngestStatus;
import io.cairn.domain.VolumeStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jooq.Condition;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record3;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Snapshot ingests and the blocks they received. An ingest's ends are compare-and-set from {@code open}; a block is
 * recorded in two steps around its data write (see {@link #beginBlock} and {@link #endBlock}), so that a block whose
 * write did not finish, or raced another put of it, is never counted as received.
 */
public final class SnapshotIngestStore {
    private static final Table<Record> INGESTS = table(name("snapshot_ingests"));
    private static final Field<String> ID = column("id");
    private static final Field<String> PROJECT_ID = column("project_id");
    private static final Field<String> USER_ID = column("user_id");
    private static final Field<String> VOLUME_ID = column("volume_id");
    private static final Field<String> SNAPSHOT_ID = column("snapshot_id");
    private static final Field<String> PARENT_SNAPSHOT_ID = column("parent_snapshot_id");
    private static final Field<String> CLIENT_TOKEN = column("client_token");
    private static final Field<Integer> VOLUME_SIZE =
            field(name("snapshot_ingests", "volume_size"), SQLDataType.INTEGER);
    private static final Field<Integer> TIMEOUT_MINUTES =
            field(name("snapshot_ingests", "timeout_minutes"), SQLDataType.INTEGER);
    private static final Field<String> DISPLAY_NAME = column("display_name");
    private static final Field<String> DISPLAY_DESCRIPTION = column("display_description");
    private static final Field<String> METADATA = field(name("snapshot_ingests", "metadata"), SQLDataType.CLOB);
    private static final Field<String> STATUS = column("status");
    private static final Field<Long> COMPLETED_BLOCKS =
            field(name("snapshot_ingests", "completed_blocks"), SQLDataType.BIGINT);
    private static final Field<Long> CREATED_AT = time("created_at");
    private static final Field<Long> UPDATED_AT = time("updated_at");
    private static final Field<Long> EXPIRES_AT = time("expires_at");

    private static final Table<Record> BLOCKS = table(name("snapshot_ingest_blocks"));
    private static final Field<String> BLOCK_INGEST =
            field(name("snapshot_ingest_blocks", "ingest_id"), SQLDataType.VARCHAR);
    private static final Field<Long> BLOCK_INDEX =
            field(name("snapshot_ingest_blocks", "block_index"), SQLDataType.BIGINT);
    private static final Field<String> BLOCK_CHECKSUM =
            field(name("snapshot_ingest_blocks", "checksum"), SQLDataType.VARCHAR);
    private static final Field<String> BLOCK_WRITER =
            field(name("snapshot_ingest_blocks", "writer"), SQLDataType.VARCHAR);

    /** The writer of a block two puts wrote at once: neither is known to have landed last, so neither counts. */
    private static final String SUPERSEDED = "superseded";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<TreeMap<String, String>> METADATA_TYPE = new TypeReference<>() {};

    private final Database database;

    public SnapshotIngestStore(Database database) {
        this.database = database;
    }

    /** One recorded block: its checksum once received whole, its writer while a put of it is unfinished. */
    public record Block(long index, Optional<String> checksum, Optional<String> writer) {}

    public void insert(DSLContext tx, SnapshotIngest ingest) {
        SnapshotIngest.Request request = ingest.request();
        tx.insertInto(INGESTS)
                .set(ID, ingest.id())
                .set(PROJECT_ID, ingest.projectId())
                .set(USER_ID, ingest.userId())
                .set(VOLUME_ID, ingest.volumeId())
                .set(SNAPSHOT_ID, ingest.snapshotId())
                .set(PARENT_SNAPSHOT_ID, request.parentSnapshotId().orElse(null))
                .set(CLIENT_TOKEN, request.clientToken().orElse(null))
                .set(VOLUME_SIZE, request.volumeSize())
                .set(TIMEOUT_MINUTES, request.timeoutMinutes())
                .set(DISPLAY_NAME, request.name().orElse(null))
                .set(DISPLAY_DESCRIPTION, request.description().orElse(null))
                .set(METADATA, JSON.writeValueAsString(new TreeMap<>(request.metadata())))
                .set(STATUS, ingest.rowStatus().wire())
                .set(CREATED_AT, Micros.of(ingest.createdAt()))
                .set(EXPIRES_AT, Micros.of(ingest.expiresAt()))
                .execute();
    }

    /** The ingest, when it exists and (with a project) belongs to that project. */
    public Optional<SnapshotIngest> find(DSLContext tx, String id, Optional<String> projectId) {
        Condition where = ID.eq(id);
        if (projectId.isPresent()) {
            where = where.and(PROJECT_ID.eq(projectId.get()));
        }
        return one(tx, where);
    }

    public Optional<SnapshotIngest> find(String id, Optional<String> projectId) {
        return find(database.dsl(), id, projectId);
    }

    /** The ingest a project started with {@code clientToken}, whatever became of it. */
    public Optional<SnapshotIngest> findByToken(DSLContext tx, String projectId, String clientToken) {
        return one(tx, PROJECT_ID.eq(projectId).and(CLIENT_TOKEN.eq(clientToken)));
    }

    /** Whether an open ingest writes into {@code volumeId}, i.e. it is a staging volume. */
    public boolean isOpenStagingVolume(DSLContext tx, String volumeId) {
        return tx.fetchExists(tx.selectOne()
                .from(INGESTS)
                .where(VOLUME_ID.eq(volumeId).and(STATUS.eq(SnapshotIngestStatus.OPEN.wire()))));
    }

    /**
     * Pushes an open ingest's expiry to {@code expiresAt}: the compare-and-set every put begins with, so that on
     * PostgreSQL it holds the ingest's row against a completion until the put's first step commits.
     *
     * @return whether the ingest was open
     */
    public boolean touch(DSLContext tx, String id, Instant expiresAt, Instant now) {
        return tx.update(INGESTS)
                        .set(EXPIRES_AT, Micros.of(expiresAt))
                        .set(UPDATED_AT, Micros.of(now))
                        .where(ID.eq(id).and(STATUS.eq(SnapshotIngestStatus.OPEN.wire())))
                        .execute()
                == 1;
    }

    /** Ends an open ingest ({@code outcome} is not open); false when it was no longer open. */
    public boolean close(DSLContext tx, String id, SnapshotIngestStatus outcome, Instant now) {
        return closeWhere(tx, ID.eq(id), outcome, now);
    }

    /**
     * Completes an open ingest verified with {@code blocks} blocks, whose block rows are then dropped; false when it
     * was no longer open.
     */
    public boolean complete(DSLContext tx, String id, long blocks, Instant now) {
        if (tx.update(INGESTS)
                        .set(STATUS, SnapshotIngestStatus.COMPLETED.wire())
                        .set(COMPLETED_BLOCKS, blocks)
                        .set(UPDATED_AT, Micros.of(now))
                        .where(ID.eq(id).and(STATUS.eq(SnapshotIngestStatus.OPEN.wire())))
                        .execute()
                != 1) {
            return false;
        }
        deleteBlocks(tx, id);
        return true;
    }

    /** Expires an open ingest whose expiry has passed; false when it was no longer open or was put to since. */
    public boolean expire(DSLContext tx, String id, Instant now) {
        return closeWhere(tx, ID.eq(id).and(EXPIRES_AT.le(Micros.of(now))), SnapshotIngestStatus.EXPIRED, now);
    }

    private static boolean closeWhere(DSLContext tx, Condition where, SnapshotIngestStatus outcome, Instant now) {
        return tx.update(INGESTS)
                        .set(STATUS, outcome.wire())
                        .set(UPDATED_AT, Micros.of(now))
                        .where(where.and(STATUS.eq(SnapshotIngestStatus.OPEN.wire())))
                        .execute()
                == 1;
    }

    /** The open ingests whose expiry has passed at {@code now}. */
    public List<String> expiredIds(Instant now) {
        return database.dsl()
                .select(ID)
                .from(INGESTS)
                .where(STATUS.eq(SnapshotIngestStatus.OPEN.wire()).and(EXPIRES_AT.le(Micros.of(now))))
                .fetch(ID);
    }

    /** The completed ingests whose staging volume is still held in maintenance for the snapshot being taken. */
    public List<String> holdingIds() {
        Field<String> volumeId = field(name("volumes", "id"), SQLDataType.VARCHAR);
        Field<String> volumeStatus = field(name("volumes", "status"), SQLDataType.VARCHAR);
        return database.dsl()
                .select(ID)
                .from(INGESTS)
                .join(table(name("volumes")))
                .on(volumeId.eq(VOLUME_ID))
                .where(STATUS.eq(SnapshotIngestStatus.COMPLETED.wire())
                        .and(volumeStatus.eq(VolumeStatus.MAINTENANCE.wire())))
                .fetch(ID);
    }

    /** A put's first step: the block is marked as being written by {@code writer}, whatever it held before. */
    public void beginBlock(DSLContext tx, String ingestId, long index, String writer) {
        tx.insertInto(BLOCKS)
                .set(BLOCK_INGEST, ingestId)
                .set(BLOCK_INDEX, index)
                .set(BLOCK_WRITER, writer)
                .onConflict(BLOCK_INGEST, BLOCK_INDEX)
                .doUpdate()
                .set(BLOCK_WRITER, writer)
                .execute();
    }

    /**
     * A put's last step, once its data is durable: the block is received with {@code checksum} if no other put of it
     * began meanwhile. Otherwise both puts wrote the block at once and either may have landed last, so it is marked
     * superseded: neither counts until the block is put again.
     *
     * @return whether the block is now received with {@code checksum}
     */
    public boolean endBlock(DSLContext tx, String ingestId, long index, String writer, String checksum) {
        Condition block = BLOCK_INGEST.eq(ingestId).and(BLOCK_INDEX.eq(index));
        if (tx.update(BLOCKS)
                        .set(BLOCK_CHECKSUM, checksum)
                        .setNull(BLOCK_WRITER)
                        .where(block.and(BLOCK_WRITER.eq(writer)))
                        .execute()
                == 1) {
            return true;
        }
        tx.update(BLOCKS).set(BLOCK_WRITER, SUPERSEDED).where(block).execute();
        return false;
    }

    /** Hands {@code each} the ingest's blocks in ascending index order, without holding them all in memory. */
    public void forEachBlock(DSLContext tx, String ingestId, Consumer<Block> each) {
        try (Cursor<Record3<Long, String, String>> cursor = tx.select(BLOCK_INDEX, BLOCK_CHECKSUM, BLOCK_WRITER)
                .from(BLOCKS)
                .where(BLOCK_INGEST.eq(ingestId))
                .orderBy(BLOCK_INDEX)
                .fetchSize(1024)
                .fetchLazy()) {
            for (Record3<Long, String, String> row : cursor) {
                each.accept(
                        new Block(row.value1(), Optional.ofNullable(row.value2()), Optional.ofNullable(row.value3())));
            }
        }
    }

    public void deleteBlocks(DSLContext tx, String ingestId) {
        tx.deleteFrom(BLOCKS).where(BLOCK_INGEST.eq(ingestId)).execute();
    }

    private static Optional<SnapshotIngest> one(DSLContext tx, Condition where) {
        Field<Integer> received = tx.selectCount()
                .from(BLOCKS)
                .where(BLOCK_INGEST.eq(ID).and(BLOCK_WRITER.isNull()))
                .asField("blocks_received");
        return tx.select(
                        ID,
                        PROJECT_ID,
                        USER_ID,
                        VOLUME_ID,
                        SNAPSHOT_ID,
                        PARENT_SNAPSHOT_ID,
                        CLIENT_TOKEN,
                        VOLUME_SIZE,
                        TIMEOUT_MINUTES,
                        DISPLAY_NAME,
                        DISPLAY_DESCRIPTION,
                        METADATA,
                        STATUS,
                        COMPLETED_BLOCKS,
                        CREATED_AT,
                        UPDATED_AT,
                        EXPIRES_AT)
                .select(received)
                .from(INGESTS)
                .where(where)
                .fetchOptional()
                .map(row -> toIngest(
                        row, Optional.ofNullable(row.get(COMPLETED_BLOCKS)).orElse((long) row.get(received))));
    }

    private static SnapshotIngest toIngest(Record row, long blocksReceived) {
        Map<String, String> metadata = new LinkedHashMap<>(JSON.readValue(row.get(METADATA), METADATA_TYPE));
        return new SnapshotIngest(
                row.get(ID),
                row.get(PROJECT_ID),
                row.get(USER_ID),
                row.get(VOLUME_ID),
                row.get(SNAPSHOT_ID),
                new SnapshotIngest.Request(
                        row.get(VOLUME_SIZE),
                        Optional.ofNullable(row.get(PARENT_SNAPSHOT_ID)),
                        Optional.ofNullable(row.get(CLIENT_TOKEN)),
                        row.get(TIMEOUT_MINUTES),
                        Optional.ofNullable(row.get(DISPLAY_NAME)),
                        Optional.ofNullable(row.get(DISPLAY_DESCRIPTION)),
                        metadata),
                SnapshotIngestStatus.fromWire(row.get(STATUS)),
                Micros.toInstant(row.get(CREATED_AT)),
                Micros.toInstant(row.get(UPDATED_AT)),
                Micros.toInstant(row.get(EXPIRES_AT)),
                blocksReceived);
    }

    private static Field<String> column(String column) {
        return field(name("snapshot_ingests", column), SQLDataType.VARCHAR);
    }

    private static Field<Long> time(String column) {
        return field(name("snapshot_ingests", column), SQLDataType.BIGINT);
    }
}
