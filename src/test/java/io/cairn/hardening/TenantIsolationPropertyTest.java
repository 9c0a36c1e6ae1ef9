package io.cairn.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import io.cairn.hardening.RawHttp.Header;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;

/**
 * Over random data in several projects, a caller without the admin role never sees, pages into, counts or
 * changes another project's volumes, snapshots and snapshot ingests: lists hold only its own (an ingest's staging
 * volume and the snapshot a completed one made are listed in its project alone), a foreign marker or id is
 * answered exactly as an id that does not exist (404, as Cinder; never a 403 that would confirm it exists),
 * and such a request changes no row.
 */
@AddLifecycleHook(LongRun.SkipInPostgresqlExecution.class)
class TenantIsolationPropertyTest {
    private static final List<String> PROJECTS = List.of(
            "a1a1a1a1a1a140a1a1a1a1a1a1a1a1a1", "b2b2b2b2b2b240b2b2b2b2b2b2b2b2b2", "c3c3c3c3c3c340c3c3c3c3c3c3c3c3c3");
    /** Names and metadata shared by every project, so that filters match in all of them. */
    private static final List<String> NAMES = List.of("db", "web", "cache");

    private static final List<String> TIERS = List.of("gold", "silver");

    private static TestServer server;
    private static DatabaseDigest database;
    private static final Map<String, List<String>> volumesByProject = new LinkedHashMap<>();
    private static final Map<String, List<String>> snapshotsByProject = new LinkedHashMap<>();
    /** Each project's ingest holding {@link #INGESTED}: open in the first and last project, completed in the middle one. */
    private static final Map<String, List<String>> ingestsByProject = new LinkedHashMap<>();

    private static final SortedMap<Long, byte[]> INGESTED = new TreeMap<>(Map.of(3L, IngestFixtures.block(7)));

    @BeforeContainer
    static void createRandomWorld() throws Exception {
        Path dataDir = Files.createTempDirectory("cairn-isolation");
        server = TestServer.start(dataDir);
        long seed = Long.getLong("cairn.isolation.seed", System.nanoTime());
        System.out.println("isolation world seed: " + seed + " (rerun with -Dcairn.isolation.seed=" + seed + ")");
        Random random = new Random(seed);
        for (String project : PROJECTS) {
            Client owner = server.as("owner", project);
            List<String> volumes = new ArrayList<>();
            List<String> snapshots = new ArrayList<>();
            int volumeCount = 2 + random.nextInt(4);
            for (int i = 0; i < volumeCount; i++) {
                String body = "{\"volume\":{\"size\":1,\"name\":\"" + NAMES.get(random.nextInt(NAMES.size()))
                        + "\",\"metadata\":{\"tier\":\"" + TIERS.get(random.nextInt(TIERS.size())) + "\"}}}";
                volumes.add(owner.post("/volumes", body).json().at("/volume/id").asString());
            }
            for (String volume : volumes) {
                owner.await("/volumes/" + volume, "/volume/status", "available");
                for (int s = random.nextInt(3); s > 0; s--) {
                    String body = "{\"snapshot\":{\"volume_id\":\"" + volume + "\",\"name\":\""
                            + NAMES.get(random.nextInt(NAMES.size())) + "\",\"metadata\":{\"tier\":\""
                            + TIERS.get(random.nextInt(TIERS.size())) + "\"}}}";
                    String snapshot = owner.post("/snapshots", body)
                            .json()
                            .at("/snapshot/id")
                            .asString();
                    owner.await("/snapshots/" + snapshot, "/snapshot/status", "available");
                    snapshots.add(snapshot);
                }
            }
            volumesByProject.put(project, volumes);
            snapshotsByProject.put(project, snapshots);
            boolean complete = project.equals(PROJECTS.get(1));
            ingestsByProject.put(project, List.of(ingestOf(owner, complete, volumes, snapshots)));
        }
        server.sweepIngests(); // the completed ingests' staging volumes become available, before any digest
        database = new DatabaseDigest(dataDir);
    }

