package io.cairn.store;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.greatest;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.val;

import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * Per-project quota limits and usage. Reservation is a conditional UPDATE in the caller's transaction, so
 * the usage row and the resource row it counts commit together and no interleaving can pass a limit.
 */
public final class QuotaStore {
    private static final Table<Record> LIMITS = table(name("quota_limits"));
    private static final Field<String> LIMIT_PROJECT = field(name("quota_limits", "project_id"), SQLDataType.VARCHAR);
    private static final Field<String> LIMIT_RESOURCE = field(name("quota_limits", "resource"), SQLDataType.VARCHAR);
    private static final Field<Long> HARD_LIMIT = field(name("quota_limits", "hard_limit"), SQLDataType.BIGINT);
    private static final Table<Record> USAGES = table(name("quota_usages"));
    private static final Field<String> USAGE_PROJECT = field(name("quota_usages", "project_id"), SQLDataType.VARCHAR);
    private static final Field<String> USAGE_RESOURCE = field(name("quota_usages", "resource"), SQLDataType.VARCHAR);
    private static final Field<Long> IN_USE = field(name("quota_usages", "in_use"), SQLDataType.BIGINT);

    private final DSLContext dsl;

    public QuotaStore(Database database) {
        this.dsl = database.dsl();
    }

    /** The project's own limit for a resource, if one was set. */
    public OptionalLong limit(DSLContext tx, String projectId, String resource) {
        Long value = tx.select(HARD_LIMIT)
                .from(LIMITS)
                .where(LIMIT_PROJECT.eq(projectId).and(LIMIT_RESOURCE.eq(resource)))
                .fetchOne(HARD_LIMIT);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /** Every limit set for the project, by resource. */
    public Map<String, Long> limits(String projectId) {
        return limits(dsl, projectId);
    }

    /** Every limit set for the project, by resource, read in the caller's transaction. */
    public Map<String, Long> limits(DSLContext tx, String projectId) {
        return tx.select(LIMIT_RESOURCE, HARD_LIMIT).from(LIMITS).where(LIMIT_PROJECT.eq(projectId)).fetch().stream()
                .collect(Collectors.toMap(r -> r.value1(), r -> r.value2()));
    }

    public void setLimit(DSLContext tx, String projectId, String resource, long limit) {
        tx.insertInto(LIMITS)
                .set(LIMIT_PROJECT, projectId)
                .set(LIMIT_RESOURCE, resource)
                .set(HARD_LIMIT, limit)
                .onConflict(LIMIT_PROJECT, LIMIT_RESOURCE)
                .doUpdate()
                .set(HARD_LIMIT, limit)
                .execute();
    }

    /** Drops the project's own limits so the defaults apply again; its usage stays. */
    public void deleteLimits(DSLContext tx, String projectId) {
        tx.deleteFrom(LIMITS).where(LIMIT_PROJECT.eq(projectId)).execute();
    }

    public long inUse(DSLContext tx, String projectId, String resource) {
        Long value = tx.select(IN_USE)
                .from(USAGES)
                .where(USAGE_PROJECT.eq(projectId).and(USAGE_RESOURCE.eq(resource)))
                .fetchOne(IN_USE);
        return value == null ? 0 : value;
    }

    /** Usage of every resource of the project. */
    public Map<String, Long> usages(String projectId) {
        return usages(dsl, projectId);
    }

    /** Usage of every resource of the project, read in the caller's transaction. */
    public Map<String, Long> usages(DSLContext tx, String projectId) {
        return tx.select(USAGE_RESOURCE, IN_USE).from(USAGES).where(USAGE_PROJECT.eq(projectId)).fetch().stream()
                .collect(Collectors.toMap(r -> r.value1(), r -> r.value2()));
    }

    /**
     * Adds {@code delta} to the usage unless that would pass {@code limit} (a negative limit is unlimited).
     *
     * @return whether the usage was added
     */
    public boolean reserve(DSLContext tx, String projectId, String resource, long delta, long limit) {
        tx.insertInto(USAGES)
                .set(USAGE_PROJECT, projectId)
                .set(USAGE_RESOURCE, resource)
                .set(IN_USE, 0L)
                .onConflictDoNothing()
                .execute();
        var condition = USAGE_PROJECT.eq(projectId).and(USAGE_RESOURCE.eq(resource));
        if (limit >= 0) {
            condition = condition.and(IN_USE.plus(delta).le(limit));
        }
        return tx.update(USAGES)
                        .set(IN_USE, IN_USE.plus(delta))
                        .where(condition)
                        .execute()
                == 1;
    }

    /** Takes {@code delta} off the usage, never below zero. */
    public void release(DSLContext tx, String projectId, String resource, long delta) {
        tx.update(USAGES)
                .set(IN_USE, greatest(val(0L), IN_USE.minus(delta)))
                .where(USAGE_PROJECT.eq(projectId).and(USAGE_RESOURCE.eq(resource)))
                .execute();
    }
}
