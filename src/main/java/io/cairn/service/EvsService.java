package io.cairn.service;

import static java.util.Objects.requireNonNull;

import io.cairn.compat.Python;
import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.Dialect;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.SnapshotWork;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeWork;
import io.cairn.store.Database;
import io.cairn.store.EvsTagStore;
import io.cairn.store.ListQuery;
import io.cairn.store.ListQuery.Filter;
import io.cairn.store.ListQuery.SortKey;
import io.cairn.store.SnapshotStore;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of Huawei Cloud EVS where they differ from Cinder's: the native snapshot list (offset paging,
 * a total count, its own filters and limits), the native API's size limits on names, descriptions and
 * metadata, snapshots of in-use disks without {@code force}, rollback to any available snapshot onto its
 * own disk, disks made from a snapshot being backed up, a deleted disk taking its snapshots with it, and the
 * v2 list's availability-zone filter. Everything else is Cinder's rule, delegated.
 */
public final class EvsService {
    public static final int MAX_LIMIT = 1000;
    /** The native API's names and descriptions are counted in UTF-8 bytes, not characters as Cinder's are. */
    static final int MAX_TEXT_BYTES = 255;
    /** Metadata, keys and values together in UTF-8, must stay under this (EVS.1005). */
    static final int MAX_METADATA_BYTES = 1 << 20;
    /** What the metadata tables hold per key and per value, as on Cinder's paths. */
    private static final int MAX_METADATA_ITEM = 255;
    /** Cinder's v2 snapshot list also accepts availability_zone from non-admins. */
    private static final ListSpec V2_LIST_SPEC = v2ListSpec();
    /** The v5 API's limits on names and descriptions, in characters. */
    static final int MAX_STANDARD_NAME = 64;

    static final int MAX_STANDARD_DESCRIPTION = 85;
    /** The v5 list's sort keys and the snapshot columns they sort by. */
    private static final Map<String, String> STANDARD_SORT_KEYS = Map.of(
            "id", "id", "status", "status", "size", "volume_size", "created_at", "created_at", "name", "display_name");
    /** Cairn has no enterprise projects: everything is in the default one, "0". */
    private static final Set<String> VISIBLE_ENTERPRISE_PROJECTS = Set.of("0", "all_granted_eps");

    private final SnapshotService snapshots;
    private final VolumeService volumes;
    private final VolumeActions volumeActions;
    private final SnapshotStore snapshotStore;
    private final Database database;
    private final EvsTagStore tags;
    private final EvsJobService jobs;