    /**
     * An ingest with {@link #INGESTED} put, completed or left open; its staging volume joins the project's volumes
     * and a completed one's snapshot its snapshots. Every project starts it with the same client token: another
     * project's token names nothing here, so each start makes a new ingest (202).
     */
    private static String ingestOf(Client owner, boolean complete, List<String> volumes, List<String> snapshots)
            throws IOException {
        String ingest = IngestFixtures.startOpen(owner, "\"volume_size\":1,\"client_token\":\"nightly\"");
        assertThat(ingestsByProject.values()).noneMatch(earlier -> earlier.contains(ingest));
        IngestFixtures.putAll(server, owner, ingest, INGESTED);
        JsonNode shown = owner.get("/snapshot-ingests/" + ingest).json().get("ingest");
        volumes.add(shown.get("volume_id").asString());
        if (complete) {
            Reply completed =
                    owner.post("/snapshot-ingests/" + ingest + "/complete", IngestFixtures.completion(INGESTED));
            assertThat(completed.status()).as(completed.text()).isEqualTo(202);
            String snapshot = shown.get("snapshot_id").asString();
            owner.await("/snapshots/" + snapshot, "/snapshot/status", "available");
            snapshots.add(snapshot);
        }
        return ingest;
    }

    @AfterContainer
    static void stop() throws Exception {
        database.close();
        server.close();
    }

    record ListRequest(String project, String role, String kind, boolean detail, String version, List<String> params) {}

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    @AddLifecycleHook(LongRun.TriesHook.class)
    @LongRun.Tries(5_000)
    void listsHoldAndCountOnlyTheCallersOwnResources(@ForAll("listRequests") ListRequest request) {
        Client caller = server.as("user", request.project(), request.role()).version(request.version());
        String path =
                "/" + request.kind() + (request.detail() ? "/detail" : "") + "?" + String.join("&", request.params());
        Reply reply = caller.get(path);
        if (reply.status() != 200) { // a filter this microversion does not know, say: an error is no leak
            assertThat(reply.status()).as(path).isBetween(400, 499);
            return;
        }
        Set<String> own = new HashSet<>(
                (request.kind().equals("volumes") ? volumesByProject : snapshotsByProject).get(request.project()));
        JsonNode items = reply.json().get(request.kind());
        for (JsonNode item : items) {
            assertThat(own)
                    .as("%s as %s of %s", path, request.role(), request.project())
                    .contains(item.get("id").asString());
        }
        JsonNode count = reply.json().get("count");
        if (count != null) {
            assertThat(count.asInt()).as("count of %s", path).isLessThanOrEqualTo(own.size());
            List<String> unpaged = request.params().stream()
                    .filter(p -> !p.startsWith("limit=") && !p.startsWith("offset=") && !p.startsWith("marker="))
                    .toList();
            Reply all = caller.get("/" + request.kind() + "?" + String.join("&", unpaged));
            assertThat(count.asInt())
                    .as("count of %s against its unpaged list", path)
                    .isEqualTo(all.json().get(request.kind()).size());
        }
    }

    @Provide
    Arbitrary<ListRequest> listRequests() {
        Arbitrary<String> param = Arbitraries.oneOf(
                Arbitraries.of(
                        "all_tenants=1",
                        "all_tenants=true",
                        "with_count=true",
                        "with_count=1",
                        "limit=1",
                        "limit=2",
                        "offset=1",
                        "sort=name:asc",
                        "sort_key=created_at",
                        "sort_dir=desc",
                        "status=available",
                        "metadata=%7B%22tier%22%3A%22gold%22%7D",
                        "metadata=%7B%27tier%27%3A%20%27silver%27%7D",
                        "name~=snapshot-ingest",
                        "name~=Staging"),
                Arbitraries.of(NAMES).map(name -> "name=" + name),
                Arbitraries.of(PROJECTS).map(project -> "project_id=" + project),
                Arbitraries.of(PROJECTS).map(project -> "tenant_id=" + project));
        return Combinators.combine(
                        Arbitraries.of(PROJECTS),
                        Arbitraries.of("member", "reader"),
                        Arbitraries.of("volumes", "snapshots"),
                        Arbitraries.of(true, false),
                        Arbitraries.of("3.0", "3.31", "3.45", "3.59", "3.66"),
                        param.list().ofMaxSize(4))
                .as(ListRequest::new);
    }

