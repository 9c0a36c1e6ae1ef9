package io.cairn.http;

import static java.util.Objects.requireNonNull;

import io.cairn.domain.CairnException;
import io.cairn.domain.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The two Keystone v3 calls token validation needs: {@code POST /auth/tokens} for our own service token
 * (password method, project scope), and {@code GET /auth/tokens} with {@code X-Subject-Token} to validate a
 * caller's token. Keystone being unreachable or answering with an error of its own throws
 * {@link ErrorCode#SERVICE_UNAVAILABLE}, as keystonemiddleware does; only "no such token" means invalid.
 */
public final class KeystoneClient {
    private static final Logger LOG = LoggerFactory.getLogger(KeystoneClient.class);
    /** Renew the service token this long before Keystone says it expires, so a request never carries a dead one. */
    private static final Duration SERVICE_TOKEN_MARGIN = Duration.ofSeconds(60);
    /**
     * Long enough for a loaded Keystone (a validation can take seconds on a busy SQLite-backed one), short
     * enough that a hung Keystone turns into a 503 well before a client's own timeout (Tempest's is 60 s).
     */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    static final String UNAVAILABLE_MESSAGE = "The Keystone service is temporarily unavailable.";

    /** The service credential Cairn validates tokens with. */
    public record ServiceCredential(String username, String password, String project, String domain) {
        public ServiceCredential {
            requireNonNull(username, "username is null");
            requireNonNull(password, "password is null");
            requireNonNull(project, "project is null");
            requireNonNull(domain, "domain is null");
        }

        @Override
        public String toString() {
            return "ServiceCredential[" + username + "@" + project + " in " + domain + "]";
        }
    }

    /** What Keystone vouches for: a project-scoped token's user, project, role names (lower case) and expiry. */
    public record ValidatedToken(String userId, String projectId, Set<String> roles, Instant expiresAt) {
        public ValidatedToken {
            requireNonNull(userId, "userId is null");
            requireNonNull(projectId, "projectId is null");
            roles = Set.copyOf(roles);
            requireNonNull(expiresAt, "expiresAt is null");
        }
    }

    private record ServiceToken(String value, Instant expiresAt) {}

    private final URI baseUrl;
    private final ServiceCredential credential;
    private final HttpClient http;
    private final Clock clock;
    private volatile ServiceToken serviceToken;

    /** @param baseUrl Keystone's v3 root, such as {@code http://127.0.0.1:5000/v3} */
    public KeystoneClient(URI baseUrl, ServiceCredential credential, Clock clock) {
        String text = requireNonNull(baseUrl, "baseUrl is null").toString();
        this.baseUrl = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.credential = requireNonNull(credential, "credential is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * Asks Keystone about {@code userToken}. Empty when Keystone does not know it, it has expired or it is not
     * scoped to a project (Cinder's API is per project).
     *
     * @throws CairnException SERVICE_UNAVAILABLE when Keystone cannot be asked or refuses our service credential
     */
    public Optional<ValidatedToken> validate(String userToken) {
        HttpResponse<String> response = sendValidation(userToken, currentServiceToken());
        if (response.statusCode() == 401) {
            // Our service token was revoked or Keystone restarted with new keys: get a new one, try once more.
            serviceToken = null;
            response = sendValidation(userToken, currentServiceToken());
        }
        return switch (response.statusCode()) {
            case 200 -> parseValidated(response.body());
            case 404 -> Optional.empty();
            default ->
                throw unavailable(
                        "token validation answered HTTP " + response.statusCode() + ": " + abbreviate(response.body()));
        };
    }

    private HttpResponse<String> sendValidation(String userToken, String service) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/auth/tokens?nocatalog"))
                .timeout(REQUEST_TIMEOUT)
                .header("X-Auth-Token", service)
                .header("X-Subject-Token", userToken)
                .header("Accept", "application/json")
                .GET()
                .build();
        return send(request);
    }

    private String currentServiceToken() {
        ServiceToken current = serviceToken;
        if (current != null && clock.instant().plus(SERVICE_TOKEN_MARGIN).isBefore(current.expiresAt())) {
            return current.value();
        }
        synchronized (this) {
            current = serviceToken;
            if (current == null || !clock.instant().plus(SERVICE_TOKEN_MARGIN).isBefore(current.expiresAt())) {
                current = issueServiceToken();
                serviceToken = current;
            }
            return current.value();
        }
    }

    private ServiceToken issueServiceToken() {
        Map<String, Object> domain = Map.of("name", credential.domain());
        Map<String, Object> body = Map.of(
                "auth",
                Map.of(
                        "identity",
                                Map.of(
                                        "methods",
                                        java.util.List.of("password"),
                                        "password",
                                        Map.of(
                                                "user",
                                                Map.of(
                                                        "name",
                                                        credential.username(),
                                                        "password",
                                                        credential.password(),
                                                        "domain",
                                                        domain))),
                        "scope", Map.of("project", Map.of("name", credential.project(), "domain", domain))));
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/auth/tokens?nocatalog"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)))
                .build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 201) {
            throw unavailable("the service credential " + credential + " was refused with HTTP " + response.statusCode()
                    + ": " + abbreviate(response.body()));
        }
        String value = response.headers()
                .firstValue("X-Subject-Token")
                .orElseThrow(() -> unavailable("the service token answer had no X-Subject-Token header"));
        Instant expiresAt = readTree(response.body())
                .map(tree -> tree.path("token").path("expires_at").asString(""))
                .flatMap(KeystoneClient::parseInstant)
                .orElseThrow(() -> unavailable("the service token answer had no readable token.expires_at"));
        return new ServiceToken(value, expiresAt);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unavailable(request.method() + " " + request.uri() + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while calling Keystone");
        }
    }

    private static Optional<ValidatedToken> parseValidated(String body) {
        JsonNode token = readTree(body)
                .map(tree -> tree.path("token"))
                .orElseThrow(() -> unavailable("token validation answered 200 with a body that is not JSON"));
        String userId = token.path("user").path("id").asString("");
        String projectId = token.path("project").path("id").asString("");
        Optional<Instant> expiresAt = parseInstant(token.path("expires_at").asString(""));
        if (userId.isEmpty() || projectId.isEmpty() || expiresAt.isEmpty()) {
            return Optional.empty();
        }
        Set<String> roles = new HashSet<>();
        token.path("roles")
                .forEach(role -> roles.add(role.path("name").asString("").toLowerCase(Locale.ROOT)));
        roles.remove("");
        return Optional.of(new ValidatedToken(userId, projectId, roles, expiresAt.get()));
    }

    private static Optional<JsonNode> readTree(String body) {
        try {
            return Optional.of(Json.MAPPER.readTree(body));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> parseInstant(String text) {
        try {
            return text.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static CairnException unavailable(String reason) {
        LOG.error("Keystone is unusable: {}", reason);
        return new CairnException(ErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE);
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
