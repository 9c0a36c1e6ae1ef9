package io.cairn.http.cinder;

import io.cairn.domain.ApiVersion;
import io.cairn.http.ApiResponse;
import io.cairn.http.ApiServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The versions document Cinder serves at {@code /} (300) and {@code /v3/} (200). */
public final class VersionResource implements ApiServer.VersionDocument {
    @Override
    public Object render(String baseUrl) {
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("id", "v3.0");
        version.put("status", "CURRENT");
        version.put("version", ApiVersion.MAX.toString());
        version.put("min_version", ApiVersion.MIN.toString());
        version.put("updated", "2023-08-31T00:00:00Z");
        Map<String, Object> describedBy = new LinkedHashMap<>();
        describedBy.put("rel", "describedby");
        describedBy.put("type", "text/html");
        describedBy.put("href", "https://docs.openstack.org/");
        version.put("links", List.of(describedBy, Links.link("self", baseUrl + "/v3/")));
        Map<String, Object> mediaType = new LinkedHashMap<>();
        mediaType.put("base", "application/json");
        mediaType.put("type", "application/vnd.openstack.volume+json;version=3");
        version.put("media-types", List.of(mediaType));
        return ApiResponse.wrap("versions", List.of(version));
    }
}
