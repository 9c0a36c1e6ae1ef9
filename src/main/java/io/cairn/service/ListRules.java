package io.cairn.service;

import io.cairn.compat.OsloBoolean;
import io.cairn.compat.Python;
import io.cairn.compat.PythonLiteral;
import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.RowVersion;
import io.cairn.store.ListColumn;
import io.cairn.store.ListQuery;
import io.cairn.store.ListQuery.Filter;
import io.cairn.store.ListQuery.SortKey;
import io.cairn.store.ListSource;
import io.cairn.store.VersionedListSource;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiFunction;

/**
 * Cinder's list rules for query parameters, shared by every listable resource and applied in Cinder's
 * order, which decides which error a request with several problems gets: sort parameters, then limit,
 * marker and offset, then {@code with_count}, then filter validation and conversion, then policy, then
 * sort directions. What is left (unknown filters giving an empty list, the marker's 404, unknown sort
 * keys' 400) needs the store and happens in {@link #execute}.
 *
 * <p>Values are read as Cinder's Python reads them: {@code int()} for limit and offset, {@code str.strip()}
 * for sort items, oslo's {@code bool_from_string} for {@code all_tenants} and {@code get_bool_param} for
 * {@code with_count} and {@code use_quota}, where the resource's {@link ListSpec.Style} reads them at all.
 */
public final class ListRules {
    public static final int MAX_LIMIT = 1000;
    private static final BigInteger MAX_OFFSET = BigInteger.valueOf(2147483647);
    /** Cinder's {@code ATTRIBUTE_CONVERTERS}, applied from 3.31 only (with the resource filters). */
    private static final Map<String, String> ATTRIBUTE_CONVERTERS =
            Map.of("name~", "display_name~", "description~", "display_description~", "consumes_quota", "use_quota");

    private ListRules() {}

    /**
     * A list request after the checks that need no store: the sort keys as asked (an unknown one is refused by
     * {@link #execute}, after the marker), and the filters on known columns, empty when nothing can match.
     */
    public record Plan(
            List<SortKey> sort,
            int limit,
            Optional<String> marker,
            int offset,
            boolean withCount,
            Optional<List<Filter>> filters,
            Optional<String> projectScope,
            Optional<String> markerScope) {

        public Plan {
            sort = List.copyOf(sort);
        }

        /** The same request with other sort keys and filters, for a resource's own rules. */
        Plan with(List<SortKey> otherSort, Optional<List<Filter>> otherFilters) {
            return new Plan(otherSort, limit, marker, offset, withCount, otherFilters, projectScope, markerScope);
        }

        ListQuery query() {
            return new ListQuery(projectScope, filters.orElse(List.of()), sort, marker, offset, limit);
        }

        /** The marker is looked up as a show would: admins see every project. */
        ListQuery markerQuery(List<SortKey> markerSort) {
            return new ListQuery(markerScope, List.of(), markerSort, marker, 0, 1);
        }
    }

