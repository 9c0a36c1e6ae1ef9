package io.cairn.service;

import static java.util.Objects.requireNonNull;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.SnapshotWork;
import io.cairn.domain.VolumeWork;
import io.cairn.store.Database;
import io.cairn.store.EvsTagStore;
import io.cairn.store.ListQuery;
import io.cairn.store.ListQuery.Filter;
import io.cairn.store.ListQuery.SortKey;
import io.cairn.store.SnapshotStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * EVS's v5 ("standard snapshot") API over Cairn's one snapshot store: the native rules of {@link EvsService} with
 * the v5 API's own limits (names of 64 characters, descriptions of 85), tags, marker or offset paging with sorting,
 * and a job for every call that starts background work ({@link EvsJobService}).
 */
public final class StandardSnapshotService {
    /** The v5 API's limits on names and descriptions, in characters. */
    static final int MAX_STANDARD_NAME = 64;

    static final int MAX_STANDARD_DESCRIPTION = 85;
    /** The v5 list's sort keys and the snapshot columns they sort by. */
    private static final Map<String, String> STANDARD_SORT_KEYS = Map.of(
            "id", "id", "status", "status", "size", "volume_size", "created_at", "created_at", "name", "display_name");

    private final EvsService evs;
    private final SnapshotService snapshots;
    private final VolumeService volumes;
    private final SnapshotStore snapshotStore;
    private final Database database;
    private final EvsTagStore tags;
    private final EvsJobService jobs;