    public EvsService(
            SnapshotService snapshots,
            VolumeService volumes,
            VolumeActions volumeActions,
            SnapshotStore snapshotStore,
            Database database,
            EvsTagStore tags,
            EvsJobService jobs) {
        this.snapshots = requireNonNull(snapshots, "snapshots is null");
        this.volumes = requireNonNull(volumes, "volumes is null");
        this.volumeActions = requireNonNull(volumeActions, "volumeActions is null");
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

    /** One page of the native list, with the total of all matching snapshots and the paging that produced it. */
    public record SnapshotPage(List<Snapshot> items, int count, int offset, int limit) {
        public SnapshotPage {
            items = List.copyOf(items);
        }

        public boolean hasMore() {
            return offset + items.size() < count;
        }
    }

    /** {@code GET /v2/{project_id}/cloudsnapshots/detail}: newest first; unknown parameters are ignored. */
    public SnapshotPage listSnapshots(Caller caller, List<Map.Entry<String, String>> query) {
        int limit = MAX_LIMIT;
        int offset = 0;
        List<Filter> filters = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        boolean nothingMatches = false;
        for (Map.Entry<String, String> parameter : query) {
            String value = parameter.getValue();
            switch (parameter.getKey()) {
                case "limit" -> limit = parseLimit(value);
                case "offset" -> offset = parseOffset(value);
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
                case "id" -> ids.add(value);
                // Every Cairn snapshot is an EVS one, on shared storage, in the default enterprise project.
                case "dedicated_storage_id", "dedicated_storage_name" -> nothingMatches |= !value.isEmpty();
                case "service_type" -> nothingMatches |= !value.equals("EVS");
                case "enterprise_project_id" -> nothingMatches |= !visibleEnterpriseProject(value);
                default -> {} // EVS ignores parameters it does not know
            }
        }
        if (!ids.isEmpty()) {
            filters.add(new Filter.AnyOf(snapshotStore.column("id").orElseThrow(), ids));
        }
        Policy.GET_ALL_SNAPSHOTS.authorize(caller);
        if (nothingMatches) {
            return new SnapshotPage(List.of(), 0, offset, limit);
        }
        ListQuery listQuery = new ListQuery(
                Optional.of(caller.projectId()),
                filters,
                List.of(new SortKey("created_at", false), new SortKey("id", false)),
                Optional.empty(),
                offset,
                limit);
        return new SnapshotPage(
                snapshotStore.list(listQuery, Optional.empty()), snapshotStore.count(listQuery), offset, limit);
    }

    /** EVS's parameters name the snapshot columns they filter, so each is one the store knows. */
    private Filter columnEquals(String column, String value) {
        return new Filter.Equals(snapshotStore.column(column).orElseThrow(), value);
    }

    /** Cinder's v2 snapshot list: 3.0's rules, plus the availability_zone filter for everyone. */
    public Page<Snapshot> listSnapshotsV2(Caller caller, List<Map.Entry<String, String>> query) {
        ListRules.Plan plan =
                ListRules.plan(V2_LIST_SPEC, snapshotStore, caller, ApiVersion.MIN, query, Policy.GET_ALL_SNAPSHOTS);
        return ListRules.execute(V2_LIST_SPEC, plan, snapshotStore);
    }

    /**
     * {@code POST /v5/{project_id}/snapshots}: the native create, within the v5 API's limits (a name of at most 64
     * characters, a description of at most 85), with tags; the job is the snapshot's creation task.
     */
    public Accepted createStandardSnapshot(Caller caller, SnapshotCreate request, Map<String, String> newTags) {
        checkCharacters("name", request.name(), MAX_STANDARD_NAME);
        checkCharacters("description", request.description(), MAX_STANDARD_DESCRIPTION);
        Snapshot snapshot = createSnapshot(caller, request);
        database.execute(tx -> tags.put(tx, EvsTagStore.Kind.SNAPSHOT, snapshot.id(), snapshot.projectId(), newTags));
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

    /** Rolls a snapshot back onto its own disk, as {@link #rollback}; the job is the disk's rollback task. */
    public String rollbackStandardSnapshot(Caller caller, String snapshotId, String volumeId, String newVolumeName) {
        Instant since = jobs.now();
        rollback(caller, snapshotId, volumeId, newVolumeName);
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
        int limit = MAX_LIMIT;
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
                case "limit" -> limit = parseLimit(value);
                case "offset" -> offset = parseOffset(value);
                case "marker" -> marker = Optional.of(value);
                case "sort_key" -> {
                    if (!STANDARD_SORT_KEYS.containsKey(value)) {
                        throw new CairnException(ErrorCode.LIST_SORT_KEY_INVALID, "invalid sort_key!");
                    }
                    sortKey = STANDARD_SORT_KEYS.get(value);
                }
                case "sort_dir" -> ascending = parseSortDir(value);
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
                case "id" -> ids = Optional.of(intersect(ids, List.of(value)));
                case "ids" -> ids = Optional.of(intersect(ids, List.of(value.split(","))));
                case "tag_key" ->
                    ids = Optional.of(intersect(
                            ids,
                            tags.idsTagged(EvsTagStore.Kind.SNAPSHOT, caller.projectId(), value, Optional.empty())));
                // Every Cairn snapshot is made by a user, in the default enterprise project, on no snapshot chain.
                case "snapshot_type" -> nothingMatches |= !value.equals("user");
                case "snapshot_chain_id" -> nothingMatches = true;
                case "enterprise_project_id" -> nothingMatches |= !visibleEnterpriseProject(value);
                default -> {} // EVS ignores parameters it does not know
            }
        }
        for (Map.Entry<String, String> tag : tagFilter.entrySet()) {
            ids = Optional.of(intersect(
                    ids,
                    tags.idsTagged(
                            EvsTagStore.Kind.SNAPSHOT, caller.projectId(), tag.getKey(), Optional.of(tag.getValue()))));
        }
        if (nothingMatches || ids.filter(Set::isEmpty).isPresent()) {
            return new StandardPage(List.of(), 0);
        }
        ids.ifPresent(any -> filters.add(
                new Filter.AnyOf(snapshotStore.column("id").orElseThrow(), List.copyOf(new java.util.TreeSet<>(any)))));
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
        Map<String, String> zones = new java.util.HashMap<>();
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

    private static Set<String> intersect(Optional<Set<String>> ids, Collection<String> more) {
        if (ids.isEmpty()) {
            return Set.copyOf(more);
        }
        Set<String> both = new HashSet<>(ids.get());
        both.retainAll(Set.copyOf(more));
        return both;
    }

    private static void checkCharacters(String field, String value, int max) {
        if (value != null && characters(value) > max) {
            throw CairnException.badRequest(field + " is longer than " + max + " characters.");
        }
    }

    /** EVS snapshots an in-use disk without {@code force} (Cinder's 3.66 rule); {@code force} itself changes nothing here. */
    public Snapshot createSnapshot(Caller caller, SnapshotCreate request) {
        checkText("name", request.name());
        checkText("description", request.description());
        checkMetadata(request.metadata());
        return snapshots.create(
                caller,
                new SnapshotCreate(
                        request.volumeId(),
                        request.name(),
                        request.description(),
                        Optional.empty(),
                        request.metadata()),
                true);
    }

    /** The native update: Cinder's, within the native API's size limits. */
    public Snapshot updateSnapshot(
            Caller caller, String id, Optional<Optional<String>> name, Optional<Optional<String>> description) {
        name.flatMap(n -> n).ifPresent(n -> checkText("name", n));
        description.flatMap(d -> d).ifPresent(d -> checkText("description", d));
        return snapshots.update(caller, id, name, description);
    }

    /** Rolls a snapshot's data back onto its own disk; see {@link VolumeActions#rollbackToSnapshot}. */
    public void rollback(Caller caller, String snapshotId, String volumeId, String newVolumeName) {
        checkText("name", newVolumeName);
        volumeActions.rollbackToSnapshot(caller, snapshotId, volumeId, newVolumeName);
    }

    /** EVS also makes a disk from a snapshot that a backup is being taken of ({@code backing-up}). */
    public Volume createVolume(Caller caller, VolumeCreate request) {
        return volumes.create(caller, request, Dialect.EVS);
    }

    /**
     * On EVS, deleting a disk deletes its snapshots (each must be deletable, as Cinder's cascade requires), and a
     * disk whose rollback failed may be deleted.
     */
    public void deleteVolume(Caller caller, String volumeId) {
        volumes.delete(caller, volumeId, true, false, Dialect.EVS);
    }

    static void checkText(String field, String value) {
        if (value != null && value.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
            throw CairnException.badRequest(field + " is longer than " + MAX_TEXT_BYTES + " bytes.");
        }
    }

    private static void checkMetadata(Map<String, String> metadata) {
        long bytes = metadata.entrySet().stream()
                .mapToLong(e -> e.getKey().getBytes(StandardCharsets.UTF_8).length
                        + e.getValue().getBytes(StandardCharsets.UTF_8).length)
                .sum();
        if (bytes >= MAX_METADATA_BYTES) {
            throw new CairnException(
                    ErrorCode.METADATA_TOO_LARGE,
                    "metadata has " + bytes + " bytes; it must stay under " + MAX_METADATA_BYTES + ".");
        }
        if (metadata.entrySet().stream()
                .anyMatch(e ->
                        characters(e.getKey()) > MAX_METADATA_ITEM || characters(e.getValue()) > MAX_METADATA_ITEM)) {
            throw CairnException.badRequest(
                    "metadata keys and values must have at most " + MAX_METADATA_ITEM + " characters.");
        }
    }

    private static int characters(String text) {
        return text.codePointCount(0, text.length());
    }

    static int parseLimit(String raw) {
        BigInteger value =
                Python.parseInt(raw).orElseThrow(() -> CairnException.badRequest("limit param must be an integer."));
        if (value.signum() <= 0) {
            throw CairnException.badRequest("limit param must be positive.");
        }
        if (value.compareTo(BigInteger.valueOf(MAX_LIMIT)) > 0) {
            throw new CairnException(
                    ErrorCode.LIST_LIMIT_TOO_LARGE, "invalid filter limit, can not greater than " + MAX_LIMIT + ".");
        }
        return value.intValue();
    }

    /** Whether an enterprise_project_id filter can match: Cairn has everything in the default project. */
    static boolean visibleEnterpriseProject(String value) {
        return VISIBLE_ENTERPRISE_PROJECTS.contains(value);
    }

    /** EVS's sort_dir: {@code asc} or {@code desc}; true for ascending. */
    static boolean parseSortDir(String raw) {
        return switch (raw) {
            case "asc" -> true;
            case "desc" -> false;
            default -> throw new CairnException(ErrorCode.LIST_SORT_DIR_INVALID, "invalid sort_dir!");
        };
    }

    static int parseOffset(String raw) {
        BigInteger value =
                Python.parseInt(raw).orElseThrow(() -> CairnException.badRequest("offset param must be an integer."));
        if (value.signum() < 0 || value.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
            throw CairnException.badRequest("offset param must be between 0 and " + Integer.MAX_VALUE + ".");
        }
        return value.intValue();
    }

    /** EVS's messages stand alone, without Cinder's "Invalid input received:" prefix. */
    private static ListSpec v2ListSpec() {
        ListSpec v3 = SnapshotService.LIST_SPEC;
        Set<String> legacy = new HashSet<>(v3.legacyFilters());
        legacy.add("availability_zone");
        return new ListSpec(
                v3.resourceName(),
                v3.notFound(),
                Set.copyOf(legacy),
                v3.metadataFilterSince(),
                v3.resourceFilters(),
                v3.renamed());
    }
}