    record ForeignRequest(
            String project,
            String role,
            String victim,
            String method,
            String pathTemplate,
            String body,
            String version) {}

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    @AddLifecycleHook(LongRun.TriesHook.class)
    @LongRun.Tries(5_000)
    void foreignIdsAndMarkersAreAnsweredAsIdsThatDoNotExist(@ForAll("foreignRequests") ForeignRequest request)
            throws Exception {
        Client caller = server.as("user", request.project(), request.role()).version(request.version());
        String absent = UUID.randomUUID().toString();
        String before = database.digest();

        Reply foreign = send(caller, request, request.victim());
        Reply missing = send(caller, request, absent);
        String described = request.method() + " " + request.pathTemplate() + " as " + request.role() + " of "
                + request.project() + " -> " + foreign.status() + " " + foreign.text();

        assertThat(database.digest()).as("rows after %s", described).isEqualTo(before);
        assertThat(foreign.status()).as(described).isEqualTo(missing.status());
        // A reader's write may be refused by policy before any lookup (403 for foreign and missing alike); else 404.
        boolean policyMayRefuseFirst =
                request.role().equals("reader") && !request.method().equals("GET");
        boolean loose = request.pathTemplate().contains("marker=")
                || request.pathTemplate().endsWith(LOOSE);
        if (!loose && !policyMayRefuseFirst) {
            assertThat(foreign.status()).as(described).isEqualTo(404);
        }
        assertThat(foreign.text().replace(request.victim(), "ID"))
                .as(described)
                .isEqualTo(missing.text().replace(absent, "ID"));
    }

    private static Reply send(Client caller, ForeignRequest request, String id) throws IOException {
        String path = request.pathTemplate().replace(LOOSE, "").replace("{id}", id);
        if (BLOCK_PUT.equals(request.body())) {
            return putBlock(caller, path);
        }
        String body = request.body() == null ? null : request.body().replace("{id}", id);
        return caller.send(request.method(), path, body, body == null ? null : "application/json");
    }

    /** The block put, binary with its X-Cairn headers, of what every ingest holds: taken if the ingest were the caller's. */
    private static Reply putBlock(Client caller, String path) throws IOException {
        byte[] data = INGESTED.get(INGESTED.firstKey());
        List<Header> headers = new ArrayList<>(IngestFixtures.blockHeaders(caller.token(), data));
        headers.add(Header.of("OpenStack-API-Version", "volume " + caller.version()));
        RawHttp.Response response = RawHttp.send(
                IngestFixtures.port(server),
                "PUT",
                ("/v3/" + caller.project() + path).getBytes(StandardCharsets.UTF_8),
                headers,
                data);
        Map<String, List<String>> replyHeaders = new LinkedHashMap<>();
        response.headers().forEach((name, value) -> replyHeaders.put(name, List.of(value)));
        return new Reply(response.status(), replyHeaders, response.text());
    }

    /** The body marking the block put, which {@link #send} sends binary. */
    private static final String BLOCK_PUT = "<the block put>";

