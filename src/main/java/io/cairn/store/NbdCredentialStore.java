package io.cairn.store;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import io.cairn.domain.NbdCredential;
import java.util.List;
import java.util.Optional;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/** The NBD data path's TLS identities (no keys: those are derived from the identity). */
public final class NbdCredentialStore {
    private static final Table<Record> CREDENTIALS = table(name("nbd_credentials"));
    private static final Field<String> IDENTITY = field(name("nbd_credentials", "identity"), SQLDataType.VARCHAR);
    private static final Field<String> PROJECT_ID = field(name("nbd_credentials", "project_id"), SQLDataType.VARCHAR);
    private static final Field<String> VOLUME_ID = field(name("nbd_credentials", "volume_id"), SQLDataType.VARCHAR);
    private static final Field<String> CONNECTOR = field(name("nbd_credentials", "connector"), SQLDataType.VARCHAR);
    private static final Field<Boolean> READ_ONLY = field(name("nbd_credentials", "read_only"), SQLDataType.BOOLEAN);
    private static final Field<String> DESCRIPTION = field(name("nbd_credentials", "description"), SQLDataType.VARCHAR);
    private static final Field<Long> CREATED_AT = field(name("nbd_credentials", "created_at"), SQLDataType.BIGINT);

    private final Database database;

    public NbdCredentialStore(Database database) {
        this.database = database;
    }

    /**
     * Inserts {@code credential}, unless it is a connection credential and the same volume already has one for the
     * same connector: then nothing changes. Atomic on every node sharing the database.
     *
     * @return the credential stored for that volume and connector (the one given, or the one that was there)
     */
    public NbdCredential insert(NbdCredential credential) {
        database.execute(tx -> tx.insertInto(CREDENTIALS)
                .set(IDENTITY, credential.identity())
                .set(PROJECT_ID, credential.projectId().orElse(null))
                .set(VOLUME_ID, credential.volumeId().orElse(null))
                .set(CONNECTOR, credential.connector().orElse(null))
                .set(READ_ONLY, credential.readOnly())
                .set(DESCRIPTION, credential.description())
                .set(CREATED_AT, Micros.of(credential.createdAt()))
                .onConflictDoNothing()
                .execute());
        if (credential.connector().isEmpty() || credential.volumeId().isEmpty()) {
            return credential;
        }
        return findConnection(
                        credential.volumeId().get(), credential.connector().get())
                .orElseThrow(() -> new IllegalStateException("a credential inserted is not found"));
    }

    public Optional<NbdCredential> find(String identity) {
        return database.dsl()
                .select(CREDENTIALS.fields())
                .from(CREDENTIALS)
                .where(IDENTITY.eq(identity))
                .fetchOptional(NbdCredentialStore::toCredential);
    }

    /** Every credential, or a project's, oldest first. */
    public List<NbdCredential> list(Optional<String> projectId) {
        var query = database.dsl().select(CREDENTIALS.fields()).from(CREDENTIALS);
        return (projectId.isPresent() ? query.where(PROJECT_ID.eq(projectId.get())) : query)
                .orderBy(CREATED_AT, IDENTITY)
                .fetch(NbdCredentialStore::toCredential);
    }

    /** Sets whether the identity opens volumes read-only, for the connections it makes from now on. */
    public void setReadOnly(String identity, boolean readOnly) {
        database.execute(tx -> tx.update(CREDENTIALS)
                .set(READ_ONLY, readOnly)
                .where(IDENTITY.eq(identity))
                .execute());
    }

    /** @return whether an identity was deleted */
    public boolean delete(String identity) {
        return database.transaction(
                tx -> tx.deleteFrom(CREDENTIALS).where(IDENTITY.eq(identity)).execute() == 1);
    }

    /** Deletes the connection credential of a volume for a connector; @return whether there was one */
    public boolean deleteConnection(String volumeId, String connector) {
        return database.transaction(tx -> tx.deleteFrom(CREDENTIALS)
                        .where(VOLUME_ID.eq(volumeId).and(CONNECTOR.eq(connector)))
                        .execute()
                > 0);
    }

    private Optional<NbdCredential> findConnection(String volumeId, String connector) {
        return database.dsl()
                .select(CREDENTIALS.fields())
                .from(CREDENTIALS)
                .where(VOLUME_ID.eq(volumeId).and(CONNECTOR.eq(connector)))
                .fetchOptional(NbdCredentialStore::toCredential);
    }

    private static NbdCredential toCredential(Record r) {
        return new NbdCredential(
                r.get(IDENTITY),
                Optional.ofNullable(r.get(PROJECT_ID)),
                Optional.ofNullable(r.get(VOLUME_ID)),
                Optional.ofNullable(r.get(CONNECTOR)),
                r.get(READ_ONLY),
                r.get(DESCRIPTION),
                Micros.toInstant(r.get(CREATED_AT)));
    }
}
