package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The console's paths as HTTP sees them: public files under a strict Content-Security-Policy, cached by ETag (the
 * vendored library for good), a settings document naming the sign-in, and the Keystone relay. Its pages in a
 * browser are {@link ConsoleBrowserTest}.
 */
class ConsoleTest {
    private static final String SERVICE_SIGN_IN = """
            {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "cinder",
             "password": "%s", "domain": {"name": "Default"}}}}, "scope": {"project": {"name": "service",
             "domain": {"name": "Default"}}}}}""";

    @TempDir
    static Path noauthDir;

    @TempDir
    static Path keystoneDir;

    static TestServer noauth;
    static TinyKeystone keystone;
    static TestServer withKeystone;

    @BeforeAll
    static void start() throws Exception {
        noauth = TestServer.start(noauthDir);
        keystone = TinyKeystone.start();
        Map<String, String> settings = new HashMap<>(keystone.cairnSettings());
        settings.put("keystone-domain", "Engineering");
        withKeystone = TestServer.start(keystoneDir, settings);
    }

    @AfterAll
    static void stop() {
        noauth.close();
        withKeystone.close();
        keystone.close();
    }

    private static Reply get(TestServer server, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return TestServer.send(request.GET().build());
    }

    private static Reply post(TestServer server, String path, String contentType, String body) {
        return TestServer.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    @Test
    void thePageIsPublicAndServedUnderAStrictContentSecurityPolicy() {
        Reply page = get(withKeystone, "/console/");

        assertThat(page.status())
                .as("no token needed: the data comes through the API")
                .isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.text()).contains("<script type=\"module\" src=\"app.js\"></script>");
        assertThat(page.header("Content-Security-Policy"))
                .isEqualTo("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
                        + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.header("OpenStack-API-Version"))
                .as("not the versioned API")
                .isNull();
    }

    @Test
    void theHtmlHasNoInlineScriptOrHandler() {
        String html = get(noauth, "/console/").text();

        assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)");
        assertThat(html).doesNotContainPattern("\\son[a-z]+=");
        assertThat(html)
                .as("inline styles; bound ones (:style) go through the CSSOM")
                .doesNotContainPattern("\\sstyle=");
    }

    @Test
    void theBarePathRedirectsToTheDirectory() {
        Reply reply = get(noauth, "/console");

        assertThat(reply.status()).isEqualTo(302);
        assertThat(reply.header("Location")).isEqualTo("/console/");
    }

    @Test
    void filesAreRevalidatedByETagAndTheVendoredLibraryIsKeptForGood() {
        Reply app = get(noauth, "/console/app.js");
        assertThat(app.status()).isEqualTo(200);
        assertThat(app.header("Content-Type")).startsWith("text/javascript");
        assertThat(app.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(app.header("ETag")).matches("\"[0-9a-f]{32}\"");

        Reply again = get(noauth, "/console/app.js", "If-None-Match", app.header("ETag"));
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.text()).isEmpty();

        Reply alpine = get(noauth, "/console/vendor/alpine-csp-3.17.4.esm.min.js");
        assertThat(alpine.status()).isEqualTo(200);
        assertThat(alpine.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(alpine.text()).doesNotContain("new Function(").doesNotContain("eval(");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/console/missing.js", "/console/App.js", "/console/app.js.bak", "/console/vendor/"})
    void anUnknownFileIsThePlainNotFoundOfAnUnknownPath(String path) {
        Reply reply = get(noauth, path);

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.text()).startsWith("404 Not Found");
        assertThat(get(noauth, "/consoles").text()).isEqualTo(reply.text());
    }

    @Test
    void consoleFilesAreReadOnly() {
        Reply reply = post(noauth, "/console/index.html", "application/json", "{}");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.text()).startsWith("404 Not Found");
    }

    @Test
    void theSettingsNameTheSignInTheAuthModeTakes() {
        Reply plain = get(noauth, "/console/settings.json");
        assertThat(plain.json().path("sign_in").asString()).isEqualTo("noauth");
        assertThat(plain.header("Cache-Control")).isEqualTo("no-store");

        Reply keystoneSettings = get(withKeystone, "/console/settings.json");
        assertThat(keystoneSettings.json().path("sign_in").asString()).isEqualTo("keystone");
        assertThat(keystoneSettings.json().path("keystone_domain").asString()).isEqualTo("Engineering");
    }

    @Test
    void signedRequestsOnlyOfferNoSignIn() {
        Path dataDir = noauthDir.resolve("signed-only");
        String secretKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        try (TestServer signedOnly = TestServer.start(dataDir, Map.of("auth", "aksk", "secret-key", secretKey))) {
            Reply settings = get(signedOnly, "/console/settings.json");

            assertThat(settings.json().path("sign_in").asString()).isEqualTo("none");
            assertThat(get(signedOnly, "/console/").status()).isEqualTo(200);
        }
    }

    @Test
    void theRelayHandsBackKeystonesTokenAndItsBody() {
        Reply reply = post(
                withKeystone,
                "/console/keystone/auth/tokens",
                "application/json",
                SERVICE_SIGN_IN.formatted(TinyKeystone.SERVICE_PASSWORD));

        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
        assertThat(reply.header("X-Subject-Token")).startsWith("service-");
        assertThat(reply.json().at("/token/project/id").asString()).isEqualTo("service-project-id");
        assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void keystonesRefusalPassesThroughAsItIs() {
        Reply reply = post(
                withKeystone, "/console/keystone/auth/tokens", "application/json", SERVICE_SIGN_IN.formatted("wrong"));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().at("/error/message").asString())
                .isEqualTo("The request you have made requires authentication.");
        assertThat(reply.header("X-Subject-Token")).isNull();
    }

    @Test
    void theRelayTakesJsonOnly() {
        Reply reply = post(withKeystone, "/console/keystone/auth/tokens", "text/plain", "user=cinder");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/badRequest/message").asString()).contains("application/json");
    }

    @Test
    void withoutKeystoneThereIsNoRelay() {
        Reply reply = post(noauth, "/console/keystone/auth/tokens", "application/json", "{}");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.text()).startsWith("404 Not Found");
    }

    @Test
    void aKeystoneThatDoesNotAnswerIsAServiceUnavailableFault() throws Exception {
        Path dataDir = keystoneDir.resolve("unreachable");
        Map<String, String> settings = new HashMap<>(keystone.cairnSettings());
        try (TinyKeystone gone = TinyKeystone.start()) {
            settings.put("keystone-url", gone.url());
        }
        try (TestServer server = TestServer.start(dataDir, settings)) {
            Reply reply = post(server, "/console/keystone/auth/tokens", "application/json", "{}");

            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.json().at("/serviceUnavailable/message").asString())
                    .isEqualTo(KeystoneClient.UNAVAILABLE_MESSAGE);
        }
    }
}
