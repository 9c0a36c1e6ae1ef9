package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.TestServer;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code auth=keystone} behaviour that is Cairn's own: error bodies, caching, Keystone outages. Keystone
 * itself is played by {@link TinyKeystone}; {@link KeystoneLiveTest} repeats the essentials against the real one.
 */
class KeystoneAuthTest {
    private static final String PROJECT = "5b1e8d2c9f3a4e6b8c7d0a1f2e3b4c5d";
    private static final String OTHER_PROJECT = "0a9b8c7d6e5f40312a3b4c5d6e7f8091";

    @Nested
    class OverHttp {
        @TempDir
        Path dataDir;

        TinyKeystone keystone;
        TestServer server;

        @BeforeEach
        void start() throws Exception {
            keystone = TinyKeystone.start();
            server = TestServer.start(dataDir, keystone.cairnSettings());
        }

        @AfterEach
        void stop() {
            server.close();
            keystone.close();
        }

        private TestServer.Client withToken(String token) {
            return new TestServer.Client(server, PROJECT, token, null);
        }

        private String memberToken() {
            return keystone.issue("alice", PROJECT, Instant.now().plusSeconds(3600), "member", "reader");
        }

        @Test
        void aValidTokenActsAsItsUserInItsProject() {
            TestServer.Client alice = withToken(memberToken());

            TestServer.Reply created = alice.post("/volumes", "{\"volume\": {\"size\": 1, \"name\": \"v1\"}}");

            assertThat(created.status()).isEqualTo(202);
            JsonNode volume = alice.await(
                    "/volumes/" + created.json().at("/volume/id").asString(), "/volume/status", "available");
            assertThat(volume.at("/volume/user_id").asString()).isEqualTo("alice");
            assertThat(alice.get("/volumes/detail").json().at("/volumes/0/name").asString())
                    .isEqualTo("v1");
        }

        @Test
        void keystoneRolesDecideWhatTheCallerMayDo() {
            TestServer.Client reader =
                    withToken(keystone.issue("rita", PROJECT, Instant.now().plusSeconds(3600), "reader"));

            assertThat(reader.get("/snapshots/detail").status()).isEqualTo(200);
            TestServer.Reply refused = reader.post("/volumes", "{\"volume\": {\"size\": 1}}");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.message()).isEqualTo("Policy doesn't allow volume:create to be performed.");
        }

        @Test
        void roleNamesAreMatchedWithoutRegardToCase() {
            TestServer.Client admin =
                    withToken(keystone.issue("root", PROJECT, Instant.now().plusSeconds(3600), "Admin"));

            assertThat(admin.get("/snapshots/detail?all_tenants=1").status()).isEqualTo(200);
            assertThat(admin.put(
                                    "//v3/" + PROJECT + "/os-quota-sets/" + OTHER_PROJECT,
                                    "{\"quota_set\": {\"snapshots\": 5}}")
                            .status())
                    .isEqualTo(200);
        }

        @Test
        void aRequestWithoutATokenGetsKeystonemiddlewaresUnauthorized() {
            TestServer.Reply reply = withToken(null).get("/snapshots");

            assertUnauthorized(reply);
            assertThat(keystone.validations.get()).isZero();
        }

