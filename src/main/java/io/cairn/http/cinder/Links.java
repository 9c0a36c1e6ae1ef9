package io.cairn.http.cinder;

import io.cairn.http.ApiRequest;
import io.cairn.http.QueryString;
import io.cairn.service.Page;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Cinder's collection links: a "next" link when the page is non-empty and the limit does not exceed the total. */
final class Links {
    private Links() {}

    /**
     * Puts {@code <collection>_links} (when due) and {@code count} (when asked for) after the items.
     *
     * @param collection the path of the list, such as {@code snapshots/detail}
     */
    static Map<String, Object> collection(
            ApiRequest request, String name, String collection, List<?> items, Page<?> page, String lastId) {
        return collection(request, name, name + "_links", collection, items, page, lastId);
    }

    /** The same with links under {@code linksName}: Cinder's groups say {@code group_links}, not groups_links. */
    static Map<String, Object> collection(
            ApiRequest request,
            String name,
            String linksName,
            String collection,
            List<?> items,
            Page<?> page,
            String lastId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(name, items);
        int total = page.count().isPresent() && page.count().getAsInt() > 0
                ? page.count().getAsInt()
                : items.size();
        if (!items.isEmpty() && page.limit() <= total) {
            List<Map.Entry<String, String>> params = new ArrayList<>();
            request.query().stream().filter(e -> !e.getKey().equals("marker")).forEach(params::add);
            params.add(new SimpleImmutableEntry<>("marker", lastId));
            body.put(
                    linksName,
                    List.of(link("next", request.collectionUrl(collection) + "?" + QueryString.encode(params))));
        }
        page.count().ifPresent(count -> body.put("count", count));
        return body;
    }

    static Map<String, Object> link(String rel, String href) {
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("rel", rel);
        link.put("href", href);
        return link;
    }
}
