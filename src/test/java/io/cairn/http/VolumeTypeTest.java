package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.domain.VolumeTypes;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read-only volume type API over the one default type, with the fields each role is shown. */
class VolumeTypeTest {
    private static final String PROJECT = "6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a";
    private static final String ID = VolumeTypes.DEFAULT_ID;
    private static final String COMMON = "\"id\":\"" + ID + "\",\"name\":\"__DEFAULT__\",\"is_public\":true,"
            + "\"description\":\"Default Volume Type\"";
    private static final String AS_MEMBER =
            "{" + COMMON + ",\"extra_specs\":{},\"os-volume-type-access:is_public\":true}";
    private static final String AS_ADMIN =
            "{" + COMMON + ",\"extra_specs\":{},\"qos_specs_id\":null,\"os-volume-type-access:is_public\":true}";
    private static final String AS_READER = "{" + COMMON + ",\"extra_specs\":{}}";

    @TempDir
    static Path dataDir;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dataDir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static TestServer.Client admin() {
        return server.as("admin", PROJECT);
    }

    private static TestServer.Client member() {
        return server.as("u", PROJECT, "member");
    }

    private static TestServer.Client reader() {
        return server.as("u", PROJECT, "reader");
    }

    private static String body(TestServer.Reply reply) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return reply.text();
    }

    @Test
    void listShowsTheDefaultTypeWithTheFieldsEachRoleMaySee() {
        assertThat(body(member().get("/types"))).isEqualTo("{\"volume_types\":[" + AS_MEMBER + "]}");
        assertThat(body(admin().get("/types"))).isEqualTo("{\"volume_types\":[" + AS_ADMIN + "]}");
        assertThat(body(reader().get("/types"))).isEqualTo("{\"volume_types\":[" + AS_READER + "]}");
    }

    @Test
    void showByIdMatchesTheListItem() {
        assertThat(body(member().get("/types/" + ID))).isEqualTo("{\"volume_type\":" + AS_MEMBER + "}");
        assertThat(body(admin().get("/types/" + ID))).isEqualTo("{\"volume_type\":" + AS_ADMIN + "}");
    }

    @Test
    void theDefaultTypeLeavesOutTheTypeAccessFlagAndWorksAtEveryMicroversion() {
        assertThat(body(member().version("3.0").get("/types/default")))
                .isEqualTo("{\"volume_type\":{" + COMMON + ",\"extra_specs\":{}}}");
        assertThat(body(admin().version("3.71").get("/types/default")))
                .isEqualTo("{\"volume_type\":{" + COMMON + ",\"extra_specs\":{},\"qos_specs_id\":null}}");
    }

    @Test
    void anUnknownTypeIsNotFound() {
        TestServer.Reply reply = member().get("/types/8a3f0b53-3c2e-4b8a-9d44-7a0f1f0e2a11");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().has("itemNotFound")).isTrue();
        assertThat(reply.message()).isEqualTo("Volume type 8a3f0b53-3c2e-4b8a-9d44-7a0f1f0e2a11 could not be found.");
        assertThat(member().get("/types/__DEFAULT__").message())
                .isEqualTo("Volume type __DEFAULT__ could not be found.");
    }

    @Test
    void adminsFilterOnIsPublic() {
        assertThat(body(admin().get("/types?is_public=false"))).isEqualTo("{\"volume_types\":[]}");
        assertThat(admin().get("/types?is_public=None")
                        .json()
                        .get("volume_types")
                        .size())
                .isEqualTo(1);
        assertThat(admin().get("/types?is_public=YES")
                        .json()
                        .get("volume_types")
                        .size())
                .isEqualTo(1);
        TestServer.Reply invalid = admin().get("/types?is_public=maybe");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.message()).isEqualTo("Invalid is_public filter [maybe]");
    }

    @Test
    void nonAdminsAlwaysSeePublicTypes() {
        assertThat(member().get("/types?is_public=false")
                        .json()
                        .get("volume_types")
                        .size())
                .isEqualTo(1);
        assertThat(member().get("/types?is_public=maybe").status()).isEqualTo(200);
    }

    @Test
    void callersWithoutAReaderRoleAreRefused() {
        TestServer.Client outsider = server.as("u", PROJECT, "observer");
        TestServer.Reply list = outsider.get("/types");
        assertThat(list.status()).isEqualTo(403);
        assertThat(list.message()).isEqualTo("Policy doesn't allow volume_extension:type_get_all to be performed.");
        assertThat(outsider.get("/types/" + ID).message())
                .isEqualTo("Policy doesn't allow volume_extension:type_get to be performed.");
        assertThat(outsider.get("/types/default").status()).isEqualTo(403);
        assertThat(outsider.get("/types/unknown").status()).isEqualTo(404);
    }
}