        @Test
        void versionDiscoveryWithoutATokenGetsTheVersionsDocument() {
            // Only noauth answers a token-less request at the version root itself (NoAuthTest).
            TestServer.Reply reply = withToken(null).get("//v3/");

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().at("/versions/0/id").asString()).isEqualTo("v3.0");
        }

        @Test
        void anUnknownTokenIsUnauthorizedAndTheAnswerIsRememberedBriefly() {
            TestServer.Client stranger = withToken("gAAAAnot-a-real-token");

            assertUnauthorized(stranger.get("/snapshots"));
            assertUnauthorized(stranger.get("/snapshots"));

            assertThat(keystone.validations.get()).isEqualTo(1);
        }

        @Test
        void anExpiredTokenIsUnauthorized() {
            String expired = keystone.issue("alice", PROJECT, Instant.now().minusSeconds(1), "member");

            assertUnauthorized(withToken(expired).get("/snapshots"));
        }

        @Test
        void aTokenOfAnotherProjectCannotUseThisProjectsUrl() {
            String elsewhere =
                    keystone.issue("alice", OTHER_PROJECT, Instant.now().plusSeconds(3600), "member");

            TestServer.Reply reply = withToken(elsewhere).get("/snapshots");

            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.message()).isEqualTo("Malformed request url");
        }

        @Test
        void whileKeystoneIsDownNewTokensGet503AndValidatedOnesKeepWorking() {
            TestServer.Client known = withToken(memberToken());
            assertThat(known.get("/snapshots").status()).isEqualTo(200);
            String issuedButNeverShown = memberToken();

            keystone.stop();

            TestServer.Reply unavailable = withToken(issuedButNeverShown).get("/snapshots");
            assertThat(unavailable.status()).isEqualTo(503);
            assertThat(unavailable.json().at("/serviceUnavailable/message").asString())
                    .isEqualTo("The Keystone service is temporarily unavailable.");
            assertThat(known.get("/snapshots").status()).isEqualTo(200);
        }

        @Test
        void anErrorFromKeystoneIsA503NotA500() {
            keystone.answerValidationsWith(500);

            assertThat(withToken(memberToken()).get("/snapshots").status()).isEqualTo(503);
        }

        @Test
        void oneServiceTokenServesManyValidationsAndIsRenewedWhenKeystoneForgetsIt() {
            for (int i = 0; i < 3; i++) {
                assertThat(withToken(memberToken()).get("/snapshots").status()).isEqualTo(200);
            }
            assertThat(keystone.serviceTokenRequests.get()).isEqualTo(1);

            keystone.forgetServiceTokens();

            assertThat(withToken(memberToken()).get("/snapshots").status()).isEqualTo(200);
            assertThat(keystone.serviceTokenRequests.get()).isEqualTo(2);
        }

        private void assertUnauthorized(TestServer.Reply reply) {
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.header("WWW-Authenticate"))
                    .isEqualTo("Keystone uri=\"" + keystone.url().replace("/v3", "") + "\"");
            JsonNode error = reply.json().get("error");
            assertThat(error.get("code").asInt()).isEqualTo(401);
            assertThat(error.get("title").asString()).isEqualTo("Unauthorized");
            assertThat(error.get("message").asString()).isEqualTo("The request you have made requires authentication.");
        }
    }

    @Test
    void aWrongServiceCredentialIsA503ThatNamesNoSecret(@TempDir Path dataDir) throws Exception {
        try (TinyKeystone keystone = TinyKeystone.start()) {
            Map<String, String> settings = new HashMap<>(keystone.cairnSettings());
            settings.put("keystone-password", "wrong");
            try (TestServer server = TestServer.start(dataDir, settings)) {
                String token = keystone.issue("alice", PROJECT, Instant.now().plusSeconds(3600), "member");

                TestServer.Reply reply = new TestServer.Client(server, PROJECT, token, null).get("/snapshots");

                assertThat(reply.status()).isEqualTo(503);
                assertThat(reply.text()).doesNotContain("wrong");
            }
        }
    }

    /** Cache lifetimes, driven by a clock the test moves. */
    @Nested
    class Caching {
        final MovableClock clock = new MovableClock(Instant.now());
        TinyKeystone keystone;

        @BeforeEach
        void start() throws Exception {
            keystone = TinyKeystone.start();
        }

        @AfterEach
        void stop() {
            keystone.close();
        }

        private KeystoneAuth auth(int cacheSize) {
            KeystoneClient client = new KeystoneClient(
                    URI.create(keystone.url()),
                    new KeystoneClient.ServiceCredential(
                            TinyKeystone.SERVICE_USER,
                            TinyKeystone.SERVICE_PASSWORD,
                            TinyKeystone.SERVICE_PROJECT,
                            "Default"),
                    clock);
            return new KeystoneAuth(client, clock, cacheSize, Duration.ofSeconds(10));
        }

        private static AuthRequest token(String token) {
            return new AuthRequest(
                    "GET",
                    "http://127.0.0.1:8776",
                    "/v3/",
                    null,
                    name -> name.equals("X-Auth-Token") ? token : null,
                    new byte[0]);
        }

        @Test
        void aValidatedTokenIsTrustedUntilItExpiresThenAskedAbout() {
            KeystoneAuth auth = auth(100);
            String token = keystone.issue("alice", PROJECT, clock.instant().plusSeconds(60), "member");

            Caller caller = auth.authenticate(token(token));
            clock.advance(Duration.ofSeconds(59));
            keystone.revoke(token);

            assertThat(auth.authenticate(token(token))).isEqualTo(caller);
            assertThat(caller.isMember()).isTrue();
            assertThat(keystone.validations.get()).isEqualTo(1);

            clock.advance(Duration.ofSeconds(2));
            assertThatThrownBy(() -> auth.authenticate(token(token))).isInstanceOf(ApiServer.EarlyResponse.class);
            assertThat(keystone.validations.get()).isEqualTo(2);
        }

        @Test
        void aRejectedTokenIsAskedAboutAgainAfterTheShortNegativeLifetime() {
            KeystoneAuth auth = auth(100);
            String early = "gAAAAshown-before-keystone-issued-it";

            assertThatThrownBy(() -> auth.authenticate(token(early))).isInstanceOf(ApiServer.EarlyResponse.class);
            keystone.issue(early, "alice", PROJECT, Instant.now().plusSeconds(3600), "member");
            clock.advance(Duration.ofSeconds(9));
            assertThatThrownBy(() -> auth.authenticate(token(early))).isInstanceOf(ApiServer.EarlyResponse.class);

            clock.advance(Duration.ofSeconds(2));
            assertThat(auth.authenticate(token(early)).projectId()).isEqualTo(PROJECT);
            assertThat(keystone.validations.get()).isEqualTo(2);
        }

        @Test
        void theCacheHoldsAtMostItsSizeDroppingTheLeastRecentlyUsed() {
            KeystoneAuth auth = auth(2);
            Instant later = Instant.now().plusSeconds(3600);
            String first = keystone.issue("a", PROJECT, later, "reader");
            String second = keystone.issue("b", PROJECT, later, "reader");
            String third = keystone.issue("c", PROJECT, later, "reader");

            auth.authenticate(token(first));
            auth.authenticate(token(second));
            auth.authenticate(token(first));
            auth.authenticate(token(third));
            assertThat(auth.cachedTokens()).isEqualTo(2);
            assertThat(keystone.validations.get()).isEqualTo(3);

            auth.authenticate(token(first));
            assertThat(keystone.validations.get()).isEqualTo(3);
            auth.authenticate(token(second));
            assertThat(keystone.validations.get()).isEqualTo(4);
        }

        @Test
        void anOutageIsNotRememberedAsARejection() {
            KeystoneAuth auth = auth(100);
            String token = keystone.issue("alice", PROJECT, Instant.now().plusSeconds(3600), "member");
            keystone.answerValidationsWith(503);

            assertThatThrownBy(() -> auth.authenticate(token(token)))
                    .isInstanceOfSatisfying(
                            CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));

            keystone.answerValidationsWith(0);
            assertThat(auth.authenticate(token(token)).userId()).isEqualTo("alice");
        }
    }

    /** A clock that only moves when told. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
