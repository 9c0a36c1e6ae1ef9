package io.cairn.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A real HTTP server that answers the two Keystone v3 calls Cairn makes, for tests of behaviour that is ours
 * (caching, outages, error bodies), where starting Debian's Keystone would cost two minutes. The tests
 * against a real Keystone are {@link KeystoneLiveTest} and {@code Openstack4jKeystoneTest}.
 */
final class TinyKeystone implements AutoCloseable {
    static final String SERVICE_USER = "cinder";
    static final String SERVICE_PASSWORD = "service-secret";
    static final String SERVICE_PROJECT = "service";

    private record IssuedToken(String userId, String projectId, List<String> roles, Instant expiresAt) {}

    private record User(String password, String projectName, String projectId, List<String> roles) {}

    private final HttpServer server;
    private final Map<String, IssuedToken> userTokens = new ConcurrentHashMap<>();
    private final Map<String, Instant> serviceTokens = new ConcurrentHashMap<>();
    private final Map<String, User> users = new ConcurrentHashMap<>();
    final AtomicInteger serviceTokenRequests = new AtomicInteger();
    final AtomicInteger validations = new AtomicInteger();
    private volatile int validationStatusOverride;

    private TinyKeystone(HttpServer server) {
        this.server = server;
    }

    static TinyKeystone start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        TinyKeystone keystone = new TinyKeystone(server);
        server.createContext("/v3/auth/tokens", keystone::handle);
        server.start();
        return keystone;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v3";
    }

    /** Settings that make a Cairn validate its tokens here (and keep its NBD port out of other servers' way). */
    Map<String, String> cairnSettings() {
        return Map.of(
                "auth",
                "keystone",
                "keystone-url",
                url(),
                "keystone-username",
                SERVICE_USER,
                "keystone-password",
                SERVICE_PASSWORD,
                "keystone-project",
                SERVICE_PROJECT,
                "nbd-port",
                "0");
    }

    /** Registers a project-scoped token as Keystone would issue it after a password login. */
    String issue(String userId, String projectId, Instant expiresAt, String... roles) {
        return issue("gAAAA" + UUID.randomUUID().toString().replace("-", ""), userId, projectId, expiresAt, roles);
    }

    /** Makes Keystone know {@code token}, which a test may have presented before it existed. */
    String issue(String token, String userId, String projectId, Instant expiresAt, String... roles) {
        userTokens.put(token, new IssuedToken(userId, projectId, List.of(roles), expiresAt));
        return token;
    }

    /** Lets {@code name} sign in with a password, scoped to the project named {@code projectName} in Default. */
    void addUser(String name, String password, String projectName, String projectId, String... roles) {
        users.put(name, new User(password, projectName, projectId, List.of(roles)));
    }

    void revoke(String token) {
        userTokens.remove(token);
    }

    /** Forgets every service token, as a Keystone whose fernet keys were rotated away would. */
    void forgetServiceTokens() {
        serviceTokens.clear();
    }

    /** Makes every validation answer this status (0 restores normal answers). */
    void answerValidationsWith(int status) {
        validationStatusOverride = status;
    }

    void stop() {
        server.stop(0);
    }

    @Override
    public void close() {
        stop();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            switch (exchange.getRequestMethod()) {
                case "POST" -> issueServiceToken(exchange);
                case "GET" -> validate(exchange);
                default -> respond(exchange, 405, "{}");
            }
        }
    }

    /** A password sign-in: the service user's, or one {@link #addUser} added. */
    private void issueServiceToken(HttpExchange exchange) throws IOException {
        serviceTokenRequests.incrementAndGet();
        JsonNode auth = Json.MAPPER.readTree(exchange.getRequestBody()).path("auth");
        JsonNode user = auth.path("identity").path("password").path("user");
        boolean valid = SERVICE_USER.equals(user.path("name").asString(""))
                && SERVICE_PASSWORD.equals(user.path("password").asString(""))
                && "Default".equals(user.path("domain").path("name").asString(""))
                && SERVICE_PROJECT.equals(
                        auth.path("scope").path("project").path("name").asString(""));
        User known = users.get(user.path("name").asString(""));
        if (!valid
                && known != null
                && known.password().equals(user.path("password").asString(""))
                && "Default".equals(user.path("domain").path("name").asString(""))
                && known.projectName()
                        .equals(auth.path("scope").path("project").path("name").asString(""))) {
            String name = user.path("name").asString("");
            Instant expiresAt = Instant.now().plusSeconds(3600);
            String token = issue(
                    name + "-id", known.projectId(), expiresAt, known.roles().toArray(String[]::new));
            exchange.getResponseHeaders().add("X-Subject-Token", token);
            respond(exchange, 201, tokenBody(name + "-id", known.projectId(), known.roles(), expiresAt));
            return;
        }
        if (!valid) {
            respond(
                    exchange,
                    401,
                    "{\"error\": {\"code\": 401, \"title\": \"Unauthorized\", \"message\": \"The request you have made requires authentication.\"}}");
            return;
        }
        String token = "service-" + UUID.randomUUID();
        Instant expiresAt = Instant.now().plusSeconds(3600);
        serviceTokens.put(token, expiresAt);
        exchange.getResponseHeaders().add("X-Subject-Token", token);
        respond(exchange, 201, tokenBody("service-user-id", "service-project-id", List.of("service"), expiresAt));
    }

    private void validate(HttpExchange exchange) throws IOException {
        validations.incrementAndGet();
        if (validationStatusOverride != 0) {
            respond(exchange, validationStatusOverride, "{}");
            return;
        }
        String service = exchange.getRequestHeaders().getFirst("X-Auth-Token");
        if (service == null || !serviceTokens.containsKey(service)) {
            respond(exchange, 401, "{\"error\": {\"code\": 401}}");
            return;
        }
        IssuedToken token = userTokens.get(exchange.getRequestHeaders().getFirst("X-Subject-Token"));
        if (token == null || !Instant.now().isBefore(token.expiresAt())) {
            respond(
                    exchange,
                    404,
                    "{\"error\": {\"code\": 404, \"title\": \"Not Found\", \"message\": \"Could not find token.\"}}");
            return;
        }
        respond(exchange, 200, tokenBody(token.userId(), token.projectId(), token.roles(), token.expiresAt()));
    }

    private static String tokenBody(String userId, String projectId, List<String> roles, Instant expiresAt) {
        Map<String, Object> token = Map.of(
                "methods", List.of("password"),
                "user", Map.of("id", userId, "name", userId, "domain", Map.of("id", "default", "name", "Default")),
                "project",
                        Map.of(
                                "id",
                                projectId,
                                "name",
                                projectId,
                                "domain",
                                Map.of("id", "default", "name", "Default")),
                "roles",
                        roles.stream()
                                .map(role -> Map.of("id", role + "-id", "name", role))
                                .toList(),
                "expires_at", expiresAt.toString(),
                "issued_at", Instant.now().toString());
        return Json.MAPPER.writeValueAsString(Map.of("token", token));
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
