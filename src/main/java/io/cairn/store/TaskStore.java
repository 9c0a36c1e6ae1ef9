package io.cairn.store;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * The durable task table. A task is enqueued in the same transaction as the state change that needs it,
 * claimed under a lease, and finished by its lease holder only. A task whose lease ran out (its worker died)
 * is claimable again, so a crash delays work but never loses it.
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
    private static final Field<Long> CREATED_AT = field(name("tasks", "created_at"), SQLDataType.BIGINT);
    private static final Field<Long> UPDATED_AT = field(name("tasks", "updated_at"), SQLDataType.BIGINT);

    private static final String PENDING = "pending";
    private static final String RUNNING = "running";
    private static final String DONE = "done";
    private static final String FAILED = "failed";

    /** A claimed task. */
    public record Task(String id, String kind, String resourceId, String payload, int attempts) {}

    private final Database database;

    public TaskStore(Database database) {
        this.database = database;
    }

    public String enqueue(DSLContext tx, String kind, String resourceId, String payload, Instant now) {
        String id = UUID.randomUUID().toString();
        tx.insertInto(TASKS).set(ID, id).set(KIND, kind).set(RESOURCE_ID, resourceId).set(PAYLOAD, payload)
                .set(STATE, PENDING).set(ATTEMPTS, 0).set(CREATED_AT, Micros.of(now)).set(UPDATED_AT, Micros.of(now))
                .execute();
        return id;
    }

    /**
     * Claims the oldest task that is pending and due, or running under an expired lease.
     *
     * @return the task, now leased to {@code owner} until {@code now + lease}; empty when there is none
     */
    public Optional<Task> claim(String owner, Instant now, Duration lease) {
        long nowMicros = Micros.of(now);
        return database.transaction(tx -> {
            var due = STATE.eq(PENDING).and(LEASE_EXPIRES_AT.isNull().or(LEASE_EXPIRES_AT.le(nowMicros)))
                    .or(STATE.eq(RUNNING).and(LEASE_EXPIRES_AT.le(nowMicros)));
            Record candidate = tx.select(ID, KIND, RESOURCE_ID, PAYLOAD, ATTEMPTS, STATE).from(TASKS).where(due)
                    .orderBy(CREATED_AT).limit(1).fetchOne();
            if (candidate == null) {
                return Optional.empty();
            }
            int claimed = tx.update(TASKS).set(STATE, RUNNING).set(LEASE_OWNER, owner)
                    .set(LEASE_EXPIRES_AT, Micros.of(now.plus(lease))).set(ATTEMPTS, ATTEMPTS.plus(1))
                    .set(UPDATED_AT, nowMicros)
                    .where(ID.eq(candidate.get(ID)).and(STATE.eq(candidate.get(STATE)))).execute();
            return claimed == 1
                    ? Optional.of(new Task(candidate.get(ID), candidate.get(KIND), candidate.get(RESOURCE_ID),
                            candidate.get(PAYLOAD), candidate.get(ATTEMPTS) + 1))
                    : Optional.empty();
        });
    }

    /** Records success; only the lease holder can. */
    public void complete(String id, String owner, Instant now) {
        finish(id, owner, DONE, null, now);
    }

    /** Records a failure that will not be retried. */
    public void fail(String id, String owner, String error, Instant now) {
        finish(id, owner, FAILED, error, now);
    }

    /** Gives the task back to the queue, due again at {@code notBefore}. */
    public void retryLater(String id, String owner, String error, Instant notBefore, Instant now) {
        database.dsl().update(TASKS).set(STATE, PENDING).set(LEASE_OWNER, (String) null)
                .set(LEASE_EXPIRES_AT, Micros.of(notBefore)).set(LAST_ERROR, error).set(UPDATED_AT, Micros.of(now))
                .where(ID.eq(id).and(LEASE_OWNER.eq(owner))).execute();
    }

    /** Returns the running tasks of a restarted node to the queue at once, instead of waiting for their leases. */
    public int releaseAll(String owner, Instant now) {
        return database.dsl().update(TASKS).set(STATE, PENDING).set(LEASE_OWNER, (String) null)
                .set(LEASE_EXPIRES_AT, (Long) null).set(UPDATED_AT, Micros.of(now))
                .where(STATE.eq(RUNNING).and(LEASE_OWNER.eq(owner))).execute();
    }

    /** Whether a pending or running task exists for the resource. */
    public boolean hasOpenTask(String resourceId) {
        return database.dsl().fetchExists(TASKS, RESOURCE_ID.eq(resourceId).and(STATE.in(PENDING, RUNNING)));
    }

    public int openTaskCount() {
        return database.dsl().fetchCount(TASKS, STATE.in(PENDING, RUNNING));
    }

    /** Deletes finished tasks older than {@code before}. */
    public int prune(Instant before) {
        return database.dsl().deleteFrom(TASKS)
                .where(STATE.in(DONE, FAILED).and(UPDATED_AT.lt(Micros.of(before)))).execute();
    }

    private void finish(String id, String owner, String state, String error, Instant now) {
        database.dsl().update(TASKS).set(STATE, state).set(LAST_ERROR, error).set(LEASE_OWNER, (String) null)
                .set(LEASE_EXPIRES_AT, (Long) null).set(UPDATED_AT, Micros.of(now))
                .where(ID.eq(id).and(LEASE_OWNER.eq(owner))).execute();
    }
}
