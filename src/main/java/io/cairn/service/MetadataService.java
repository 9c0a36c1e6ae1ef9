package io.cairn.service;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Snapshot;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.store.Database;
import io.cairn.store.SnapshotStore;
import io.cairn.store.VolumeStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * The user metadata of snapshots and volumes, with Cinder's rules for both. Every write reads the map and writes
 * it back under the owner's row lock, so parallel writes queue and none is lost.
 */
public final class MetadataService {
    /** What differs between the owners of metadata. */
    private interface Owner {
        /** Finds the caller's resource (404 otherwise) and returns its metadata. */
        Map<String, String> metadata(DSLContext tx, Caller caller, String id);

        /** Locks the caller's resource and returns its metadata, refusing a resource whose metadata may not change now. */
        Map<String, String> changeable(DSLContext tx, Caller caller, String id, String verb);

        void replace(DSLContext tx, String id, Map<String, String> metadata);

        Policy read();

        Policy update();

        Policy delete();

        String noun();

        /** Whether a read checks the policy before the lookup. */
        boolean readAuthorizedFirst();

        /** Whether a write answers Cinder's volume order (changed keys, new keys, unchanged keys) rather than the stored one. */
        boolean answersChangedFirst();
    }

    private final Database database;
    private final Owner owner;

    private MetadataService(Database database, Owner owner) {
        this.database = database;
        this.owner = owner;
    }

    /** Snapshot metadata: no write checks the snapshot's status. */
    public static MetadataService ofSnapshots(Database database, SnapshotStore snapshots) {
        return new MetadataService(database, new Owner() {
            @Override
            public Map<String, String> metadata(DSLContext tx, Caller caller, String id) {
                return Lookup.snapshot(snapshots, tx, caller, id).metadata();
            }

            @Override
            public Map<String, String> changeable(DSLContext tx, Caller caller, String id, String verb) {
                Snapshot snapshot = Lookup.lockedSnapshot(snapshots, tx, caller, id);
                return snapshot.metadata();
            }

            @Override
            public void replace(DSLContext tx, String id, Map<String, String> metadata) {
                snapshots.replaceMetadata(tx, id, metadata);
            }

            @Override
            public Policy read() {
                return Policy.GET_SNAPSHOT_METADATA;
            }

            @Override
            public Policy update() {
                return Policy.UPDATE_SNAPSHOT_METADATA;
            }

            @Override
            public Policy delete() {
                return Policy.DELETE_SNAPSHOT_METADATA;
            }

            @Override
            public String noun() {
                return "Snapshot";
            }

            @Override
            public boolean readAuthorizedFirst() {
                return false;
            }

            @Override
            public boolean answersChangedFirst() {
                return false;
            }
        });
    }

    /** Volume metadata: Cinder refuses changes while the volume is in maintenance or uploading. */
    public static MetadataService ofVolumes(Database database, VolumeStore volumes) {
        return new MetadataService(database, new Owner() {
            @Override
            public Map<String, String> metadata(DSLContext tx, Caller caller, String id) {
                return Lookup.volume(volumes, tx, caller, id).metadata();
            }

            @Override
            public Map<String, String> changeable(DSLContext tx, Caller caller, String id, String verb) {
                Volume volume = Lookup.lockedVolume(volumes, tx, caller, id);
                if (volume.status() == VolumeStatus.MAINTENANCE || volume.status() == VolumeStatus.UPLOADING) {
                    throw CairnException.invalidVolume(verb + " volume metadata is not allowed for volumes in "
                            + volume.status().wire() + " status.");
                }
                return volume.metadata();
            }

            @Override
            public void replace(DSLContext tx, String id, Map<String, String> metadata) {
                volumes.replaceMetadata(tx, id, metadata);
            }

            @Override
            public Policy read() {
                return Policy.GET_VOLUME_METADATA;
            }

            @Override
            public Policy update() {
                return Policy.UPDATE_VOLUME_METADATA;
            }

            @Override
            public Policy delete() {
                return Policy.DELETE_VOLUME_METADATA;
            }

            @Override
            public String noun() {
                return "Volume";
            }

            @Override
            public boolean readAuthorizedFirst() {
                return true;
            }

            @Override
            public boolean answersChangedFirst() {
                return true;
            }
        });
    }

    public Map<String, String> metadata(Caller caller, String id) {
        if (owner.readAuthorizedFirst()) {
            owner.read().authorize(caller);
        }
        Map<String, String> metadata = owner.metadata(database.dsl(), caller, id);
        owner.read().authorize(caller);
        return metadata;
    }

    public String item(Caller caller, String id, String key) {
        Map<String, String> metadata = metadata(caller, id);
        if (!metadata.containsKey(key)) {
            throw notFound(id, key);
        }
        return metadata.get(key);
    }

    /** Merges (POST) or replaces (PUT) the metadata; returns the map as Cinder answers it. */
    public Map<String, String> update(Caller caller, String id, Map<String, String> changes, boolean replace) {
        return database.transaction(tx -> {
            owner.metadata(tx, caller, id); // not found before not allowed, as in Cinder
            owner.update().authorize(caller);
            Update update = Update.of(owner.changeable(tx, caller, id, "Updating"), changes, replace);
            owner.replace(tx, id, update.stored());
            return owner.answersChangedFirst() ? update.answered() : update.stored();
        });
    }

    /** Cinder's order: the resource, then the key (404 for both), then the policy. */
    public void deleteItem(Caller caller, String id, String key) {
        database.execute(tx -> {
            if (!owner.metadata(tx, caller, id).containsKey(key)) {
                throw notFound(id, key);
            }
            owner.delete().authorize(caller);
            Map<String, String> result = new LinkedHashMap<>(owner.changeable(tx, caller, id, "Deleting"));
            if (result.remove(key) == null) {
                throw notFound(id, key);
            }
            owner.replace(tx, id, result);
        });
    }

    /** Replaces the whole map on behalf of a request that changes the resource too (a volume update). */
    void replaceAll(DSLContext tx, String id, Map<String, String> current, Map<String, String> replacement) {
        owner.replace(tx, id, Update.of(current, replacement, true).stored());
    }

    private CairnException notFound(String id, String key) {
        return new CairnException(
                ErrorCode.METADATA_NOT_FOUND, owner.noun() + " " + id + " has no metadata with key " + key + ".");
    }

    /**
     * A metadata write as Cinder's database layer does it: {@code stored} is the rows' order afterwards (kept
     * keys where they were, new keys after them), {@code answered} the dict the volume API returns (rows whose
     * value changed, then the new ones, then the unchanged).
     */
    private record Update(Map<String, String> stored, Map<String, String> answered) {
        static Update of(Map<String, String> current, Map<String, String> changes, boolean replace) {
            Map<String, String> stored = new LinkedHashMap<>();
            Map<String, String> changed = new LinkedHashMap<>();
            Map<String, String> unchanged = new LinkedHashMap<>();
            current.forEach((key, value) -> {
                if (changes.containsKey(key)) {
                    String next = changes.get(key);
                    stored.put(key, next);
                    (next.equals(value) ? unchanged : changed).put(key, next);
                } else if (!replace) {
                    stored.put(key, value);
                    unchanged.put(key, value);
                }
            });
            Map<String, String> answered = new LinkedHashMap<>(changed);
            changes.forEach((key, value) -> {
                if (!current.containsKey(key)) {
                    stored.put(key, value);
                    answered.put(key, value);
                }
            });
            answered.putAll(unchanged);
            return new Update(stored, answered);
        }
    }
}
