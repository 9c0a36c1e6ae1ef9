package io.cairn.http;

import static java.util.Objects.requireNonNull;

import io.cairn.domain.CairnException;
import io.cairn.domain.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The web console under {@code /console/}: static files from the class path (HTML, one JavaScript module per concern,
 * CSS, the vendored Alpine.js CSP build), a settings document saying how to sign in, and, with Keystone, a same-origin
 * relay of the sign-in request. Everything else the console shows comes from the public API with the user's own
 * token, so these paths need no authentication: they hold nothing a caller could not read from the jar.
 *
 * <p>The relay exists because a browser cannot ask Keystone for a token directly in general: Keystone serves no CORS
 * headers unless its operator configured them for this origin (and exposed {@code X-Subject-Token}), and the console's
 * Content-Security-Policy allows connections to its own origin only. The relay forwards one request shape, a
 * {@code POST} to {@code <keystone-url>/auth/tokens}, and is never logged with its body.
 */
public final class Console {
    /** The path prefix every console path starts with. */
    public static final String PREFIX = "/console";

    /**
     * No inline script or style, no eval, connections to this origin only: the console's code is its own files. The
     * Alpine.js CSP build evaluates directive expressions with its own parser, not {@code Function}; bound styles are
     * set through the CSSOM, which {@code style-src} does not govern.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Pattern FILE = Pattern.compile("[a-z0-9-]+(/[a-z0-9-]+)*(\\.[a-z0-9-]+)*\\.(html|js|css|svg)");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");
    /** Vendored files carry their version in their name, so a browser may keep them for good. */
    private static final String VENDOR = "vendor/";

    /** The largest sign-in body the relay reads: Keystone's password request is a few hundred bytes. */
    static final int MAX_SIGN_IN_BODY = 64 * 1024;

    private static final Duration KEYSTONE_TIMEOUT = Duration.ofSeconds(20);

    /** How a person signs in to the console: with the server's auth mode. */
    public enum SignIn {
        /** A user and a project; the token is {@code user:project}. */
        NOAUTH,
        /** A Keystone user name, password and project, through {@link #relayKeystone}. */
        KEYSTONE,
        /** The server takes AK/SK-signed requests only, which the console does not make. */
        NONE
    }

    private record File(byte[] bytes, String contentType, String etag, boolean immutable) {}

    /** Where sign-ins go, and the client that takes them there (only with Keystone: it starts a thread of its own). */
    private record Relay(URI tokens, HttpClient http) {}

    private final SignIn signIn;
    private final Optional<Relay> relay;
    private final String keystoneDomain;
    private final Map<String, Optional<File>> files = new ConcurrentHashMap<>();

