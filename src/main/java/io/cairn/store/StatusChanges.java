package io.cairn.store;

import io.cairn.domain.Transition;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * How a store applies a {@link Transition}: one conditional statement on the live row, its status among the
 * from-statuses and every guard written into the same WHERE. On PostgreSQL the row is locked first: each
 * statement of a read-committed transaction sees what was committed when it began, so a guard over other rows
 * (no live snapshot, no open attachment) evaluated after the lock sees everything a transaction that held the
 * lock before committed; every transition that changes what a guard reads holds the same row. SQLite has one
 * writer at a time, so there the statement alone suffices.
 */
final class StatusChanges {
    private StatusChanges() {}

    /**
     * @param guard the SQL of one guard of this resource kind
     * @param set   the status column's new value, plus whatever else the store sets with it
     * @return whether the row matched (and, for a transition with a to-status, changed)
     */
    static <S extends Enum<S>, G extends Enum<G>> boolean apply(
            Database database,
            DSLContext tx,
            ResourceTable table,
            Field<String> status,
            Field<Long> updatedAt,
            Transition<S, G> transition,
            Function<S, String> wire,
            Function<G, Condition> guard,
            String id,
            Instant now) {
        lock(database, tx, table, id);
        Condition where = table.id.eq(id).and(table.live()).and(status.in(wire(transition.from(), wire)));
        for (G g : transition.guards()) {
            where = where.and(guard.apply(g));
        }
        if (transition.to().isEmpty()) {
            return tx.fetchExists(DSL.selectOne().from(table.table).where(where));
        }
        return tx.update(table.table)
                        .set(status, wire.apply(transition.to().get()))
                        .set(updatedAt, Micros.of(now))
                        .where(where)
                        .execute()
                == 1;
    }

    /** Locks the row against other PostgreSQL transactions until the caller's ends (see the class comment). */
    static void lock(Database database, DSLContext tx, ResourceTable table, String id) {
        if (database.locksRows()) {
            tx.select(table.id)
                    .from(table.table)
                    .where(table.id.eq(id))
                    .forUpdate()
                    .fetch();
        }
    }

    static <S> List<String> wire(Collection<S> statuses, Function<S, String> wire) {
        return statuses.stream().map(wire).toList();
    }
}