    public StandardSnapshotService(
            EvsService evs,
            SnapshotService snapshots,
            VolumeService volumes,
            SnapshotStore snapshotStore,
            Database database,
            EvsTagStore tags,
            EvsJobService jobs) {
        this.evs = requireNonNull(evs, "evs is null");
        this.snapshots = requireNonNull(snapshots, "snapshots is null");
        this.volumes = requireNonNull(volumes, "volumes is null");
        this.snapshotStore = requireNonNull(snapshotStore, "snapshotStore is null");
        this.database = requireNonNull(database, "database is null");
        this.tags = requireNonNull(tags, "tags is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
    }

    /** A snapshot as the v5 API shows it: with its tags and its disk's availability zone. */
    public record StandardSnapshot(Snapshot snapshot, Map<String, String> tags, String availabilityZone) {}

    /** A v5 request accepted, with the job that carries it out. */
    public record Accepted(String id, String jobId) {}

    /** One page of the v5 list and the total of all that match. */
    public record StandardPage(List<StandardSnapshot> items, int count) {
        public StandardPage {
            items = List.copyOf(items);
        }
    }

    /**
     * {@code POST /v5/{project_id}/snapshots}: the native create, within the v5 API's limits (a name of at most 64
     * characters, a description of at most 85), with tags, one at a time per disk; the job is the snapshot's creation
     * task.
     */
    public Accepted createStandardSnapshot(Caller caller, SnapshotCreate request, Map<String, String> newTags) {
        checkCharacters("name", request.name(), MAX_STANDARD_NAME);
        checkCharacters("description", request.description(), MAX_STANDARD_DESCRIPTION);
        Snapshot snapshot = snapshots.createStandard(
                caller,
                evs.checkedCreate(request),
                (tx, created) -> tags.put(tx, EvsTagStore.Kind.SNAPSHOT, created.id(), created.projectId(), newTags));
        // A snapshot is created once: its creation is the only task of that kind it ever has.
        String job = jobs.started(
                caller,
                EvsJobService.Type.CREATE_SNAPSHOT,
                SnapshotWork.CREATE_SNAPSHOT,
                snapshot.id(),
                Instant.EPOCH,
                new EvsJobService.Entities(snapshot.id(), snapshot.volumeId(), null));
        return new Accepted(snapshot.id(), job);
    }

    public StandardSnapshot getStandardSnapshot(Caller caller, String id) {
        return standard(List.of(snapshots.get(caller, id)), caller).getFirst();
    }

    /** The v5 update: name and description within the v5 limits. */
    public StandardSnapshot updateStandardSnapshot(
            Caller caller, String id, Optional<Optional<String>> name, Optional<Optional<String>> description) {
        name.flatMap(n -> n).ifPresent(n -> checkCharacters("name", n, MAX_STANDARD_NAME));
        description.flatMap(d -> d).ifPresent(d -> checkCharacters("description", d, MAX_STANDARD_DESCRIPTION));
        return standard(List.of(snapshots.update(caller, id, name, description)), caller)
                .getFirst();
    }

    /** Deletes a snapshot as the native API does; the job is the deletion task. */
    public String deleteStandardSnapshot(Caller caller, String id) {
        Instant since = jobs.now();
        Snapshot snapshot = snapshots.get(caller, id);
        snapshots.delete(caller, id);
        return jobs.started(
                caller,
                EvsJobService.Type.DELETE_SNAPSHOT,
                SnapshotWork.DELETE_SNAPSHOT,
                id,
                since,
                new EvsJobService.Entities(id, snapshot.volumeId(), null));
    }

    /** Rolls a snapshot back onto its own disk, as {@link EvsService#rollback}; the job is the disk's rollback task. */
    public String rollbackStandardSnapshot(Caller caller, String snapshotId, String volumeId, String newVolumeName) {
        Instant since = jobs.now();
        evs.rollback(caller, snapshotId, volumeId, newVolumeName);
        return jobs.started(
                caller,
                EvsJobService.Type.ROLLBACK_SNAPSHOT,
                VolumeWork.ROLLBACK_VOLUME,
                volumeId,
                since,
                new EvsJobService.Entities(snapshotId, volumeId, null));
    }

    /** Sets tags on a snapshot (a key it has gets the new value). */
    public void addSnapshotTags(Caller caller, String id, Map<String, String> newTags) {
        Snapshot snapshot = snapshots.get(caller, id);
        Policy.UPDATE_SNAPSHOT.authorize(caller);
        database.execute(tx -> tags.put(tx, EvsTagStore.Kind.SNAPSHOT, id, snapshot.projectId(), newTags));
    }

    /** Removes tags from a snapshot by key; keys it does not have are ignored. */
    public void removeSnapshotTags(Caller caller, String id, Collection<String> keys) {
        snapshots.get(caller, id);
        Policy.UPDATE_SNAPSHOT.authorize(caller);
        database.execute(tx -> tags.remove(tx, EvsTagStore.Kind.SNAPSHOT, id, keys));
    }

    /** The tag keys of the caller's project's snapshots, each with the values it takes. */
    public Map<String, List<String>> snapshotTagKeys(Caller caller) {
        Policy.GET_ALL_SNAPSHOTS.authorize(caller);
        return tags.keys(EvsTagStore.Kind.SNAPSHOT, caller.projectId());
    }

    /**
     * {@code GET /v5/{project_id}/snapshots/detail}: the caller's project's snapshots, newest first unless sorted
     * otherwise, paged by marker or offset, with the total count; unknown parameters are ignored, as EVS does.
     *
     * @param tagFilter the {@code tags} parameter's key/value pairs, every one of which a snapshot must have
     */
    public StandardPage listStandardSnapshots(
            Caller caller, List<Map.Entry<String, String>> query, Map<String, String> tagFilter) {
        Policy.GET_ALL_SNAPSHOTS.authorize(caller);
        int limit = EvsService.MAX_LIMIT;
        int offset = 0;
        Optional<String> marker = Optional.empty();
        String sortKey = "created_at";
        boolean ascending = false;
        List<Filter> filters = new ArrayList<>();
        Optional<Set<String>> ids = Optional.empty();
        boolean nothingMatches = false;
        for (Map.Entry<String, String> parameter : query) {
            String value = parameter.getValue();
            switch (parameter.getKey()) {
                case "limit" -> limit = EvsService.parseLimit(value);
                case "offset" -> offset = EvsService.parseOffset(value);
                case "marker" -> marker = Optional.of(value);
                case "sort_key" -> {
                    if (!STANDARD_SORT_KEYS.containsKey(value)) {
                        throw new CairnException(ErrorCode.LIST_SORT_KEY_INVALID, "invalid sort_key!");
                    }
                    sortKey = STANDARD_SORT_KEYS.get(value);
                }
                case "sort_dir" -> ascending = EvsService.parseSortDir(value);
                case "name" -> filters.add(columnEquals("display_name", value));
                case "status" -> {
                    if (SnapshotStatus.parse(value)
                            .filter(s -> s.wire().equals(value))
                            .isEmpty()) {
                        throw CairnException.badRequest("Must specify a valid status.");
                    }
                    filters.add(columnEquals("status", value));
                }
                case "volume_id" -> filters.add(columnEquals("volume_id", value));
                case "availability_zone" -> filters.add(columnEquals("availability_zone", value));
                case "snapshot_group_id" -> filters.add(columnEquals("group_snapshot_id", value));
                case "id" -> ids = Optional.of(EvsService.intersect(ids, List.of(value)));
                case "ids" -> ids = Optional.of(EvsService.intersect(ids, List.of(value.split(","))));
                case "tag_key" ->
                    ids = Optional.of(EvsService.intersect(
                            ids,
                            tags.idsTagged(EvsTagStore.Kind.SNAPSHOT, caller.projectId(), value, Optional.empty())));
                // Every Cairn snapshot is made by a user, in the default enterprise project, on no snapshot chain.
                case "snapshot_type" -> nothingMatches |= !value.equals("user");
                case "snapshot_chain_id" -> nothingMatches = true;
                case "enterprise_project_id" -> nothingMatches |= !EvsService.visibleEnterpriseProject(value);
                default -> {} // EVS ignores parameters it does not know
            }
        }
        for (Map.Entry<String, String> tag : tagFilter.entrySet()) {
            ids = Optional.of(EvsService.intersect(
                    ids,
                    tags.idsTagged(
                            EvsTagStore.Kind.SNAPSHOT, caller.projectId(), tag.getKey(), Optional.of(tag.getValue()))));
        }
        if (nothingMatches || ids.filter(Set::isEmpty).isPresent()) {
            return new StandardPage(List.of(), 0);
        }
        ids.ifPresent(any -> filters.add(
                new Filter.AnyOf(snapshotStore.column("id").orElseThrow(), List.copyOf(new TreeSet<>(any)))));
        List<SortKey> sort = sortKey.equals("id")
                ? List.of(new SortKey("id", ascending))
                : List.of(new SortKey(sortKey, ascending), new SortKey("id", ascending));
        ListQuery listQuery = new ListQuery(Optional.of(caller.projectId()), filters, sort, marker, offset, limit);
        Optional<ListQuery.Marker> markerRow = Optional.empty();
        if (marker.isPresent()) {
            markerRow = snapshotStore.markerRow(
                    new ListQuery(Optional.of(caller.projectId()), List.of(), sort, marker, 0, 1), marker.get());
            if (markerRow.isEmpty()) {
                throw new CairnException(ErrorCode.LIST_MARKER_INVALID, "invalid filter marker!");
            }
        }
        return new StandardPage(
                standard(snapshotStore.list(listQuery, markerRow), caller),
                snapshotStore.count(
                        new ListQuery(Optional.of(caller.projectId()), filters, sort, Optional.empty(), 0, 0)));
    }

    /** Each snapshot with its tags and its disk's zone (read once per disk). */
    private List<StandardSnapshot> standard(List<Snapshot> page, Caller caller) {
        Map<String, Map<String, String>> pageTags = tags.tags(
                EvsTagStore.Kind.SNAPSHOT, page.stream().map(Snapshot::id).toList());
        Map<String, String> zones = new HashMap<>();
        List<StandardSnapshot> shown = new ArrayList<>();
        for (Snapshot snapshot : page) {
            String zone = zones.computeIfAbsent(snapshot.volumeId(), volumeId -> zone(caller, volumeId));
            shown.add(new StandardSnapshot(snapshot, pageTags.getOrDefault(snapshot.id(), Map.of()), zone));
        }
        return shown;
    }

    /** The zone of a snapshot's disk; none for a disk gone meanwhile (EVS deletes a disk's snapshots with it). */
    private String zone(Caller caller, String volumeId) {
        try {
            return volumes.get(caller, volumeId).availabilityZone();
        } catch (CairnException e) {
            if (e.code() != ErrorCode.VOLUME_NOT_FOUND) {
                throw e;
            }
            return null;
        }
    }

    private static void checkCharacters(String field, String value, int max) {
        if (value != null && EvsService.characters(value) > max) {
            throw CairnException.badRequest(field + " is longer than " + max + " characters.");
        }
    }

    /** EVS's parameters name the snapshot columns they filter, so each is one the store knows. */
    private Filter columnEquals(String column, String value) {
        return new Filter.Equals(snapshotStore.column(column).orElseThrow(), value);
    }
}