    @Provide
    Arbitrary<ForeignRequest> foreignRequests() {
        Arbitrary<String[]> operation = Arbitraries.of(
                op("GET", "/volumes/{id}", null),
                op("PUT", "/volumes/{id}", "{\"volume\":{\"name\":\"taken\"}}"),
                op("DELETE", "/volumes/{id}", null),
                op("GET", "/volumes/{id}/metadata", null),
                op("POST", "/volumes/{id}/metadata", "{\"metadata\":{\"k\":\"v\"}}"),
                op("PUT", "/volumes/{id}/metadata", "{\"metadata\":{}}"),
                op("GET", "/volumes/{id}/metadata/tier", null),
                op("PUT", "/volumes/{id}/metadata/tier", "{\"meta\":{\"tier\":\"bronze\"}}"),
                op("DELETE", "/volumes/{id}/metadata/tier", null),
                op("POST", "/volumes/{id}/action", "{\"os-extend\":{\"new_size\":2}}"),
                op("POST", "/volumes/{id}/action", "{\"os-reset_status\":{\"status\":\"error\"}}"),
                op("POST", "/volumes/{id}/action", "{\"os-force_delete\":{}}"),
                op("POST", "/volumes/{id}/action", "{\"os-set_bootable\":{\"bootable\":true}}"),
                op("POST", "/volumes/{id}/action", "{\"os-update_readonly_flag\":{\"readonly\":true}}"),
                op(
                        "POST",
                        "/volumes/{id}/action",
                        "{\"revert\":{\"snapshot_id\":\"00000000-0000-4000-8000-000000000000\"}}"),
                op("POST", "/snapshots", "{\"snapshot\":{\"volume_id\":\"{id}\",\"force\":true}}"),
                op("POST", "/volumes", "{\"volume\":{\"size\":1,\"source_volid\":\"{id}\"}}"),
                op("GET", "/volumes?marker={id}", null),
                op("GET", "/volumes/detail?marker={id}&with_count=true", null));
        Arbitrary<String[]> snapshotOperation = Arbitraries.of(
                op("GET", "/snapshots/{id}", null),
                op("PUT", "/snapshots/{id}", "{\"snapshot\":{\"name\":\"taken\"}}"),
                op("DELETE", "/snapshots/{id}", null),
                op("GET", "/snapshots/{id}/metadata", null),
                op("POST", "/snapshots/{id}/metadata", "{\"metadata\":{\"k\":\"v\"}}"),
                op("PUT", "/snapshots/{id}/metadata/tier", "{\"meta\":{\"tier\":\"bronze\"}}"),
                op("DELETE", "/snapshots/{id}/metadata/tier", null),
                loose("POST", "/snapshots/{id}/action", "{\"os-reset_status\":{\"status\":\"error\"}}"),
                loose("POST", "/snapshots/{id}/action", "{\"os-force_delete\":{}}"),
                op("POST", "/volumes", "{\"volume\":{\"size\":1,\"snapshot_id\":\"{id}\"}}"),
                loose("POST", "/os-vendor-snapshots/{id}/rollback", "{\"rollback\":{}}"),
                op("GET", "//v2/{project}/cloudsnapshots/{id}", null),
                op("PUT", "//v2/{project}/cloudsnapshots/{id}", "{\"snapshot\":{\"name\":\"taken\"}}"),
                op("DELETE", "//v2/{project}/cloudsnapshots/{id}", null),
                loose("POST", "//v2/{project}/cloudsnapshots/{id}/rollback", "{\"rollback\":{}}"),
                op("GET", "/snapshots?marker={id}", null),
                op("GET", "/snapshots/detail?marker={id}&with_count=true", null),
                op("POST", "/snapshot-ingests", "{\"ingest\":{\"volume_size\":1,\"parent_snapshot_id\":\"{id}\"}}"));
        Arbitrary<String[]> ingestOperation = Arbitraries.of(
                op("GET", "/snapshot-ingests/{id}", null),
                op("DELETE", "/snapshot-ingests/{id}", null),
                op("PUT", "/snapshot-ingests/{id}/blocks/" + INGESTED.firstKey(), BLOCK_PUT),
                op("POST", "/snapshot-ingests/{id}/complete", IngestFixtures.completion(INGESTED)));
        Arbitrary<String> role = Arbitraries.of("member", "reader");
        Arbitrary<String> version = Arbitraries.of("3.0", "3.40", "3.59", "3.66");
        return Arbitraries.of(PROJECTS).flatMap(project -> {
            List<String> foreignVolumes = others(volumesByProject, project);
            Arbitrary<ForeignRequest> onVolumes = Combinators.combine(
                            role, Arbitraries.of(foreignVolumes), operation, version)
                    .as((r, victim, op, v) -> foreign(project, r, victim, op, v));
            Arbitrary<ForeignRequest> onIngests = Combinators.combine(
                            role, Arbitraries.of(others(ingestsByProject, project)), ingestOperation, version)
                    .as((r, victim, op, v) -> foreign(project, r, victim, op, v));
            List<String> foreignSnapshots = others(snapshotsByProject, project);
            if (foreignSnapshots.isEmpty()) { // the ingested snapshot is the middle project's
                return Arbitraries.oneOf(onVolumes, onIngests);
            }
            Arbitrary<ForeignRequest> onSnapshots = Combinators.combine(
                            role, Arbitraries.of(foreignSnapshots), snapshotOperation, version)
                    .as((r, victim, op, v) -> foreign(project, r, victim, op, v));
            return Arbitraries.oneOf(onVolumes, onSnapshots, onIngests);
        });
    }

    private static ForeignRequest foreign(String project, String role, String victim, String[] op, String version) {
        return new ForeignRequest(project, role, victim, op[0], op[1].replace("{project}", project), op[2], version);
    }

    private static List<String> others(Map<String, List<String>> byProject, String project) {
        List<String> all = new ArrayList<>();
        byProject.forEach((p, ids) -> {
            if (!p.equals(project)) {
                all.addAll(ids);
            }
        });
        return all;
    }

    private static String[] op(String method, String path, String body) {
        return new String[] {method, path, body};
    }

    /**
     * An operation checked before the id is looked up, so its answer need not be a 404, only the same for a
     * foreign id as for a missing one: a rollback's body, and the admin-only snapshot actions, whose policy
     * Cairn checks first (403 for both; Cinder looks the snapshot up first and answers 404, as Cairn does for
     * the volume actions).
     */
    private static String[] loose(String method, String path, String body) {
        return new String[] {method, path + LOOSE, body};
    }

    private static final String LOOSE = "#same-answer-only";
}
