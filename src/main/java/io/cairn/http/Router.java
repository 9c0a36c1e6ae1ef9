package io.cairn.http;

import io.cairn.domain.ApiVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cinder's route table for the paths under {@code /v3[/{project_id}]}: templates such as
 * {@code snapshots/{id}/metadata/{key}}, each with the microversion it appeared in.
 */
public final class Router {
    /** Handles one matched request. */
    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request);
    }

    /** One route; {@code template} (such as {@code snapshots/{id}}) names it in logs and metrics. */
    record Route(String method, String template, List<String> segments, ApiVersion since, Handler handler) {}

    record Match(Route route, Map<String, String> params) {}

    private final List<Route> routes = new ArrayList<>();

    public void add(String method, String template, Handler handler) {
        add(method, template, ApiVersion.MIN, handler);
    }

    /** Adds a route that exists from microversion {@code since}; older requests get a plain 404. */
    public void add(String method, String template, ApiVersion since, Handler handler) {
        routes.add(new Route(method, template, List.of(template.split("/")), since, handler));
    }

    Optional<Match> match(String method, List<String> segments) {
        for (Route route : routes) {
            if (!route.method().equals(method) || route.segments().size() != segments.size()) {
                continue;
            }
            Map<String, String> params = new HashMap<>();
            boolean matches = true;
            for (int i = 0; i < segments.size() && matches; i++) {
                String template = route.segments().get(i);
                if (template.startsWith("{")) {
                    params.put(template.substring(1, template.length() - 1), segments.get(i));
                    matches = !segments.get(i).isEmpty();
                } else {
                    matches = template.equals(segments.get(i));
                }
            }
            if (matches) {
                return Optional.of(new Match(route, params));
            }
        }
        return Optional.empty();
    }
}
