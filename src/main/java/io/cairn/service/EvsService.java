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
import io.cairn.domain.Volume;
import io.cairn.store.ListQuery;
import io.cairn.store.ListQuery.Filter;
import io.cairn.store.ListQuery.SortKey;
import io.cairn.store.SnapshotStore;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
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
    /** Cairn has no enterprise projects: everything is in the default one, "0". */
    private static final Set<String> VISIBLE_ENTERPRISE_PROJECTS = Set.of("0", "all_granted_eps");

    private final SnapshotService snapshots;
    private final VolumeService volumes;
    private final VolumeActions volumeActions;
    private final SnapshotStore snapshotStore;

    public EvsService(
            SnapshotService snapshots,
            VolumeService volumes,
            VolumeActions volumeActions,
            SnapshotStore snapshotStore) {
        this.snapshots = requireNonNull(snapshots, "snapshots is null");
        this.volumes = requireNonNull(volumes, "volumes is null");
        this.volumeActions = requireNonNull(volumeActions, "volumeActions is null");
        this.snapshotStore = requireNonNull(snapshotStore, "snapshotStore is null");
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

    /** EVS snapshots an in-use disk without {@code force} (Cinder's 3.66 rule); {@code force} itself changes nothing here. */
    public Snapshot createSnapshot(Caller caller, SnapshotCreate request) {
        return snapshots.create(caller, checkedCreate(request), true);
    }

    /** A create within the native API's size limits, with no {@code force}: the native paths snapshot in-use disks. */
    SnapshotCreate checkedCreate(SnapshotCreate request) {
        checkText("name", request.name());
        checkText("description", request.description());
        checkMetadata(request.metadata());
        return new SnapshotCreate(
                request.volumeId(), request.name(), request.description(), Optional.empty(), request.metadata());
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

    /** The ids a list keeps: those of every id filter so far (none yet: all of {@code more}) that are also in {@code more}. */
    static Set<String> intersect(Optional<Set<String>> ids, Collection<String> more) {
        if (ids.isEmpty()) {
            return Set.copyOf(more);
        }
        Set<String> both = new HashSet<>(ids.get());
        both.retainAll(Set.copyOf(more));
        return both;
    }

    static int characters(String text) {
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
                v3.style(),
                Set.copyOf(legacy),
                v3.metadataFilterSince(),
                v3.resourceFilters(),
                v3.renamed());
    }
}
