package io.cairn.http;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front: one Javalin handler that gives every request its id, authenticates it, negotiates the
 * microversion, routes it, and writes the response or the fault with Cinder's headers.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("cairn.access");
    private static final Pattern PROJECT_ID = Pattern.compile("[0-9a-f\\-]+");
    private static final String PLAIN_404 = "404 Not Found\n\nThe resource could not be found.\n\n   ";

    /** A response that ends a request before it reaches a resource (noauth's token answer, say). */
    public static final class EarlyResponse extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient ApiResponse response;

        public EarlyResponse(ApiResponse response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    /** The versions document, rendered for a base URL. */
    public interface VersionDocument {
        Object render(String baseUrl);
    }

    private final Router router;
    private final Authenticator authenticator;
    private final VersionDocument versions;
    private final Supplier<Boolean> ready;
    private Javalin app;

    public ApiServer(Router router, Authenticator authenticator, VersionDocument versions, Supplier<Boolean> ready) {
        this.router = router;
        this.authenticator = authenticator;
        this.versions = versions;
        this.ready = ready;
    }

    public ApiServer start(String host, int port) {
        app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = 1 << 20;
            for (HandlerType method : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.DELETE,
                    HandlerType.PATCH, HandlerType.HEAD, HandlerType.OPTIONS)) {
                config.routes.addHttpHandler(method, "/", this::serve);
                config.routes.addHttpHandler(method, "/<path>", this::serve);
            }
        });
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
    }

    private void serve(Context ctx) {
        long started = System.nanoTime();
        String requestId = "req-" + UUID.randomUUID();
        State state = new State();
        ApiResponse response;
        try {
            response = handle(ctx, state);
        } catch (EarlyResponse early) {
            response = early.response;
        } catch (CairnException fault) {
            response = Faults.of(fault);
        } catch (RuntimeException e) {
            LOG.error("{} {} {} failed", requestId, ctx.method(), ctx.path(), e);
            response = Faults.of(Faults.internal());
        }
        write(ctx, response, requestId, state);
        ACCESS.info("{} project={} {} {} status={} duration_ms={}", requestId,
                state.caller == null ? "-" : state.caller.projectId(), ctx.method(), ctx.path(), response.status(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** What the pipeline learned on the way, needed to write the response whatever happened. */
    private static final class State {
        Caller caller;
        String versionEcho = ApiVersion.MIN.toString();
    }

    private ApiResponse handle(Context ctx, State state) {
        String path = ctx.path();
        String method = ctx.method().name();
        Function<String, String> headers = ctx::header;
        if (path.equals("/healthz")) {
            state.versionEcho = null;
            return ready.get() ? ApiResponse.ok(ApiResponse.wrap("status", "ok"))
                    : Faults.of(new CairnException(ErrorCode.SERVICE_UNAVAILABLE, "Cairn is starting."));
        }
        if (path.equals("/")) {
            Microversion.Outcome outcome = Microversion.negotiate(ctx.header(Microversion.HEADER));
            state.versionEcho = outcome.version() == null ? ApiVersion.MIN.toString() : outcome.echo();
            return ApiResponse.json(300, versions.render(baseUrl(ctx)));
        }
        if (path.equals("/v3")) {
            return ApiResponse.empty(302).withHeader("Location", baseUrl(ctx) + "/v3/");
        }
        if (!path.startsWith("/v3/")) {
            throw new EarlyResponse(plainNotFound());
        }
        state.caller = authenticator.authenticate(headers);
        Microversion.Outcome outcome = Microversion.negotiate(ctx.header(Microversion.HEADER));
        state.versionEcho = outcome.echo();
        if (outcome.fault() != null) {
            throw outcome.fault();
        }
        List<String> segments = segments(path.substring("/v3/".length()));
        if (segments.isEmpty()) {
            return ApiResponse.ok(versions.render(baseUrl(ctx)));
        }
        Optional<String> project = Optional.empty();
        Optional<Router.Match> match = Optional.empty();
        if (PROJECT_ID.matcher(segments.get(0)).matches()) {
            match = router.match(method, segments.subList(1, segments.size()));
            if (match.isPresent()) {
                project = Optional.of(segments.get(0));
            }
        }
        if (match.isEmpty()) {
            match = router.match(method, segments);
        }
        if (match.isEmpty()) {
            throw new EarlyResponse(plainNotFound());
        }
        if (project.isPresent() && !project.get().equals(state.caller.projectId())) {
            throw new CairnException(ErrorCode.MALFORMED_REQUEST_URL, "Malformed request url");
        }
        if (!outcome.version().atLeast(match.get().route().sinceMinor())) {
            throw Faults.notFound();
        }
        ApiRequest request = new ApiRequest(state.caller, outcome.version(), project, match.get().params(),
                QueryString.parse(ctx.queryString()), headers, ctx.bodyAsBytes(), baseUrl(ctx) + "/v3");
        return match.get().route().handler().handle(request);
    }

    /** Path segments, percent-decoded, without a trailing slash or a {@code .json} suffix. */
    private static List<String> segments(String rest) {
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.endsWith(".json")) {
            rest = rest.substring(0, rest.length() - ".json".length());
        }
        if (rest.isEmpty()) {
            return List.of();
        }
        List<String> segments = new ArrayList<>();
        Arrays.stream(rest.split("/", -1)).forEach(s -> segments.add(QueryString.decode(s, false)));
        return segments;
    }

    /** Scheme, host and port as the client addressed us, honouring a proxy's forwarded headers. */
    private static String baseUrl(Context ctx) {
        String host = lastValue(ctx.header("X-Forwarded-Host"));
        if (host == null) {
            host = ctx.header("Host");
        }
        if (host == null) {
            host = ctx.host();
        }
        String scheme = lastValue(ctx.header("X-Forwarded-Proto"));
        if (scheme == null) {
            scheme = ctx.scheme();
        }
        return scheme + "://" + host;
    }

    private static String lastValue(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String[] values = header.split(",");
        return values[values.length - 1].strip();
    }

    private static ApiResponse plainNotFound() {
        return new ApiResponse(404, PLAIN_404, java.util.Map.of("Content-Type", "text/plain; charset=UTF-8"));
    }

    private static void write(Context ctx, ApiResponse response, String requestId, State state) {
        ctx.status(response.status());
        ctx.header("X-Compute-Request-Id", requestId);
        ctx.header("X-Openstack-Request-Id", requestId);
        if (state.versionEcho != null) {
            ctx.header("OpenStack-API-Version", "volume " + state.versionEcho);
            ctx.header("Vary", "OpenStack-API-Version");
        }
        response.headers().forEach(ctx::header);
        if (response.body() instanceof String text) {
            ctx.result(text.getBytes(StandardCharsets.UTF_8));
        } else if (response.body() != null) {
            ctx.contentType("application/json");
            ctx.result(Json.MAPPER.writeValueAsBytes(response.body()));
        } else if (response.status() != 204 && !response.headers().containsKey("Content-Type")) {
            ctx.contentType("application/json");
            ctx.result(new byte[0]);
        }
    }
}
