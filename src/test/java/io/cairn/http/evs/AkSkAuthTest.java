package io.cairn.http.evs;

import static org.assertj.core.api.Assertions.assertThat;

import com.huaweicloud.sdk.core.auth.AKSKSigner;
import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.core.http.HttpMethod;
import io.cairn.TestServer;
import io.cairn.config.CairnConfig;
import io.cairn.config.ConfigException;
import io.cairn.config.Settings;
import io.cairn.http.aksk.SdkHmacSha256;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** AK/SK verification: signed with the SDK core's own signer, then replayed, tampered with, or dated wrongly. */
class AkSkAuthTest {
    private static final String PROJECT = "9e8d7c6b5a4f30211203f4e5d6c7b8a9";
    private static final DateTimeFormatter SDK_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    static TestServer server;
    static EvsFixture.Credential credential;

    @BeforeAll
    static void start() throws Exception {
        server = EvsFixture.start(dir, Map.of());
        credential = EvsFixture.createAccessKey(dir, PROJECT, "--description=tests");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A request the SDK core signed: its headers, to send as they are or altered. */
    private static Map<String, String> signed(
            String method, String path, Map<String, List<String>> query, String body, Map<String, String> extra) {
        var builder = com.huaweicloud.sdk.core.http.HttpRequest.newBuilder()
                .withMethod(HttpMethod.valueOf(method))
                .withEndpoint(server.baseUrl())
                .withPath(path)
                .withContentType("application/json")
                .addHeader("X-Project-Id", PROJECT);
        query.forEach(builder::addQueryParam);
        extra.forEach(builder::addHeader);
        if (body != null) {
            builder.withBodyAsString(body);
        }
        Map<String, String> headers =
                new LinkedHashMap<>(Map.of("X-Project-Id", PROJECT, "Content-Type", "application/json"));
        headers.putAll(extra);
        headers.putAll(AKSKSigner.getInstance()
                .sign(
                        builder.build(),
                        new BasicCredentials()
                                .withAk(credential.access())
                                .withSk(credential.secret())
                                .withProjectId(PROJECT)));
        headers.remove("Host");
        return headers;
    }

    private static HttpResponse<String> send(
            String method, String pathAndQuery, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + pathAndQuery))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String errorCode(HttpResponse<String> response) {
        return JsonMapper.builder()
                .build()
                .readTree(response.body())
                .at("/error/code")
                .asString();
    }

    @Test
    void aSignedReadWithQueryParametersIsServedAndMayBeRepeated() throws Exception {
        String path = "/v2/" + PROJECT + "/cloudsnapshots/detail";
        Map<String, String> headers =
                signed("GET", path, Map.of("limit", List.of("5"), "name", List.of("a b")), null, Map.of());

        assertThat(send("GET", path + "?limit=5&name=a%20b", null, headers).statusCode())
                .isEqualTo(200);
        assertThat(send("GET", path + "?limit=5&name=a%20b", null, headers).statusCode())
                .isEqualTo(200);
    }

    /** A GET signed as the Go and Python signers sign it, over the canonical query given here. */
    private static Map<String, String> signedOver(String path, String canonicalQuery) {
        String date = SDK_DATE.format(Instant.now());
        String canonicalHeaders = "host:" + URI.create(server.baseUrl()).getAuthority() + "\nx-project-id:" + PROJECT
                + "\nx-sdk-date:" + date + "\n";
        String canonical = String.join(
                "\n",
                "GET",
                path + "/",
                canonicalQuery,
                canonicalHeaders,
                "host;x-project-id;x-sdk-date",
                SdkHmacSha256.EMPTY_BODY_SHA256);
        String signature = SdkHmacSha256.signature(credential.secret(), SdkHmacSha256.stringToSign(date, canonical));
        return Map.of(
                "X-Project-Id",
                PROJECT,
                "X-Sdk-Date",
                date,
                "Authorization",
                "SDK-HMAC-SHA256 Access=" + credential.access()
                        + ", SignedHeaders=host;x-project-id;x-sdk-date, Signature=" + signature);
    }