    /**
     * @param keystoneUrl Keystone's v3 root, required with {@link SignIn#KEYSTONE}
     * @param keystoneDomain the domain the sign-in form offers by default
     */
    public Console(SignIn signIn, Optional<URI> keystoneUrl, String keystoneDomain) {
        this.signIn = requireNonNull(signIn, "signIn is null");
        requireNonNull(keystoneUrl, "keystoneUrl is null");
        if (signIn == SignIn.KEYSTONE && keystoneUrl.isEmpty()) {
            throw new IllegalArgumentException("a Keystone sign-in needs the Keystone URL");
        }
        this.relay = keystoneUrl.map(url -> {
            String text = url.toString();
            return new Relay(
                    URI.create((text.endsWith("/") ? text : text + "/") + "auth/tokens"),
                    HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(5))
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .build());
        });
        this.keystoneDomain = requireNonNull(keystoneDomain, "keystoneDomain is null");
    }

    /** Whether {@code path} is the console's rather than the API's. */
    public static boolean owns(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /** The route a console path is counted under in logs and metrics: a few fixed names, never the raw path. */
    static String route(String path) {
        return switch (path) {
            case PREFIX + "/settings.json" -> path;
            case PREFIX + "/keystone/auth/tokens" -> path;
            default -> PREFIX + "/{file}";
        };
    }

    /** Whether a request to {@code path} carries a body the console reads. */
    static boolean readsBody(String method, String path) {
        return method.equals("POST") && path.equals(PREFIX + "/keystone/auth/tokens");
    }

    /** The answer to a request for a console path (one that {@link #owns}). */
    ApiResponse respond(String method, String path, Function<String, String> headers, byte[] body) {
        if (path.equals(PREFIX)) {
            return withSecurityHeaders(ApiResponse.empty(302).withHeader("Location", PREFIX + "/"));
        }
        if (path.equals(PREFIX + "/keystone/auth/tokens")) {
            if (!method.equals("POST")) {
                throw new ApiServer.EarlyResponse(ApiServer.plainNotFound());
            }
            return withSecurityHeaders(relayKeystone(body, headers.apply("Content-Type")));
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            // As the API answers a method a path does not have: no route, a plain 404.
            throw new ApiServer.EarlyResponse(ApiServer.plainNotFound());
        }
        if (path.equals(PREFIX + "/settings.json")) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("sign_in", signIn.name().toLowerCase(java.util.Locale.ROOT));
            settings.put("keystone_domain", keystoneDomain);
            return withSecurityHeaders(ApiResponse.ok(settings).withHeader("Cache-Control", "no-store"));
        }
        String name = path.substring(PREFIX.length() + 1);
        if (name.isEmpty()) {
            name = "index.html";
        }
        Optional<File> file =
                FILE.matcher(name).matches() ? files.computeIfAbsent(name, Console::load) : Optional.empty();
        if (file.isEmpty()) {
            throw new ApiServer.EarlyResponse(ApiServer.plainNotFound());
        }
        File found = file.get();
        ApiResponse response = found.etag().equals(headers.apply("If-None-Match"))
                ? ApiResponse.empty(304)
                : new ApiResponse(200, found.bytes(), Map.of("Content-Type", found.contentType()));
        return withSecurityHeaders(response.withHeader("ETag", found.etag())
                .withHeader("Cache-Control", found.immutable() ? "public, max-age=31536000, immutable" : "no-cache"));
    }

    /**
     * Forwards a sign-in to Keystone and hands back its answer: the status, the token body and the
     * {@code X-Subject-Token} header. Keystone's own refusals (401 for a wrong password) pass through as they are.
     */
    private ApiResponse relayKeystone(byte[] body, String contentType) {
        Relay to = relay.orElseThrow(() -> new ApiServer.EarlyResponse(ApiServer.plainNotFound()));
        if (contentType == null
                || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw CairnException.invalidInput("the sign-in body must be application/json.");
        }
        HttpRequest request = HttpRequest.newBuilder(to.tokens())
                .timeout(KEYSTONE_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> answer;
        try {
            answer = to.http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CairnException(ErrorCode.SERVICE_UNAVAILABLE, KeystoneClient.UNAVAILABLE_MESSAGE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.SERVICE_UNAVAILABLE, KeystoneClient.UNAVAILABLE_MESSAGE);
        }
        ApiResponse response = new ApiResponse(
                        answer.statusCode(),
                        answer.body(),
                        Map.of(
                                "Content-Type",
                                answer.headers().firstValue("Content-Type").orElse("application/json")))
                .withHeader("Cache-Control", "no-store");
        Optional<String> subjectToken = answer.headers().firstValue("X-Subject-Token");
        return subjectToken.isPresent() ? response.withHeader("X-Subject-Token", subjectToken.get()) : response;
    }

    private static ApiResponse withSecurityHeaders(ApiResponse response) {
        return response.withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .withHeader("X-Content-Type-Options", "nosniff")
                .withHeader("Referrer-Policy", "no-referrer")
                .withHeader("X-Frame-Options", "DENY");
    }

    private static Optional<File> load(String name) {
        try (InputStream in = Console.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            String extension = name.substring(name.lastIndexOf('.') + 1);
            String etag = "\"" + HexFormat.of().formatHex(sha256(bytes), 0, 16) + "\"";
            return Optional.of(new File(bytes, CONTENT_TYPES.get(extension), etag, name.startsWith(VENDOR)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
