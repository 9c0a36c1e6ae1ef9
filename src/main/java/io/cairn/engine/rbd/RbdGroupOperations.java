package io.cairn.engine.rbd;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The RBD engine's operations on several volumes at once, under the members' {@link WriteGates}. A group snapshot
 * is RBD snapshots taken one image after another while every write through Cairn's NBD path to any member is held
 * and each open device's completed writes are flushed: no such write lands between the first snapshot and the last,
 * so the set is crash-consistent for those writers. Hosts attached directly through librbd (the {@code rbd}
 * connection info) are not held: each of their images is consistent on its own only.
 */
final class RbdGroupOperations {
    /** The engine's revert of one volume to one of its snapshots. */
    @FunctionalInterface
    interface Revert {
        void revert(String volumeId, String snapshotId) throws IOException;
    }

    private final RbdCluster cluster;
    private final WriteGates gates;
    private final Map<String, Set<RbdDevice>> open;
    private final Revert revert;

    /** @param open the devices this node has open, by volume id */
    RbdGroupOperations(RbdCluster cluster, WriteGates gates, Map<String, Set<RbdDevice>> open, Revert revert) {
        this.cluster = cluster;
        this.gates = gates;
        this.open = open;
        this.revert = revert;
    }

    /** A rerun after all the snapshots were taken keeps them; after some were, takes them all again. */
    void createGroupSnapshot(Map<String, String> snapshotIdsByVolume) throws IOException {
        Map<String, String> names = new TreeMap<>();
        boolean allTaken = true;
        for (Map.Entry<String, String> member : snapshotIdsByVolume.entrySet()) {
            String snapshot = RbdEngine.snapshotName(member.getValue());
            names.put(member.getKey(), snapshot);
            try (RbdImage volume = RbdImage.open(cluster, RbdEngine.imageName(member.getKey()))) {
                allTaken &= RbdEngine.hasSnapshot(volume, snapshot);
            }
        }
        if (!allTaken) { // else a run again keeps the first run's instant
            snapshotTogether(names);
        }
    }

    /**
     * Takes each volume's named snapshot while the writes to every one of them are held, replacing a snapshot of that
     * name an interrupted run took at another instant (which nothing may still be cloned from).
     */
    void snapshotTogether(Map<String, String> snapshotNamesByVolume) throws IOException {
        gates.withClosed(snapshotNamesByVolume.keySet(), () -> {
            for (String volumeId : snapshotNamesByVolume.keySet()) {
                for (RbdDevice device : open.getOrDefault(volumeId, Set.of())) {
                    device.flushHeld();
                }
            }
            for (Map.Entry<String, String> member : new TreeMap<>(snapshotNamesByVolume).entrySet()) {
                try (RbdImage volume = RbdImage.open(cluster, RbdEngine.imageName(member.getKey()))) {
                    String snapshot = member.getValue();
                    if (RbdEngine.hasSnapshot(volume, snapshot)) {
                        if (volume.isProtected(snapshot)) {
                            volume.unprotect(snapshot);
                        }
                        volume.removeSnapshot(snapshot);
                    }
                    volume.createSnapshot(snapshot);
                }
            }
        });
    }

    /** Each image is rolled back in turn while the write gates of every member are closed. */
    void revertGroup(Map<String, String> snapshotIdsByVolume) throws IOException {
        gates.withClosed(snapshotIdsByVolume.keySet(), () -> {
            for (Map.Entry<String, String> member : new TreeMap<>(snapshotIdsByVolume).entrySet()) {
                revert.revert(member.getKey(), member.getValue());
            }
        });
    }
}
