package io.cairn.store;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/** EVS's tags: one value per key on a snapshot or an EVS snapshot group. */
public final class EvsTagStore {
    /** What a tag is on, with the resource_type value that names it and the table of such resources. */
    public enum Kind {
        SNAPSHOT("snapshot", SnapshotStore.TABLE),
        SNAPSHOT_GROUP("snapshot_group", SnapshotGroupStore.TABLE);

        private final String type;
        private final ResourceTable table;

        Kind(String type, ResourceTable table) {
            this.type = type;
            this.table = table;
        }
    }

    private static final Table<Record> TAGS = DSL.table(DSL.name("evs_tags"));
    private static final Field<String> TYPE = DSL.field(DSL.name("evs_tags", "resource_type"), SQLDataType.VARCHAR);
    private static final Field<String> RESOURCE_ID =
            DSL.field(DSL.name("evs_tags", "resource_id"), SQLDataType.VARCHAR);
    private static final Field<String> PROJECT_ID = DSL.field(DSL.name("evs_tags", "project_id"), SQLDataType.VARCHAR);
    private static final Field<String> KEY = DSL.field(DSL.name("evs_tags", "tag_key"), SQLDataType.VARCHAR);
    private static final Field<String> VALUE = DSL.field(DSL.name("evs_tags", "tag_value"), SQLDataType.VARCHAR);

    private final DSLContext dsl;

    public EvsTagStore(Database database) {
        this.dsl = database.dsl();
    }

    /** Sets each key to its value on the resource, replacing the value a key had. */
    public void put(DSLContext tx, Kind kind, String resourceId, String projectId, Map<String, String> tags) {
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            tx.deleteFrom(TAGS)
                    .where(of(kind, resourceId).and(KEY.eq(tag.getKey())))
                    .execute();
            tx.insertInto(TAGS)
                    .set(TYPE, kind.type)
                    .set(RESOURCE_ID, resourceId)
                    .set(PROJECT_ID, projectId)
                    .set(KEY, tag.getKey())
                    .set(VALUE, tag.getValue())
                    .execute();
        }
    }

    /** Removes these keys from the resource; keys it does not have are ignored. */
    public void remove(DSLContext tx, Kind kind, String resourceId, Collection<String> keys) {
        if (!keys.isEmpty()) {
            tx.deleteFrom(TAGS).where(of(kind, resourceId).and(KEY.in(keys))).execute();
        }
    }

    public void removeAll(DSLContext tx, Kind kind, String resourceId) {
        tx.deleteFrom(TAGS).where(of(kind, resourceId)).execute();
    }

    /** Each resource's tags, by key, for the resources given (a resource without tags is absent). */
    public Map<String, Map<String, String>> tags(Kind kind, Collection<String> resourceIds) {
        Map<String, Map<String, String>> tags = new LinkedHashMap<>();
        if (resourceIds.isEmpty()) {
            return tags;
        }
        dsl.select(RESOURCE_ID, KEY, VALUE)
                .from(TAGS)
                .where(TYPE.eq(kind.type).and(RESOURCE_ID.in(resourceIds)))
                .orderBy(RESOURCE_ID, KEY)
                .fetch()
                .forEach(r -> tags.computeIfAbsent(r.get(RESOURCE_ID), id -> new TreeMap<>())
                        .put(r.get(KEY), r.get(VALUE)));
        return tags;
    }

    /** The ids of a project's resources of a kind that have the key, with this value when one is given. */
    public List<String> idsTagged(Kind kind, String projectId, String key, java.util.Optional<String> value) {
        Condition where = TYPE.eq(kind.type).and(PROJECT_ID.eq(projectId)).and(KEY.eq(key));
        where = value.map(VALUE::eq).map(where::and).orElse(where);
        return dsl.selectDistinct(RESOURCE_ID).from(TAGS).where(where).fetch(RESOURCE_ID);
    }

    /** Every key a project uses on its live resources of a kind, with the values it takes, keys and values sorted. */
    public Map<String, List<String>> keys(Kind kind, String projectId) {
        Map<String, TreeSet<String>> keys = new TreeMap<>();
        dsl.selectDistinct(KEY, VALUE)
                .from(TAGS)
                .where(TYPE.eq(kind.type).and(PROJECT_ID.eq(projectId)))
                // Only live resources' tags: a deleted snapshot's stay behind (Cinder's delete knows nothing of them).
                .and(DSL.exists(DSL.selectOne()
                        .from(kind.table.table)
                        .where(kind.table.id.eq(RESOURCE_ID).and(kind.table.live()))))
                .fetch()
                .forEach(r ->
                        keys.computeIfAbsent(r.get(KEY), k -> new TreeSet<>()).add(r.get(VALUE)));
        Map<String, List<String>> sorted = new LinkedHashMap<>();
        keys.forEach((key, values) -> sorted.put(key, List.copyOf(values)));
        return sorted;
    }

    private static Condition of(Kind kind, String resourceId) {
        return TYPE.eq(kind.type).and(RESOURCE_ID.eq(resourceId));
    }
}
