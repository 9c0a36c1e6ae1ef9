package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstack4j.api.Builders;
import org.openstack4j.api.OSClient;
import org.openstack4j.api.identity.EndpointURLResolver;
import org.openstack4j.api.storage.BlockVolumeSnapshotService;
import org.openstack4j.api.types.ServiceType;
import org.openstack4j.core.transport.Config;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.identity.URLResolverParams;
import org.openstack4j.model.storage.block.Volume;
import org.openstack4j.model.storage.block.VolumeSnapshot;
import org.openstack4j.openstack.OSFactory;
import org.openstack4j.openstack.identity.internal.DefaultEndpointURLResolver;

/**
 * The openstack4j client (Maven's {@code com.github.openstack4j.core:openstack4j}), unchanged, logging in to the
 * real Keystone and driving a snapshot lifecycle. It has no snapshot-metadata calls and no revert, so those
 * steps are missing here; the Python clients cover them.
 */
class Openstack4jKeystoneTest {
    private static final int SNAPSHOTS_TO_PAGE = 120;
    private static final int PAGE_SIZE = 50;

    @TempDir
    Path dataDir;

    TestServer server;
    OSClient.OSClientV3 client;

    @BeforeEach
    void start() {
        RealKeystone keystone = RealKeystone.requireRunning();
        Map<String, String> settings = new HashMap<>(keystone.cairnSettings());
        settings.put("quota-snapshots", "-1");
        server = TestServer.start(dataDir, settings);
        client = OSFactory.builderV3()
                .endpoint(keystone.url())
                .credentials("demo", keystone.password(), Identifier.byName("Default"))
                .scopeToProject(Identifier.byName("demo"), Identifier.byName("Default"))
                .withConfig(Config.newConfig().withEndpointURLResolver(new ThisTestsCairn()))
                .authenticate();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Keystone's catalog names the Cairn that the conformance suite runs on a fixed port; this test's own Cairn
     * listens on a free one, so the block-storage URL is taken from the catalog and re-pointed at it.
     */
    private final class ThisTestsCairn implements EndpointURLResolver {
        private final DefaultEndpointURLResolver catalog = new DefaultEndpointURLResolver();

        @Override
        public String findURLV2(URLResolverParams params) {
            return catalog.findURLV2(params);
        }

        @Override
        public String findURLV3(URLResolverParams params) {
            String fromCatalog = catalog.findURLV3(params);
            if (params.type != ServiceType.BLOCK_STORAGE) {
                return fromCatalog;
            }
            assertThat(fromCatalog).endsWith("/v3/" + params.token.getProject().getId());
            return server.baseUrl() + "/v3/" + params.token.getProject().getId();
        }
    }

    @Test
    void snapshotLifecycle() {
        Volume volume = client.blockStorage()
                .volumes()
                .create(Builders.volume().name("o4j-volume").size(1).build());
        awaitTrue(() -> client.blockStorage().volumes().get(volume.getId()).getStatus() == Volume.Status.AVAILABLE);
        BlockVolumeSnapshotService snapshots = client.blockStorage().snapshots();

        // No description here: openstack4j sends it as display_description, which Cinder's create schema refuses
        // (update accepts it, and sets it below).
        VolumeSnapshot first = snapshots.create(Builders.volumeSnapshot()
                .volume(volume.getId())
                .name("o4j-snap")
                .metadata(Map.of("purpose", "lifecycle"))
                .build());
        awaitTrue(() -> snapshots.get(first.getId()).getStatus() == Volume.Status.AVAILABLE);

        List<? extends VolumeSnapshot> filtered = snapshots.list(Map.of("name", "o4j-snap", "status", "available"));
        assertThat(filtered).extracting(VolumeSnapshot::getId).containsExactly(first.getId());

        VolumeSnapshot shown = snapshots.get(first.getId());
        assertThat(shown.getName()).isEqualTo("o4j-snap");
        assertThat(shown.getVolumeId()).isEqualTo(volume.getId());
        assertThat(shown.getSize()).isEqualTo(1);
        assertThat(shown.getMetaData()).containsEntry("purpose", "lifecycle");

        assertThat(snapshots.update(first.getId(), "o4j-renamed", "second").isSuccess())
                .isTrue();
        assertThat(snapshots.get(first.getId()).getName()).isEqualTo("o4j-renamed");
        assertThat(snapshots.get(first.getId()).getDescription()).isEqualTo("second");

        Set<String> created = new LinkedHashSet<>(List.of(first.getId()));
        for (int i = 1; i < SNAPSHOTS_TO_PAGE; i++) {
            created.add(snapshots
                    .create(Builders.volumeSnapshot()
                            .volume(volume.getId())
                            .name("page-" + i)
                            .build())
                    .getId());
        }
        assertThat(pageThrough(snapshots)).containsExactlyInAnyOrderElementsOf(created);

        for (String id : created) {
            awaitTrue(() -> snapshots.get(id).getStatus() == Volume.Status.AVAILABLE);
            assertThat(snapshots.delete(id).isSuccess()).isTrue();
        }
        awaitTrue(() -> snapshots.list().isEmpty());
        assertThat(snapshots.get(first.getId())).isNull();
        assertThat(client.blockStorage().volumes().delete(volume.getId()).isSuccess())
                .isTrue();
    }

    /** Every snapshot id, fetched {@value #PAGE_SIZE} at a time with markers, as a paging client does. */
    private static List<String> pageThrough(BlockVolumeSnapshotService snapshots) {
        List<String> ids = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        Map<String, String> query = new HashMap<>(Map.of("limit", String.valueOf(PAGE_SIZE)));
        while (true) {
            List<? extends VolumeSnapshot> page = snapshots.list(query);
            pageSizes.add(page.size());
            if (page.isEmpty()) {
                break;
            }
            page.forEach(snapshot -> ids.add(snapshot.getId()));
            query.put("marker", page.get(page.size() - 1).getId());
        }
        assertThat(pageSizes).containsExactly(50, 50, 20, 0);
        return ids;
    }

    private static void awaitTrue(Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("condition still false after 30 s").isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
