package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code auth=keystone} against Debian's real Keystone, with real fernet tokens; skipped when none runs. */
class KeystoneLiveTest {
    @TempDir
    Path dataDir;

    RealKeystone keystone;
    TestServer server;

    @BeforeEach
    void start() {
        keystone = RealKeystone.requireRunning();
        server = TestServer.start(dataDir, keystone.cairnSettings());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TestServer.Client as(RealKeystone.IssuedToken token) {
        return new TestServer.Client(server, token.projectId(), token.value(), null);
    }

    @Test
    void aMemberTokenWorksInItsProject() {
        TestServer.Client demo = as(keystone.login("demo"));

        TestServer.Reply created = demo.post("/volumes", "{\"volume\": {\"size\": 1, \"name\": \"live\"}}");

        assertThat(created.status()).isEqualTo(202);
        assertThat(demo.get("/volumes/detail").json().at("/volumes/0/name").asString())
                .isEqualTo("live");
    }

    @Test
    void anAdminTokenHasAdminRights() {
        TestServer.Client admin = as(keystone.login("admin"));

        assertThat(admin.get("/snapshots/detail?all_tenants=1").status()).isEqualTo(200);
        TestServer.Reply quota = admin.put(
                "/os-quota-sets/" + keystone.login("demo").projectId(), "{\"quota_set\": {\"snapshots\": 20}}");
        assertThat(quota.status()).isEqualTo(200);
    }

    @Test
    void aMemberIsNotAnAdmin() {
        RealKeystone.IssuedToken demo = keystone.login("demo");

        TestServer.Reply reply =
                as(demo).put("/os-quota-sets/" + demo.projectId(), "{\"quota_set\": {\"snapshots\": 20}}");

        assertThat(reply.status()).isEqualTo(403);
    }

    @Test
    void aMadeUpOrRevokedTokenIsUnauthorized() {
        RealKeystone.IssuedToken demo = keystone.login("demo");
        RealKeystone.IssuedToken revoked = keystone.login("demo");
        keystone.revoke(revoked.value());

        TestServer.Reply madeUp =
                new TestServer.Client(server, demo.projectId(), "gAAAAABnot-a-fernet-token", null).get("/snapshots");
        TestServer.Reply afterRevocation = as(revoked).get("/snapshots");

        for (TestServer.Reply reply : new TestServer.Reply[] {madeUp, afterRevocation}) {
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.json().at("/error/message").asString())
                    .isEqualTo("The request you have made requires authentication.");
            assertThat(reply.header("WWW-Authenticate")).startsWith("Keystone uri=");
        }
    }
}
