package io.cairn.store;

import io.cairn.domain.VolumeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The volume types an admin created, with their extra specs; the {@code __DEFAULT__} type is not stored. Names are
 * unique among live types; the service checks that in its transaction.
 */
public final class VolumeTypeStore {
    private static final TypeTable TYPES =
            new TypeTable("volume_types", "volume_type_extra_specs", "volume_type_id", false);

    private final DSLContext dsl;

    public VolumeTypeStore(Database database) {
        this.dsl = database.dsl();
    }

    public void insert(DSLContext tx, VolumeType type, Instant now) {
        TYPES.insert(
                tx,
                new TypeTable.Row(type.id(), type.name(), type.description(), type.isPublic(), type.extraSpecs()),
                now);
    }

    public Optional<VolumeType> find(DSLContext tx, String id) {
        return read(tx, TYPES.id.eq(id)).stream().findFirst();
    }

    public Optional<VolumeType> findByName(DSLContext tx, String name) {
        return read(tx, TYPES.name.eq(name)).stream().findFirst();
    }

    /** Every live stored type, oldest first. */
    public List<VolumeType> list() {
        return read(dsl, DSL.noCondition());
    }

    private static List<VolumeType> read(DSLContext tx, Condition where) {
        return TYPES.read(tx, where).stream()
                .map(r -> new VolumeType(r.id(), r.name(), r.description(), r.isPublic(), r.specs(), Optional.empty()))
                .toList();
    }

    /** Soft-deletes the type unless a live volume or group has it; returns whether it did. */
    public boolean deleteUnlessInUse(DSLContext tx, String id, Instant now) {
        Condition unused = DSL.notExists(DSL.selectOne()
                        .from(VolumeStore.TABLE.table)
                        .where(VolumeStore.TABLE
                                .stringColumn("volume_type_id")
                                .eq(TYPES.id)
                                .and(VolumeStore.TABLE.live())))
                .and(DSL.condition("not exists (select 1 from volume_group_types uses join volume_groups owners"
                        + " on owners.id = uses.group_id where uses.volume_type_id = volume_types.id"
                        + " and owners.deleted = FALSE)"));
        return TYPES.deleteIf(tx, id, unused, now);
    }
}
