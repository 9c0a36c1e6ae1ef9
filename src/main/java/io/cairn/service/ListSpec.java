package io.cairn.service;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What differs between resources in Cinder's list rules: the resource's name in messages and the fault of a
 * marker that is not found, the filters non-admins may use before 3.31 and (from 3.31) in
 * {@code resource_filters.json}, the version from which the metadata filter counts, and the request names that
 * map to other columns. Which columns exist (and which are joined from another table) is the store's.
 *
 * @param resourceName the name in "... could not be found." messages, e.g. {@code Snapshot}
 * @param notFound the fault when the marker is not found, e.g. {@link ErrorCode#SNAPSHOT_NOT_FOUND}
 * @param style how the list reads {@code all_tenants}, {@code with_count} and non-admins' filters
 * @param legacyFilters filters kept for non-admins before 3.31 (others are silently dropped)
 * @param metadataFilterSince the microversion from which {@code metadata} is a legacy filter
 * @param resourceFilters filters non-admins may use from 3.31 (others are a 400), in Cinder's
 *     {@code resource_filters.json} order, which {@code GET /resource_filters} shows
 * @param renamed request names, of filters and of the first such sort key, that map to another column
 *     ({@code name} to {@code display_name})
 */
public record ListSpec(
        String resourceName,
        ErrorCode notFound,
        Style style,
        Set<String> legacyFilters,
        ApiVersion metadataFilterSince,
        List<String> resourceFilters,
        Map<String, String> renamed) {

    /** The two ways Cinder's list controllers read their query. */
    public enum Style {
        /**
         * Volumes, snapshots and backups: {@code all_tenants} is a boolean, {@code with_count} counts from 3.45, and
         * before 3.31 non-admins keep only the legacy filters.
         */
        VOLUME_API,
        /**
         * Groups and group snapshots: an admin's {@code all_tenants} counts by its presence whatever its value (for
         * others it is one more filter, which no column matches before 3.31), {@code with_count} is one more filter,
         * and every filter reaches the store.
         */
        GROUP_API
    }

    /** A group-API list with these filters for non-admins from 3.31 and no renamed columns. */
    public static ListSpec groupApi(String resourceName, ErrorCode notFound, List<String> resourceFilters) {
        return new ListSpec(
                resourceName, notFound, Style.GROUP_API, Set.of(), ApiVersion.MIN, resourceFilters, Map.of());
    }
}
