package io.cairn.engine.rbd;

import static io.cairn.TestCeph.rbd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.TestCeph;
import io.cairn.engine.Engine;
import io.cairn.engine.EngineException.Reason;
import io.cairn.engine.StorageEngineContract;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine contract on a real Ceph cluster, and what only RBD does: Cinder's names, clones and their parents. */
class RbdEngineContractTest extends StorageEngineContract {
    private static final int MAX_CLONE_DEPTH = 2;

    @BeforeAll
    static void requireCeph() {
        TestCeph.assumeAvailable();
    }

    @Override
    protected Engine openEngine() {
        return new RbdEngine(
                RbdCluster.connect(TestCeph.conf(), "admin", "rbd"),
                new RbdEngine.Settings(false, MAX_CLONE_DEPTH, OptionalInt.empty()));
    }

    /**
     * An object of the image (4 MiB, the cluster's default object size). librbd reports a write inside an object's
     * old data byte for byte, but one that grew the object from the object's old end, and an object created or
     * removed from its start to the end of its data.
     */
    @Override
    protected long granularity() {
        return 4 * MIB;
    }

    @Test
    void changedExtentsFromASnapshotOfAnotherVolumeAreNotFound() throws IOException {
        String source = id();
        String snapshot = id();
        String copy = id();
        engine.createVolume(source, 4 * MIB);
        engine.createSnapshot(source, snapshot, fraction -> {});
        engine.createVolumeFromSnapshot(copy, source, snapshot, 4 * MIB);
        // The clone's image has no snapshot of that name: librbd compares an image only with its own snapshots.
        assertThatThrownBy(() -> engine.changedExtents(copy, Optional.empty(), Optional.of(snapshot)))
                .satisfies(reason(Reason.NOT_FOUND));
        engine.deleteVolume(copy);
    }

    @Test
    void imagesAndSnapshotsCarryCindersNames() throws Exception {
        String volume = id();
        String snapshot = id();
        engine.createVolume(volume, 4 * MIB);
        engine.createSnapshot(volume, snapshot, fraction -> {});
        assertThat(rbd("ls")).contains("volume-" + volume);
        assertThat(rbd("snap", "ls", "volume-" + volume)).contains("snapshot-" + snapshot);
        engine.deleteSnapshot(volume, snapshot, fraction -> {});
        engine.deleteVolume(volume);
        assertThat(rbd("ls")).doesNotContain("volume-" + volume);
    }

    @Test
    void aVolumeWhoseCloneStillNeedsItWaitsAsDeletedAndGoesWithItsLastClone() throws Exception {
        String source = id();
        String clone = id();
        engine.createVolume(source, 4 * MIB);
        write(source, 0, filled((int) MIB, 4));
        engine.cloneVolume(clone, source, 4 * MIB);
        assertThat(rbd("snap", "ls", "volume-" + source)).contains("volume-" + clone + ".clone_snap");

        engine.deleteVolume(source);
        assertThat(rbd("ls")).contains("volume-" + source + ".deleted").doesNotContain("volume-" + source + "\n");
        assertThat(readVolume(clone, 0, (int) MIB)).containsOnly(4);

        engine.deleteVolume(clone);
        assertThat(rbd("ls")).doesNotContain(source).doesNotContain(clone);
    }

    @Test
    void aCascadeDeleteFlattensTheVolumesMadeFromItsSnapshots() throws Exception {
        String volume = id();
        String snapshot = id();
        String copy = id();
        engine.createVolume(volume, 4 * MIB);
        write(volume, 0, filled((int) MIB, 8));
        engine.createSnapshot(volume, snapshot, fraction -> {});
        engine.createVolumeFromSnapshot(copy, volume, snapshot, 4 * MIB);
        assertThat(rbd("info", "volume-" + copy)).contains("parent:");

        engine.deleteVolume(volume); // the snapshot still there: a cascade whose snapshot task has not run yet
        engine.deleteSnapshot(volume, snapshot, fraction -> {}); // ... and then runs: nothing left to do

        assertThat(rbd("ls")).doesNotContain(volume);
        assertThat(rbd("info", "volume-" + copy)).doesNotContain("parent:");
        assertThat(readVolume(copy, 0, (int) MIB)).containsOnly(8);
        engine.deleteVolume(copy);
    }

    @Test
    void aChainOfClonesDeeperThanTheLimitIsFlattened() throws Exception {
        List<String> chain = new ArrayList<>(List.of(id()));
        engine.createVolume(chain.get(0), 4 * MIB);
        write(chain.get(0), 0, filled((int) MIB, 6));
        for (int i = 1; i <= MAX_CLONE_DEPTH + 1; i++) {
            chain.add(id());
            engine.cloneVolume(chain.get(i), chain.get(i - 1), 4 * MIB);
        }
        assertThat(rbd("info", "volume-" + chain.get(MAX_CLONE_DEPTH))).contains("parent:");
        String last = chain.get(MAX_CLONE_DEPTH + 1);
        assertThat(rbd("info", "volume-" + last)).doesNotContain("parent:");
        assertThat(rbd("snap", "ls", "volume-" + chain.get(MAX_CLONE_DEPTH))).doesNotContain(last);
        assertThat(readVolume(last, 0, (int) MIB)).containsOnly(6);
        for (int i = chain.size() - 1; i >= 0; i--) {
            engine.deleteVolume(chain.get(i));
        }
        for (String volume : chain) {
            assertThat(rbd("ls")).doesNotContain(volume);
        }
    }

    @Test
    void theConnectionInfoIsCindersForRbd() throws IOException {
        String volume = id();
        engine.createVolume(volume, MIB);
        var access = engine.directAccess(volume).orElseThrow();
        assertThat(access.driverVolumeType()).isEqualTo("rbd");
        assertThat(access.data())
                .containsEntry("name", "rbd/volume-" + volume)
                .containsEntry("auth_enabled", true)
                .containsEntry("auth_username", "admin")
                .containsEntry("secret_type", "ceph")
                .containsEntry("volume_id", volume)
                .containsKeys("hosts", "ports", "cluster_name", "secret_uuid", "discard");
        assertThat((List<?>) access.data().get("hosts")).isNotEmpty();
        engine.deleteVolume(volume);
    }
}
