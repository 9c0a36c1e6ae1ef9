package io.cairn.store;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import io.cairn.domain.AccessKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/** Access keys with their sealed secrets, and the signatures already used (for replay protection). */
public final class AccessKeyStore {
    private static final Table<Record> KEYS = table(name("access_keys"));
    private static final Field<String> ACCESS_KEY = field(name("access_keys", "access_key"), SQLDataType.VARCHAR);
    private static final Field<String> PROJECT_ID = field(name("access_keys", "project_id"), SQLDataType.VARCHAR);
    private static final Field<String> USER_ID = field(name("access_keys", "user_id"), SQLDataType.VARCHAR);
    private static final Field<String> ROLES = field(name("access_keys", "roles"), SQLDataType.VARCHAR);
    private static final Field<String> SEALED_SECRET = field(name("access_keys", "sealed_secret"), SQLDataType.VARCHAR);
    private static final Field<String> DESCRIPTION = field(name("access_keys", "description"), SQLDataType.VARCHAR);
    private static final Field<Long> CREATED_AT = field(name("access_keys", "created_at"), SQLDataType.BIGINT);

    private static final Table<Record> USED = table(name("used_signatures"));
    private static final Field<String> SIGNATURE = field(name("used_signatures", "signature"), SQLDataType.VARCHAR);
    private static final Field<Long> EXPIRES_AT = field(name("used_signatures", "expires_at"), SQLDataType.BIGINT);

    /** An access key with its secret as stored: sealed, never in clear. */
    public record Stored(AccessKey key, String sealedSecret) {}

    private final Database database;

    public AccessKeyStore(Database database) {
        this.database = database;
    }

    public void insert(AccessKey key, String sealedSecret) {
        database.execute(tx -> tx.insertInto(KEYS)
                .set(ACCESS_KEY, key.accessKey())
                .set(PROJECT_ID, key.projectId())
                .set(USER_ID, key.userId())
                .set(ROLES, String.join(",", new TreeSet<>(key.roles())))
                .set(SEALED_SECRET, sealedSecret)
                .set(DESCRIPTION, key.description())
                .set(CREATED_AT, Micros.of(key.createdAt()))
                .execute());
    }

    public Optional<Stored> find(String accessKey) {
        return database.dsl()
                .select(KEYS.fields())
                .from(KEYS)
                .where(ACCESS_KEY.eq(accessKey))
                .fetchOptional()
                .map(r -> new Stored(toAccessKey(r), r.get(SEALED_SECRET)));
    }

    /** Every access key, or a project's, oldest first. */
    public List<AccessKey> list(Optional<String> projectId) {
        var query = database.dsl().select(KEYS.fields()).from(KEYS);
        return (projectId.isPresent() ? query.where(PROJECT_ID.eq(projectId.get())) : query)
                .orderBy(CREATED_AT, ACCESS_KEY)
                .fetch(AccessKeyStore::toAccessKey);
    }

    /** @return whether a key was deleted */
    public boolean delete(String accessKey) {
        return database.transaction(
                tx -> tx.deleteFrom(KEYS).where(ACCESS_KEY.eq(accessKey)).execute() == 1);
    }

    /**
     * Records a signature as used until {@code expiresAt}, forgetting those already expired. Atomic: of two
     * requests with the same signature, on any node sharing the database, exactly one gets true.
     *
     * @return true the first time a signature is seen, false for a replay
     */
    public boolean recordSignature(String signature, Instant expiresAt, Instant now) {
        return database.transaction(tx -> {
            tx.deleteFrom(USED).where(EXPIRES_AT.lt(Micros.of(now))).execute();
            return tx.insertInto(USED)
                            .set(SIGNATURE, signature)
                            .set(EXPIRES_AT, Micros.of(expiresAt))
                            .onConflictDoNothing()
                            .execute()
                    == 1;
        });
    }

    private static AccessKey toAccessKey(Record r) {
        Set<String> roles = new TreeSet<>(
                Arrays.stream(r.get(ROLES).split(",")).filter(s -> !s.isEmpty()).toList());
        return new AccessKey(
                r.get(ACCESS_KEY),
                r.get(PROJECT_ID),
                r.get(USER_ID),
                roles,
                r.get(DESCRIPTION),
                Micros.toInstant(r.get(CREATED_AT)));
    }
}
