package io.cairn.http;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The real Keystone that {@code conformance/keystone/start.sh} starts (the conformance suite exports
 * {@code CAIRN_TEST_KEYSTONE_URL}); tests that need it skip, saying why, when it is not there.
 */
public final class RealKeystone {
    /** Every account start.sh creates has this password unless {@code CAIRN_TEST_KEYSTONE_PASSWORD} says otherwise. */
    private static final String PASSWORD = System.getenv().getOrDefault("CAIRN_TEST_KEYSTONE_PASSWORD", "secret");

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A token Keystone issued, with the project it is scoped to. */
    public record IssuedToken(String value, String projectId) {}

    private final String url;

    private RealKeystone(String url) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The Keystone named by {@code CAIRN_TEST_KEYSTONE_URL}; skips the test when there is none or it does not answer. */
    public static RealKeystone requireRunning() {
        String url = System.getenv("CAIRN_TEST_KEYSTONE_URL");
        assumeTrue(
                url != null && !url.isBlank(),
                "no real Keystone: set CAIRN_TEST_KEYSTONE_URL (./cairn test --conformance starts one)");
        RealKeystone keystone = new RealKeystone(url);
        assumeTrue(keystone.answers(), "no real Keystone answers at " + url);
        return keystone;
    }

    public String url() {
        return url;
    }

    public String password() {
        return PASSWORD;
    }

    /** Cairn settings that validate tokens with start.sh's service user, cinder in project service. */
    public Map<String, String> cairnSettings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("auth", "keystone");
        settings.put("keystone-url", url);
        settings.put("keystone-username", "cinder");
        settings.put("keystone-password", PASSWORD);
        settings.put("keystone-project", "service");
        settings.put("nbd-port", "0");
        return settings;
    }

    /** Logs {@code user} in to the project of the same name (admin/admin, demo/demo), as a client would. */
    public IssuedToken login(String user) {
        Map<String, Object> domain = Map.of("name", "Default");
        Map<String, Object> body = Map.of(
                "auth",
                Map.of(
                        "identity",
                                Map.of(
                                        "methods",
                                        List.of("password"),
                                        "password",
                                        Map.of("user", Map.of("name", user, "password", PASSWORD, "domain", domain))),
                        "scope", Map.of("project", Map.of("name", user, "domain", domain))));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url + "/auth/tokens?nocatalog"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body))));
        if (response.statusCode() != 201) {
            throw new IllegalStateException(
                    "Keystone refused " + user + ": " + response.statusCode() + " " + response.body());
        }
        JsonNode token = Json.MAPPER.readTree(response.body()).path("token");
        return new IssuedToken(
                response.headers().firstValue("X-Subject-Token").orElseThrow(),
                token.at("/project/id").asString());
    }

    /** Revokes {@code token}, using the token itself (a user may revoke their own). */
    public void revoke(String token) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url + "/auth/tokens"))
                .header("X-Auth-Token", token)
                .header("X-Subject-Token", token)
                .DELETE());
        if (response.statusCode() != 204) {
            throw new IllegalStateException(
                    "Keystone did not revoke the token: " + response.statusCode() + " " + response.body());
        }
    }

    private boolean answers() {
        try {
            return HTTP.send(
                                    HttpRequest.newBuilder(URI.create(url + "/"))
                                            .timeout(Duration.ofSeconds(5))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
