package io.cairn.http;

import io.cairn.config.CairnConfig.FaultDialect;
import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front: one Javalin handler that gives every request its id, authenticates it, negotiates the
 * microversion, routes it, and writes the response or the fault with Cinder's headers. Paths under
 * {@code /v3} go to the Cinder v3 routes; paths under {@code /v2} (EVS's native API and its Cinder v2
 * paths) go to the v2 routes, and paths under {@code /v5} (EVS's standard snapshots and snapshot groups) to the v5
 * routes; neither has microversions.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("cairn.access");
    private static final Pattern PROJECT_ID = Pattern.compile("[0-9a-f\\-]+");
    private static final String PLAIN_404 = "404 Not Found\n\nThe resource could not be found.\n\n   ";
    /** How long a stopping server waits for the requests in flight. */
    private static final java.time.Duration DRAIN_TIMEOUT = java.time.Duration.ofSeconds(10);

    private static final String PLAIN_413 = "413 Request Entity Too Large\n\nRequest is too large.\n\n   ";
    /** The largest body the Cinder paths read. */
    private static final int MAX_BODY = 1 << 20;
    /** EVS's paths read more: metadata alone may come close to 1 MiB before EVS refuses it (EVS.1005). */
    private static final int MAX_EVS_BODY = 2 << 20;

    /** A response that ends a request before it reaches a resource (noauth's token answer, say). */
    public static final class EarlyResponse extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient ApiResponse response;

        public EarlyResponse(ApiResponse response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    /** Where the server reports each finished request, and what {@code GET /metrics} serves. */
    public interface Telemetry {
        Telemetry NONE = new Telemetry() {
            @Override
            public void requestFinished(String method, String route, int status, long durationNanos) {}

            @Override
            public String scrape() {
                return "";
            }
        };

        /** {@code route} is a template ({@code /v3/{project_id}/snapshots/{id}}), never a raw path. */
        void requestFinished(String method, String route, int status, long durationNanos);

        /** The metrics in Prometheus' text exposition format. */
        String scrape();
    }

    /** The versions document, rendered for a base URL. */
    public interface VersionDocument {
        Object render(String baseUrl);
    }

    private final Router router;
    private final Router v2Router;
    private Router v5Router = new Router();
    private final FaultDialect faults;
    private final Authenticator authenticator;
    private final VersionDocument versions;
    private final Supplier<Boolean> ready;
    private Optional<Console> console = Optional.empty();
    private Javalin app;
    private volatile Telemetry telemetry = Telemetry.NONE;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean draining;

    public ApiServer(Router router, Authenticator authenticator, VersionDocument versions, Supplier<Boolean> ready) {
        this(router, new Router(), FaultDialect.CINDER, authenticator, versions, ready);
    }

    public ApiServer(
            Router router,
            Router v2Router,
            FaultDialect faults,
            Authenticator authenticator,
            VersionDocument versions,
            Supplier<Boolean> ready) {
        this.router = router;
        this.v2Router = v2Router;
        this.faults = faults;
        this.authenticator = authenticator;
        this.versions = versions;
        this.ready = ready;
    }

    /** Reports requests to {@code telemetry} and serves its metrics on {@code GET /metrics}; call before {@link #start}. */
    public ApiServer withTelemetry(Telemetry telemetry) {
        this.telemetry = java.util.Objects.requireNonNull(telemetry, "telemetry is null");
        return this;
    }

    /** Serves EVS's v5 routes under {@code /v5}; call before {@link #start}. */
    public ApiServer withV5(Router routes) {
        this.v5Router = java.util.Objects.requireNonNull(routes, "routes is null");
        return this;
    }

    /** Serves {@code console} under {@link Console#PREFIX}; call before {@link #start}. */
    public ApiServer withConsole(Console console) {
        this.console = Optional.of(console);
        return this;
    }

    public ApiServer start(String host, int port) {
        app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.jetty.modifyServer(server -> server.setErrorHandler(new Refusals()));
            for (HandlerType method : List.of(
                    HandlerType.GET,
                    HandlerType.POST,
                    HandlerType.PUT,
                    HandlerType.DELETE,
                    HandlerType.PATCH,
                    HandlerType.HEAD,
                    HandlerType.OPTIONS)) {
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

    /**
     * Stops gracefully: from now on new requests get a 503, the requests in flight are given up to
     * {@link #DRAIN_TIMEOUT} to finish, then the listener closes.
     */
    @Override
    public void close() {
        draining = true;
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (app != null) {
            app.stop();
        }
    }

    private void serve(Context ctx) {
        long started = System.nanoTime();
        String requestId = "req-" + UUID.randomUUID();
        State state = new State();
        ApiResponse response;
        inFlight.incrementAndGet();
        try {
            response = respond(ctx, state, requestId);
            write(ctx, response, requestId, state);
        } finally {
            inFlight.decrementAndGet();
        }
        finished(requestId, state.caller, ctx.method().name(), state.route, ctx.path(), response.status(), started);
    }

    /** Reports a finished request to the metrics and writes its access-log line. */
    private void finished(
            String requestId, Caller caller, String method, String route, String path, int status, long started) {
        long duration = System.nanoTime() - started;
        telemetry.requestFinished(method, route, status, duration);
        if (ACCESS.isInfoEnabled()) {
            ACCESS.info(
                    "request_id={} project={} method={} route={} path={} status={} duration_ms={}",
                    requestId,
                    logValue(caller == null ? null : caller.projectId()),
                    logValue(method),
                    logValue(route),
                    logValue(path),
                    status,
                    millis(duration));
        }
    }

    /** The answer to a request: the resource's, or the fault for whatever it threw. */
    private ApiResponse respond(Context ctx, State state, String requestId) {
        ApiResponse response;
        try {
            response = handle(ctx, state);
        } catch (EarlyResponse early) {
            response = early.response;
        } catch (CairnException fault) {
            response = Faults.of(fault, faults);
        } catch (RuntimeException e) {
            LOG.error("{} {} {} failed", requestId, ctx.method(), ctx.path(), e);
            response = Faults.of(Faults.internal(), faults);
        }
        return response;
    }

    /** Nanoseconds as milliseconds with three decimals (not String.format, whose parsing costs more than the rest). */
    private static String millis(long nanos) {
        long micros = nanos / 1000;
        return micros / 1000 + "." + String.valueOf(1000 + micros % 1000).substring(1);
    }

    /** A value for a key=value log line: as it is when that is unambiguous, otherwise JSON-quoted; {@code -} for none. */
    private static String logValue(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean plain = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || "._:/{}%@+,~-".indexOf(c) >= 0;
            if (!plain) {
                return Json.MAPPER.writeValueAsString(value);
            }
        }
        return value;
    }

    /** What the pipeline learned on the way, needed to write the response whatever happened. */
    private static final class State {
        Caller caller;
        String versionEcho = ApiVersion.MIN.toString();
        boolean sendRequestId; // the Huawei SDK reads the request id from X-Request-Id
        String route = "unrouted"; // the template that matched, for logs and metrics: raw paths would be unbounded
    }

    private ApiResponse handle(Context ctx, State state) {
        String path = ctx.path();
        String method = ctx.method().name();
        Function<String, String> headers = ctx::header;
        if (draining) {
            state.versionEcho = null;
            return Faults.of(new CairnException(ErrorCode.SERVICE_UNAVAILABLE, "Cairn is shutting down."), faults);
        }
        if (path.equals("/metrics") && method.equals("GET")) {
            state.versionEcho = null;
            state.route = "/metrics";
            return new ApiResponse(
                    200,
                    telemetry.scrape(),
                    java.util.Map.of("Content-Type", "text/plain; version=0.0.4; charset=utf-8"));
        }
        if (path.equals("/healthz")) {
            state.route = "/healthz";
            state.versionEcho = null;
            return ready.get()
                    ? ApiResponse.ok(ApiResponse.wrap("status", "ok"))
                    : Faults.of(new CairnException(ErrorCode.SERVICE_UNAVAILABLE, "Cairn is starting."), faults);
        }
        if (console.isPresent() && Console.owns(path)) {
            state.route = Console.route(path);
            state.versionEcho = null;
            byte[] body = Console.readsBody(method, path) ? body(ctx, Console.MAX_SIGN_IN_BODY) : new byte[0];
            return console.get().respond(method, path, ctx::header, body);
        }
        if (path.equals("/")) {
            Microversion.Outcome outcome = Microversion.negotiate(ctx.header(Microversion.HEADER));
            state.versionEcho = outcome.version() == null ? ApiVersion.MIN.toString() : outcome.echo();
            return ApiResponse.json(300, versions.render(baseUrl(ctx)));
        }
        boolean tokenless = ctx.header("X-Auth-Token") == null;
        if ((path.equals("/v3") || path.equals("/v3/")) && tokenless && authenticator.answersRequestsWithoutToken()) {
            state.caller = authenticate(ctx, state, body(ctx, MAX_BODY)); // noauth's 204, unless the request is signed
        }
        if (path.equals("/v3")) {
            return ApiResponse.empty(302).withHeader("Location", baseUrl(ctx) + "/v3/");
        }
        if (path.equals("/v3/") && tokenless) {
            // Version discovery (keystoneauth, openstacksdk) asks without a token; a token is still checked.
            return ApiResponse.ok(versions.render(baseUrl(ctx)));
        }
        // EVS's native versions, v2 and v5, share its paths' rules; v5 has only EVS's own routes.
        boolean v5 = path.startsWith("/v5/");
        boolean evsNative = path.startsWith("/v2/") || v5;
        if (!path.startsWith("/v3/") && !evsNative) {
            throw new EarlyResponse(plainNotFound());
        }
        state.sendRequestId = evsNative || faults == FaultDialect.EVS;
        byte[] body = body(ctx, evsNative ? MAX_EVS_BODY : MAX_BODY);
        state.caller = authenticate(ctx, state, body);
        // EVS's native API predates microversions: it behaves as 3.0 and echoes no version header.
        Microversion.Outcome outcome = evsNative ? null : Microversion.negotiate(ctx.header(Microversion.HEADER));
        state.versionEcho = evsNative ? null : outcome.echo();
        if (!evsNative && outcome.fault() != null) {
            throw outcome.fault();
        }
        ApiVersion version = evsNative ? ApiVersion.MIN : outcome.version();
        Router routes = v5 ? v5Router : evsNative ? v2Router : router;
        String prefix = v5 ? "/v5" : evsNative ? "/v2" : "/v3";
        List<String> segments = segments(path.substring(prefix.length() + 1));
        if (segments.isEmpty()) {
            if (evsNative) {
                throw new EarlyResponse(plainNotFound());
            }
            return ApiResponse.ok(versions.render(baseUrl(ctx)));
        }
        Optional<String> project = Optional.empty();
        Optional<Router.Match> match = Optional.empty();
        if (PROJECT_ID.matcher(segments.get(0)).matches()) {
            match = routes.match(method, segments.subList(1, segments.size()));
            if (match.isPresent()) {
                project = Optional.of(segments.get(0));
            }
        }
        if (match.isEmpty()) {
            match = routes.match(method, segments);
        }
        if (match.isEmpty()) {
            throw new EarlyResponse(plainNotFound());
        }
        if (project.isPresent() && !project.get().equals(state.caller.projectId())) {
            throw new CairnException(ErrorCode.PROJECT_MISMATCH, "Malformed request url");
        }
        state.route = prefix
                + (project.isPresent() ? "/{project_id}/" : "/")
                + match.get().route().template();
        if (!version.atLeast(match.get().route().since())) {
            throw Faults.notFound();
        }
        List<Map.Entry<String, String>> query = QueryString.parse(ctx.queryString());
        // PostgreSQL cannot store or compare text holding U+0000: refused on every database alike, as bodies are.
        if (query.stream().anyMatch(param -> (param.getKey() + param.getValue()).indexOf('\u0000') >= 0)) {
            throw CairnException.invalidInput("a query parameter holds a NUL character (U+0000).");
        }
        ApiRequest request = new ApiRequest(
                state.caller, version, project, match.get().params(), query, headers, body, baseUrl(ctx) + prefix);
        return match.get().route().handler().handle(request);
    }

    /**
     * The caller, or the authenticator's own answer. That answer (noauth's 204, a 401) comes from in front of the
     * versioned API, as Cinder's auth middleware does, so it carries no version headers.
     */
    private Caller authenticate(Context ctx, State state, byte[] body) {
        String echo = state.versionEcho;
        state.versionEcho = null;
        Caller caller = authenticator.authenticate(new AuthRequest(
                ctx.method().name(), baseUrl(ctx), ctx.req().getRequestURI(), ctx.queryString(), ctx::header, body));
        state.versionEcho = echo;
        return caller;
    }

    /**
     * The body, read once, up to {@code limit} bytes (beyond it Cinder's size limiter answers webob's plain 413).
     * A body that breaks HTTP's framing (a bad chunk size, a chunk shorter or longer than announced, a flood of
     * chunk extensions or trailers) or ends before its Content-Length is the client's error: Cinder's 400 for a
     * body it cannot read, not a server failure.
     */
    private static byte[] body(Context ctx, int limit) {
        if (ctx.req().getContentLengthLong() > limit) {
            throw new EarlyResponse(plainTooLarge());
        }
        byte[] body;
        try {
            body = ctx.req().getInputStream().readNBytes(limit + 1);
        } catch (IOException e) {
            throw Faults.malformedBody();
        }
        if (body.length > limit) {
            throw new EarlyResponse(plainTooLarge());
        }
        return body;
    }

    /** Path segments, percent-decoded, without a {@code .json} suffix. */
    private static List<String> segments(String rest) {
        // A trailing slash is kept: "volumes/" names a volume with an empty id, which Cinder does not find.
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
        for (int i = values.length - 1; i >= 0; i--) { // "a,," and ",,," have blank last values; the latter has none
            if (!values[i].isBlank()) {
                return values[i].strip();
            }
        }
        return null;
    }

    private static ApiResponse plainTooLarge() {
        return new ApiResponse(413, PLAIN_413, java.util.Map.of("Content-Type", "text/plain; charset=UTF-8"));
    }

    static ApiResponse plainNotFound() {
        return new ApiResponse(404, PLAIN_404, java.util.Map.of("Content-Type", "text/plain; charset=UTF-8"));
    }

    /** Cinder's request id headers, and the Huawei SDK's when it may be the client. */
    private static Map<String, String> requestIdHeaders(String requestId, boolean sendRequestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Compute-Request-Id", requestId);
        headers.put("X-Openstack-Request-Id", requestId);
        if (sendRequestId) {
            headers.put("X-Request-Id", requestId);
        }
        return headers;
    }

    private static void write(Context ctx, ApiResponse response, String requestId, State state) {
        ctx.status(response.status());
        requestIdHeaders(requestId, state.sendRequestId).forEach(ctx::header);
        if (state.versionEcho != null) {
            ctx.header("OpenStack-API-Version", "volume " + state.versionEcho);
            ctx.header("Vary", "OpenStack-API-Version");
        }
        response.headers().forEach(ctx::header);
        if (response.body() instanceof String text) {
            ctx.result(text.getBytes(StandardCharsets.UTF_8));
        } else if (response.body() instanceof byte[] bytes) {
            ctx.result(bytes); // data, such as a snapshot block, typed by the resource's Content-Type
        } else if (response.body() != null) {
            ctx.contentType("application/json");
            ctx.result(Json.MAPPER.writeValueAsBytes(response.body()));
        } else if (response.status() != 204 && !response.headers().containsKey("Content-Type")) {
            ctx.contentType("application/json");
            ctx.result(new byte[0]);
        }
    }

    /**
     * Jetty's answer to a request it refuses before Cairn's handler sees it: a request line, path or header it cannot
     * parse (a NUL in the path, say). A 400 gets the dialect's fault with webob's generic message, as Cinder's fault
     * wrapper words an error it does not explain; Jetty's other refusals (414, 431, 505) keep Jetty's own answer, as
     * Cinder's web server answers them itself. Either way the request is access-logged and counted.
     */
    private final class Refusals extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            long started = System.nanoTime();
            String requestId = "req-" + UUID.randomUUID();
            int status = request.getAttribute(ERROR_EXCEPTION) instanceof HttpException refusal
                    ? refusal.getCode()
                    : response.getStatus();
            String path = request.getHttpURI().getPath();
            if (status != 400) {
                finished(requestId, null, request.getMethod(), "unrouted", path, status, started);
                requestIdHeaders(requestId, false).forEach(response.getHeaders()::put);
                return super.handle(request, response, callback);
            }
            ApiResponse fault = Faults.of(new CairnException(ErrorCode.MALFORMED_REQUEST, Faults.GENERIC_400), faults);
            // Logged before the answer is sent, as serve() does, so the line exists once the client has its answer.
            finished(requestId, null, request.getMethod(), "unrouted", path, fault.status(), started);
            response.setStatus(fault.status());
            boolean evsClient = faults == FaultDialect.EVS
                    || (path != null && (path.startsWith("/v2/") || path.startsWith("/v5/")));
            requestIdHeaders(requestId, evsClient).forEach(response.getHeaders()::put);
            fault.headers().forEach(response.getHeaders()::put);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            boolean hasBody = !"HEAD".equals(request.getMethod());
            response.write(
                    true,
                    hasBody ? ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(fault.body())) : BufferUtil.EMPTY_BUFFER,
                    callback);
            return true;
        }
    }
}