    /** Huawei's Go and Python signers sort the values of a repeated name; the Java SDK keeps the request's order. */
    @Test
    void aRepeatedQueryNameVerifiesWithItsValuesSortedOrInRequestOrder() throws Exception {
        String path = "/v2/" + PROJECT + "/cloudsnapshots/detail";

        assertThat(send("GET", path + "?id=b&id=a", null, signedOver(path, "id=a&id=b"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(send("GET", path + "?id=b&id=a", null, signedOver(path, "id=b&id=a"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(
                                "GET",
                                path + "?id=b&id=a",
                                null,
                                signed("GET", path, Map.of("id", List.of("b", "a")), null, Map.of()))
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> other = send("GET", path + "?id=b&id=a", null, signedOver(path, "id=a"));
        assertThat(other.statusCode()).isEqualTo(401);
        assertThat(errorCode(other)).isEqualTo("APIGW.0301");
    }

    @Test
    void aReplayedWriteIsRefused() throws Exception {
        String volume = EvsFixture.availableVolume(server.as("setup", PROJECT), 1);
        String path = "/v2/" + PROJECT + "/cloudsnapshots";
        String body = "{\"snapshot\":{\"volume_id\":\"" + volume + "\",\"name\":\"once\"}}";
        Map<String, String> headers = signed("POST", path, Map.of(), body, Map.of());

        assertThat(send("POST", path, body, headers).statusCode()).isEqualTo(202);
        HttpResponse<String> replay = send("POST", path, body, headers);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(errorCode(replay)).isEqualTo("APIGW.0301");
    }

    @Test
    void tamperedRequestsAreRefused() throws Exception {
        String path = "/v2/" + PROJECT + "/cloudsnapshots";
        String body = "{\"snapshot\":{\"volume_id\":\"6cd26877-3ca3-4f4e-ae2a-38cc3d6183fa\"}}";
        Map<String, String> headers = signed("POST", path, Map.of(), body, Map.of());

        assertThat(send("POST", path, body.replace("6cd2", "7cd2"), headers).statusCode())
                .isEqualTo(401);
        assertThat(send("POST", path + "?extra=1", body, headers).statusCode()).isEqualTo(401);
        Map<String, String> otherKey = new LinkedHashMap<>(headers);
        otherKey.put(
                "Authorization", headers.get("Authorization").replace(credential.access(), "AAAAAAAAAAAAAAAAAAAA"));
        assertThat(send("POST", path, body, otherKey).statusCode()).isEqualTo(401);
    }

    @Test
    void aSignatureDatedOutsideTheWindowHasExpired() throws Exception {
        String path = "/v2/" + PROJECT + "/cloudsnapshots/detail";
        String old = SDK_DATE.format(Instant.now().minus(16, ChronoUnit.MINUTES));
        HttpResponse<String> response =
                send("GET", path, null, signed("GET", path, Map.of(), null, Map.of("X-Sdk-Date", old)));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCode(response)).isEqualTo("APIGW.0303");
        String recent = SDK_DATE.format(Instant.now().minus(10, ChronoUnit.MINUTES));
        assertThat(send("GET", path, null, signed("GET", path, Map.of(), null, Map.of("X-Sdk-Date", recent)))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void theProjectHeaderMustBeTheKeysProject() throws Exception {
        String path = "/v2/" + PROJECT + "/cloudsnapshots/detail";
        Map<String, String> headers = signed("GET", path, Map.of(), null, Map.of());
        headers.put("X-Project-Id", "00000000000000000000000000000000");

        HttpResponse<String> response = send("GET", path, null, headers);
        assertThat(response.statusCode()).isEqualTo(401); // X-Project-Id is signed, so changing it breaks the signature
    }

    @Test
    void tokensStillWorkBesideSignaturesAndNotWithAkSkAlone(@TempDir Path other) {
        assertThat(server.as("u", PROJECT).get("/snapshots").status()).isEqualTo(200);
        try (TestServer signedOnly = EvsFixture.start(other, Map.of("auth", "aksk"))) {
            TestServer.Reply reply = signedOnly.as("u", PROJECT).get("/snapshots");
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.json().at("/error/code").asString()).isEqualTo("EVS.5401");
        }
    }

    @Test
    void accessKeysAreListedWithoutSecretsAndCanBeDeleted() throws Exception {
        EvsFixture.Credential doomed = EvsFixture.createAccessKey(dir, PROJECT, "--roles=reader");
        String listed = EvsFixture.run("access-key", "list", "--project", PROJECT, "--json", "--data-dir=" + dir);
        assertThat(listed)
                .contains(credential.access(), doomed.access(), "tests")
                .doesNotContain(credential.secret(), doomed.secret());

        EvsFixture.run("access-key", "delete", doomed.access(), "--data-dir=" + dir);

        assertThat(EvsFixture.run("access-key", "list", "--data-dir=" + dir)).doesNotContain(doomed.access());
    }

    @Test
    void authCombinesATokenModeWithAkSkAndNeedsASecretKeyForIt() {
        CairnConfig.AuthConfig combined = config(Map.of(
                        "auth",
                        "keystone,aksk",
                        "keystone-url",
                        "http://127.0.0.1:5000/v3",
                        "keystone-username",
                        "u",
                        "keystone-password",
                        "p",
                        "keystone-project",
                        "service",
                        "secret-key",
                        EvsFixture.SECRET_KEY))
                .auth();
        assertThat(combined.mode()).isEqualTo(CairnConfig.AuthMode.KEYSTONE);
        assertThat(combined.akSk()).isPresent();
        assertThat(config(Map.of("auth", "aksk", "secret-key", EvsFixture.SECRET_KEY))
                        .auth()
                        .mode())
                .isEqualTo(CairnConfig.AuthMode.AKSK);
        assertThat(config(Map.of()).auth().akSk()).isEmpty();
        assertThat(config(Map.of("faults", "evs")).server().faults()).isEqualTo(CairnConfig.FaultDialect.EVS);

        Assertions.assertThatThrownBy(() -> config(Map.of("auth", "noauth,aksk")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CAIRN_SECRET_KEY");
        Assertions.assertThatThrownBy(() -> config(Map.of("auth", "aksk", "secret-key", "c2hvcnQ=")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("secret-key")
                .hasMessageNotContaining("c2hvcnQ=");
        Assertions.assertThatThrownBy(() -> config(Map.of("auth", "noauth,keystone")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CAIRN_AUTH");
    }

    private static CairnConfig config(Map<String, String> flags) {
        return CairnConfig.from(Settings.load(flags, Map.of(), Optional.empty()));
    }
}
