package io.cairn.service;

import io.cairn.domain.ApiVersion;
import java.util.Map;
import java.util.Set;

/**
 * What differs between resources in Cinder's list rules: the resource's name in messages, the filters
 * non-admins may use before 3.31 and (from 3.31) in {@code resource_filters.json}, the version from which
 * the metadata filter counts, the request names that map to other columns, and the columns themselves.
 *
 * @param resourceName the name in "... could not be found." messages, e.g. {@code Snapshot}
 * @param legacyFilters filters kept for non-admins before 3.31 (others are silently dropped)
 * @param metadataFilterSince the microversion from which {@code metadata} is a legacy filter
 * @param resourceFilters filters non-admins may use from 3.31 (others are a 400)
 * @param renamed request filter names that map to another column ({@code name} to {@code display_name})
 * @param extraFilters filter names that are not columns but are valid (joined or computed)
 */
public record ListSpec(
        String resourceName,
        Set<String> legacyFilters,
        ApiVersion metadataFilterSince,
        Set<String> resourceFilters,
        Map<String, String> renamed,
        Set<String> extraFilters) {}
