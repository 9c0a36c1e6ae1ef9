package io.cairn.store;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.val;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.Select;
import org.jooq.SelectLimitPercentStep;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The durable task table. A task is enqueued in the same transaction as the state change that needs it,
 * claimed under a lease, and finished by its lease holder only. A task whose lease ran out (its worker died)
 * is claimable again, so a crash delays work but never loses it.
 *
 * <p>Several nodes may share the table. A claim is one statement that picks and leases a row, skipping rows
 * another claim holds ({@code FOR UPDATE SKIP LOCKED} on PostgreSQL; SQLite has one writer at a time), so
 * one task goes to one worker. Lease times come from the database's clock, never a node's. A task pinned to
 * a node (its {@code node}, for work on that node's volume data) is claimed by that node only.
 */
public final class TaskStore {
    private static final Table<Record> TASKS = table(name("tasks"));
    private static final Field<String> ID = field(name("tasks", "id"), SQLDataType.VARCHAR);
    private static final Field<String> KIND = field(name("tasks", "kind"), SQLDataType.VARCHAR);
    private static final Field<String> RESOURCE_ID = field(name("tasks", "resource_id"), SQLDataType.VARCHAR);
    private static final Field<String> PAYLOAD = field(name("tasks", "payload"), SQLDataType.CLOB);
    private static final Field<String> STATE = field(name("tasks", "state"), SQLDataType.VARCHAR);
    private static final Field<Integer> ATTEMPTS = field(name("tasks", "attempts"), SQLDataType.INTEGER);
    private static final Field<String> LEASE_OWNER = field(name("tasks", "lease_owner"), SQLDataType.VARCHAR);
    private static final Field<Long> LEASE_EXPIRES_AT = field(name("tasks", "lease_expires_at"), SQLDataType.BIGINT);
    private static final Field<String> LAST_ERROR = field(name("tasks", "last_error"), SQLDataType.CLOB);
    private static final Field<String> NODE = field(name("tasks", "node"), SQLDataType.VARCHAR);
    private static final Field<Long> CREATED_AT = field(name("tasks", "created_at"), SQLDataType.BIGINT);
    private static final Field<Long> UPDATED_AT = field(name("tasks", "updated_at"), SQLDataType.BIGINT);

    private static final String PENDING = "pending";
    private static final String RUNNING = "running";
    private static final String DONE = "done";
    private static final String FAILED = "failed";

    /** Where a task stands. */
    public enum Stage {
        PENDING,
        RUNNING,
        DONE,
        FAILED
    }

    /** A task as an observer sees it: what it does to what, where it stands, when it was enqueued and last changed. */
    public record Observed(
            String id,
            String kind,
            String resourceId,
            Stage stage,
            int attempts,
            Instant enqueuedAt,
            Instant changedAt) {}

    /** A claimed task, leased to {@code owner}. */
    public record Task(String id, String kind, String resourceId, String payload, int attempts, String owner) {}

    private final Database database;

    public TaskStore(Database database) {
        this.database = database;
    }

    /**
     * Records a task in the caller's transaction.
     *
     * @param node the only node that may run it, or empty when any node may
     */
    public String enqueue(
            DSLContext tx, String kind, String resourceId, String payload, Optional<String> node, Instant now) {
        String id = UUID.randomUUID().toString();
        tx.insertInto(TASKS)
                .set(ID, id)
                .set(KIND, kind)
                .set(RESOURCE_ID, resourceId)
                .set(PAYLOAD, payload)
                .set(STATE, PENDING)
                .set(ATTEMPTS, 0)
                .set(NODE, node.orElse(null))
                .set(CREATED_AT, Micros.of(now))
                .set(UPDATED_AT, Micros.of(now))
                .execute();
        return id;
    }

    /**
     * The node that holds a volume's data: the node part of its host ({@code node1} of {@code node1@local#default}),
     * or none when the data lives in a cluster every node reaches ({@code ceph-<fsid>@rbd#<pool>}).
     */
    public Optional<String> volumeNode(DSLContext tx, String volumeId) {
        ResourceTable volumes = VolumeStore.TABLE;
        return tx.select(volumes.columns.get("host"))
                .from(volumes.table)
                .where(volumes.id.eq(volumeId))
                .fetchOptional(0, String.class)
                .flatMap(TaskStore::nodeOfHost);
    }

    /** The node that holds a snapshot's data: its volume's. */
    public Optional<String> snapshotNode(DSLContext tx, String snapshotId) {
        ResourceTable snapshots = SnapshotStore.TABLE;
        return tx.select(snapshots.columns.get("volume_id"))
                .from(snapshots.table)
                .where(snapshots.id.eq(snapshotId))
                .fetchOptional(0, String.class)
                .flatMap(volumeId -> volumeNode(tx, volumeId));
    }

    /** The node that holds the data of a backup's volume while that volume is live; none once it is gone. */
    public Optional<String> backupNode(DSLContext tx, String backupId) {
        ResourceTable backups = BackupStore.TABLE;
        ResourceTable volumes = VolumeStore.TABLE;
        return tx.select(volumes.columns.get("host"))
                .from(backups.table)
                .join(volumes.table)
                .on(volumes.id.eq(backups.stringColumn("volume_id")))
                .where(backups.id.eq(backupId).and(volumes.live()))
                .fetchOptional(0, String.class)
                .flatMap(TaskStore::nodeOfHost);
    }

    /**
     * The node that holds the data of a group's members, by the group's id or one of its group snapshots', or of an
     * EVS snapshot group's disks.
     */
    public Optional<String> groupNode(DSLContext tx, String groupOrGroupSnapshotId) {
        return GroupStore.host(tx, groupOrGroupSnapshotId)
                .or(() -> SnapshotGroupStore.host(tx, groupOrGroupSnapshotId))
                .flatMap(TaskStore::nodeOfHost);
    }

    /** Cinder's host is {@code node@backend#pool}; an {@code rbd} backend's data belongs to no node. */
    static Optional<String> nodeOfHost(String host) {
        int end = host.indexOf('@');
        if (end < 0) {
            return Optional.of(host);
        }
        return host.startsWith("@rbd#", end) ? Optional.empty() : Optional.of(host.substring(0, end));
    }

    /**
     * Claims the oldest task that {@code node} may run and that is pending and due, or running under an
     * expired lease. Atomic across every node sharing the database: a task is leased to one owner at a time.
     *
     * @return the task, now leased to {@code owner} for {@code lease} by the database's clock; empty when there is none
     */
    public Optional<Task> claim(String owner, String node, Duration lease) {
        Field<Long> now = database.nowMicros();
        Condition due = STATE.eq(PENDING)
                .and(LEASE_EXPIRES_AT.isNull().or(LEASE_EXPIRES_AT.le(now)))
                .or(STATE.eq(RUNNING).and(LEASE_EXPIRES_AT.le(now)));
        Condition runnableHere = NODE.isNull().or(NODE.eq(node));
        return database.transaction(tx -> {
            SelectLimitPercentStep<Record1<String>> oldest = select(ID)
                    .from(TASKS)
                    .where(due.and(runnableHere))
                    .orderBy(CREATED_AT, ID)
                    .limit(1);
            Select<Record1<String>> candidate =
                    database.locksRows() ? oldest.forUpdate().skipLocked() : oldest;
            return tx.update(TASKS)
                    .set(STATE, RUNNING)
                    .set(LEASE_OWNER, owner)
                    .set(LEASE_EXPIRES_AT, now.plus(val(lease.toNanos() / 1000)))
                    .set(ATTEMPTS, ATTEMPTS.plus(1))
                    .set(UPDATED_AT, now)
                    // due again here: the row as locked, in case a racing claim changed it after the subquery read it
                    .where(ID.eq(candidate).and(due))
                    .returningResult(ID, KIND, RESOURCE_ID, PAYLOAD, ATTEMPTS)
                    .fetchOptional()
                    .map(r -> new Task(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), owner));
        });
    }

    /**
     * Extends the leases of tasks {@code owner} is still running, by {@code lease} from the database's now.
     *
     * @return how many leases were extended (fewer when one expired and another node took the task)
     */
    public int renew(String owner, Collection<String> ids, Duration lease) {
        if (ids.isEmpty()) {
            return 0;
        }
        Field<Long> now = database.nowMicros();
        return database.transaction(tx -> tx.update(TASKS)
                .set(LEASE_EXPIRES_AT, now.plus(val(lease.toNanos() / 1000)))
                .where(ID.in(ids).and(STATE.eq(RUNNING)).and(LEASE_OWNER.eq(owner)))
                .execute());
    }

    /** Records success; only the lease holder can. */
    public boolean complete(String id, String owner) {
        return database.transaction(tx -> finish(tx, id, owner, DONE, null));
    }

    /** Records a failure that will not be retried; only the lease holder can. */
    public boolean fail(String id, String owner, String error) {
        return database.transaction(tx -> finish(tx, id, owner, FAILED, error));
    }

    /**
     * Records in the caller's transaction that the task ended: done, or failed for good with {@code failure}. A
     * handler calls it in the transaction that makes its outcome visible, so that no request accepted after that
     * outcome finds the task still running, and a crash cannot run it again over that request's work.
     */
    public void finish(DSLContext tx, Task task, Optional<Exception> failure) {
        finish(
                tx,
                task.id(),
                task.owner(),
                failure.isEmpty() ? DONE : FAILED,
                failure.map(String::valueOf).orElse(null));
    }

    /** Gives the task back to the queue, due again after {@code delay} by the database's clock. */
    public void retryLater(String id, String owner, String error, Duration delay) {
        Field<Long> now = database.nowMicros();
        database.execute(tx -> tx.update(TASKS)
                .set(STATE, PENDING)
                .set(LEASE_OWNER, (String) null)
                .set(LEASE_EXPIRES_AT, now.plus(val(delay.toNanos() / 1000)))
                .set(LAST_ERROR, error)
                .set(UPDATED_AT, now)
                .where(ID.eq(id).and(STATE.eq(RUNNING)).and(LEASE_OWNER.eq(owner)))
                .execute());
    }

    /**
     * Returns the running tasks of a restarted node to the queue at once, instead of waiting for their
     * leases. Only {@code owner}'s: a node's name is its own, so no other live node holds these.
     */
    public int releaseAll(String owner) {
        Field<Long> now = database.nowMicros();
        return database.transaction(tx -> tx.update(TASKS)
                .set(STATE, PENDING)
                .set(LEASE_OWNER, (String) null)
                .set(LEASE_EXPIRES_AT, (Long) null)
                .set(UPDATED_AT, now)
                .where(STATE.eq(RUNNING).and(LEASE_OWNER.eq(owner)))
                .execute());
    }

    /** Whether a pending or running task exists for the resource, held by any node. */
    public boolean hasOpenTask(String resourceId) {
        return hasOpenTask(database.dsl(), resourceId);
    }

    /** Whether a pending or running task exists for the resource, read in the caller's transaction. */
    public boolean hasOpenTask(DSLContext tx, String resourceId) {
        return tx.fetchExists(TASKS, RESOURCE_ID.eq(resourceId).and(STATE.in(PENDING, RUNNING)));
    }

    /** The task with this id, while it is kept (finished tasks are pruned after a while). */
    public Optional<Observed> observe(String id) {
        return database.dsl()
                .select(ID, KIND, RESOURCE_ID, STATE, ATTEMPTS, CREATED_AT, UPDATED_AT)
                .from(TASKS)
                .where(ID.eq(id))
                .fetchOptional()
                .map(r -> new Observed(
                        r.get(ID),
                        r.get(KIND),
                        r.get(RESOURCE_ID),
                        Stage.valueOf(r.get(STATE).toUpperCase(java.util.Locale.ROOT)),
                        r.get(ATTEMPTS),
                        Micros.toInstant(r.get(CREATED_AT)),
                        Micros.toInstant(r.get(UPDATED_AT))));
    }

    /** The id of the first task of this kind for the resource enqueued at or after {@code since}. */
    public Optional<String> firstSince(String resourceId, String kind, Instant since) {
        return database.dsl()
                .select(ID)
                .from(TASKS)
                .where(RESOURCE_ID.eq(resourceId).and(KIND.eq(kind)).and(CREATED_AT.ge(Micros.of(since))))
                .orderBy(CREATED_AT, ID)
                .limit(1)
                .fetchOptional(ID);
    }

    public int openTaskCount() {
        return database.dsl().fetchCount(TASKS, STATE.in(PENDING, RUNNING));
    }

    /** The open work of every node, for monitoring: tasks waiting, tasks running, and when the oldest was enqueued. */
    public record QueueState(int pending, int running, Optional<Instant> oldestEnqueuedAt) {}

    public QueueState queueState() {
        Record counts = database.dsl()
                .select(
                        DSL.count().filterWhere(STATE.eq(PENDING)),
                        DSL.count().filterWhere(STATE.eq(RUNNING)),
                        DSL.min(CREATED_AT))
                .from(TASKS)
                .where(STATE.in(PENDING, RUNNING))
                .fetchSingle();
        return new QueueState(
                counts.get(0, Integer.class),
                counts.get(1, Integer.class),
                Optional.ofNullable(Micros.toInstant(counts.get(2, Long.class))));
    }

    /** Deletes finished tasks last changed more than {@code age} ago by the database's clock. */
    public int prune(Duration age) {
        Field<Long> now = database.nowMicros();
        return database.transaction(tx -> tx.deleteFrom(TASKS)
                .where(STATE.in(DONE, FAILED).and(UPDATED_AT.lt(now.minus(val(age.toNanos() / 1000)))))
                .execute());
    }

    private boolean finish(DSLContext tx, String id, String owner, String state, String error) {
        return tx.update(TASKS)
                        .set(STATE, state)
                        .set(LAST_ERROR, error)
                        .set(LEASE_OWNER, (String) null)
                        .set(LEASE_EXPIRES_AT, (Long) null)
                        .set(UPDATED_AT, database.nowMicros())
                        .where(ID.eq(id).and(STATE.eq(RUNNING)).and(LEASE_OWNER.eq(owner)))
                        .execute()
                == 1;
    }
}
