package io.cairn.http;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.Caller;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API's routes called in process: what {@link ApiServer} does for a request once it is authenticated and
 * its microversion negotiated (route match, the resource, the body as the JSON bytes it sends), without HTTP,
 * authentication, access log or metrics. The benchmarks' floor: a request over HTTP costs this and the rest.
 */
public final class InProcessApi {
    /** The base {@link ApiServer} builds links from, for a client addressing it as 127.0.0.1:8776. */
    private static final String APPLICATION_URL = "http://127.0.0.1:8776/v3";

    private final Router router;

    public InProcessApi(Router router) {
        this.router = router;
    }

    /**
     * {@code GET /v3/{caller's project}/<pathAndQuery>}, such as {@code snapshots/detail?limit=50}.
     *
     * @return the response body as ApiServer writes it
     * @throws IllegalStateException when no route matches or the answer is not a 200
     */
    public byte[] get(Caller caller, ApiVersion version, String pathAndQuery) {
        int query = pathAndQuery.indexOf('?');
        String path = query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
        Router.Match match = router.match("GET", List.of(path.split("/", -1)))
                .orElseThrow(() -> new IllegalStateException("no route for GET " + path));
        ApiResponse response = match.route().handler().handle(request(caller, version, match.params(), pathAndQuery));
        if (response.status() != 200) {
            throw new IllegalStateException("GET " + pathAndQuery + " answered " + response.status());
        }
        return Json.MAPPER.writeValueAsBytes(response.body());
    }

    /** The request a list resource is handed for {@code GET /v3/{caller's project}/<pathAndQuery>}. */
    public static ApiRequest request(Caller caller, ApiVersion version, String pathAndQuery) {
        return request(caller, version, Map.of(), pathAndQuery);
    }

    private static ApiRequest request(
            Caller caller, ApiVersion version, Map<String, String> params, String pathAndQuery) {
        int query = pathAndQuery.indexOf('?');
        return new ApiRequest(
                caller,
                version,
                Optional.of(caller.projectId()),
                params,
                QueryString.parse(query < 0 ? null : pathAndQuery.substring(query + 1)),
                name -> null,
                new byte[0],
                APPLICATION_URL);
    }
}