    public static Plan plan(
            ListSpec spec,
            ListSource<?> source,
            Caller caller,
            ApiVersion version,
            List<Map.Entry<String, String>> query,
            Policy listPolicy) {
        Map<String, String> params = new LinkedHashMap<>();
        query.forEach(e -> params.put(e.getKey(), e.getValue()));

        List<String> sortKeys = new ArrayList<>();
        List<String> sortDirs = new ArrayList<>();
        // Presence is what counts, as in Python's "'sort' in params": an empty sort is still a sort.
        if (params.containsKey("sort") && (params.containsKey("sort_key") || params.containsKey("sort_dir"))) {
            throw new CairnException(
                    ErrorCode.INVALID_SORT,
                    "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
        }
        if (params.containsKey("sort")) {
            for (String item : Python.strip(params.remove("sort")).split(",", -1)) {
                int colon = item.indexOf(':');
                String key = colon < 0 ? item : item.substring(0, colon);
                String dir = colon < 0 ? "" : item.substring(colon + 1);
                sortKeys.add(Python.strip(key));
                sortDirs.add(Python.strip(dir.isEmpty() ? "desc" : dir));
            }
        } else {
            sortKeys.add(Python.strip(orDefault(params.remove("sort_key"), "created_at")));
            sortDirs.add(Python.strip(orDefault(params.remove("sort_dir"), "desc")));
        }

        int limit = parseLimit(params.remove("limit"));
        // An empty marker is still looked up (and not found), as Cinder tests "marker is not None".
        Optional<String> marker = Optional.ofNullable(params.remove("marker"));
        int offset = parseOffset(params.remove("offset"));

        boolean volumeApi = spec.style() == ListSpec.Style.VOLUME_API;
        boolean withCount = false;
        if (volumeApi && version.atLeast(ApiVersion.LIST_COUNT) && params.containsKey("with_count")) {
            withCount = OsloBoolean.parameter("with_count", params.remove("with_count"));
        }

        Map<String, Object> filters = new LinkedHashMap<>(params);
        if (version.atLeast(ApiVersion.RESOURCE_FILTERS)) {
            rejectInvalidFilters(spec, caller, version, filters);
            for (String from : List.copyOf(filters.keySet())) {
                String to = ATTRIBUTE_CONVERTERS.get(from);
                if (to != null) {
                    filters.put(to, filters.remove(from));
                }
            }
        } else if (volumeApi) {
            if (!version.atLeast(spec.metadataFilterSince())) {
                filters.remove("metadata");
            }
            // use_quota counts from 3.65 (as consumes_quota), so the legacy filters never include it.
            filters.remove("use_quota");
            if (!caller.isAdmin()) {
                filters.keySet().retainAll(spec.legacyFilters());
            }
        }
        if (filters.get("metadata") instanceof String text) {
            PythonLiteral.parseDict(text).ifPresent(dict -> filters.put("metadata", dict));
        }
        if (volumeApi && filters.get("use_quota") instanceof String text) {
            // The message names use_quota even when the client sent consumes_quota, as Cinder's does.
            filters.put("use_quota", Boolean.toString(OsloBoolean.parameter("use_quota", text)));
        }
        spec.renamed().forEach((from, to) -> {
            if (filters.containsKey(from)) {
                filters.put(to, filters.remove(from));
            }
        });

        listPolicy.authorize(caller);

        boolean allTenants;
        if (volumeApi) {
            allTenants = Optional.ofNullable(filters.remove("all_tenants"))
                    .map(v -> OsloBoolean.isTrue(v.toString()))
                    .orElse(false);
        } else {
            allTenants = caller.isAdmin() && filters.remove("all_tenants") != null;
        }
        Optional<String> scope = Optional.of(caller.projectId());
        if (caller.isAdmin() && allTenants) {
            scope = Optional.empty();
        } else {
            filters.remove("project_id");
        }

        // Cinder maps only the first "name" (sort_keys.index); a second one stays an invalid key.
        int name = sortKeys.indexOf("name");
        if (version.atLeast(ApiVersion.SORT_BY_NAME)
                && name >= 0
                && spec.renamed().containsKey("name")) {
            sortKeys.set(name, spec.renamed().get("name"));
        }
        List<SortKey> sort = new ArrayList<>();
        for (int i = 0; i < sortKeys.size(); i++) {
            String direction = sortDirs.get(i);
            if (!direction.equals("asc") && !direction.equals("desc")) {
                throw CairnException.invalidInput("Unknown sort direction, must be 'desc' or 'asc'.");
            }
            sort.add(new SortKey(sortKeys.get(i), direction.equals("asc")));
        }
        for (String key : List.of("created_at", "id")) {
            if (!sortKeys.contains(key)) {
                sort.add(new SortKey(key, sort.get(0).ascending()));
            }
        }
        Optional<String> markerScope = caller.isAdmin() ? Optional.empty() : Optional.of(caller.projectId());
        return new Plan(sort, limit, marker, offset, withCount, toFilters(source, filters), scope, markerScope);
    }

    /** Runs a plan: unknown filters give an empty page, an unknown marker a 404, an unknown sort key a 400. */
    public static <T> Page<T> execute(ListSpec spec, Plan plan, ListSource<T> source) {
        return execute(spec, plan, source, source::list);
    }

    /** Runs a plan as {@link #execute(ListSpec, Plan, ListSource)} does, the page as its rows' ids and versions. */
    public static Page<RowVersion> executeVersions(ListSpec spec, Plan plan, VersionedListSource<?> source) {
        return execute(spec, plan, source, source::listVersions);
    }

    private static <T> Page<T> execute(
            ListSpec spec,
            Plan plan,
            ListSource<?> source,
            BiFunction<ListQuery, Optional<ListQuery.Marker>, List<T>> pageReader) {
        if (plan.filters().isEmpty()) {
            return new Page<>(List.of(), plan.withCount() ? OptionalInt.of(0) : OptionalInt.empty(), plan.limit());
        }
        List<SortKey> sort = plan.sort();
        ListQuery query = plan.query();
        Optional<ListQuery.Marker> markerRow = Optional.empty();
        if (plan.marker().isPresent()) {
            List<SortKey> valid =
                    sort.stream().filter(k -> isSortable(source, k)).toList();
            markerRow = source.markerRow(plan.markerQuery(valid), plan.marker().get());
            if (markerRow.isEmpty()) {
                throw new CairnException(
                        spec.notFound(),
                        spec.resourceName() + " " + plan.marker().get() + " could not be found.");
            }
        }
        if (sort.stream().anyMatch(k -> !isSortable(source, k))) {
            throw CairnException.invalidInput("Invalid sort key");
        }
        List<T> items = plan.limit() == 0 ? List.of() : pageReader.apply(query, markerRow);
        OptionalInt count = plan.withCount() ? OptionalInt.of(source.count(query)) : OptionalInt.empty();
        return new Page<>(items, count, plan.limit());
    }

    /** A sort key is one of the resource's own columns; joined values are filters only. */
    private static boolean isSortable(ListSource<?> source, SortKey key) {
        return source.column(key.column()).filter(column -> !column.joined()).isPresent();
    }

    private static void rejectInvalidFilters(
            ListSpec spec, Caller caller, ApiVersion version, Map<String, Object> filters) {
        for (String key : filters.keySet()) {
            if (!StandardCharsets.US_ASCII.newEncoder().canEncode(key)) {
                throw new CairnException(ErrorCode.INVALID_FILTER, "Filter keys can only contain ASCII characters.");
            }
        }
        if (caller.isAdmin()) {
            return;
        }
        boolean likeAllowed = version.atLeast(ApiVersion.LIKE_FILTERS);
        List<String> invalid = new ArrayList<>();
        for (String key : filters.keySet()) {
            boolean configured = spec.resourceFilters().contains(key)
                    || (likeAllowed && spec.resourceFilters().contains(key + "~"));
            if (!configured) {
                invalid.add(key);
            }
        }
        if (invalid.remove("all_tenants")) {
            filters.remove("all_tenants");
        }
        if (!invalid.isEmpty()) {
            throw new CairnException(
                    ErrorCode.INVALID_FILTER,
                    "Invalid filters " + String.join(",", invalid) + " are found in query options.");
        }
    }

    @SuppressWarnings("unchecked")
    private static Optional<List<Filter>> toFilters(ListSource<?> source, Map<String, Object> filters) {
        List<Filter> result = new ArrayList<>();
        for (Map.Entry<String, Object> entry : filters.entrySet()) {
            String key = entry.getKey();
            if (key.equals("metadata")) {
                if (!(entry.getValue() instanceof Map<?, ?> pairs)) {
                    return Optional.empty();
                }
                result.add(new Filter.Metadata((Map<String, String>) pairs));
                continue;
            }
            boolean like = key.endsWith("~");
            // A like filter needs a column of the resource itself; joined values are matched exactly.
            Optional<ListColumn> column = source.column(
                            like ? key.replaceFirst("~+$", "") : key) // Python's rstrip('~')
                    .filter(known -> !like || !known.joined());
            if (column.isEmpty()) {
                return Optional.empty();
            }
            String value = entry.getValue().toString();
            if (column.get().joined() && value.isEmpty()) {
                continue; // Cinder joins only for a non-empty value ("if host or cluster or az"), so "" filters nothing
            }
            result.add(like ? new Filter.Contains(column.get(), value) : new Filter.Equals(column.get(), value));
        }
        return Optional.of(result);
    }

    static int parseLimit(String raw) {
        if (raw == null) {
            return MAX_LIMIT;
        }
        BigInteger value =
                Python.parseInt(raw).orElseThrow(() -> CairnException.badRequest("limit param must be an integer"));
        if (value.signum() < 0) {
            throw CairnException.badRequest("limit param must be positive");
        }
        return value.min(BigInteger.valueOf(MAX_LIMIT)).intValue();
    }

    static int parseOffset(String raw) {
        if (raw == null) {
            return 0;
        }
        BigInteger value =
                Python.parseInt(raw).orElseThrow(() -> CairnException.badRequest("offset must be an integer"));
        if (value.signum() < 0) {
            throw CairnException.badRequest("offset must be >= 0");
        }
        if (value.compareTo(MAX_OFFSET) > 0) {
            throw CairnException.badRequest("offset must be <= 2147483647");
        }
        return value.intValue();
    }

    private static String orDefault(String value, String defaultValue) {
        return value == null ? defaultValue : value;
    }
}
