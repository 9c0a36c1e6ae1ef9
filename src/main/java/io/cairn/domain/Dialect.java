package io.cairn.domain;

import java.util.EnumSet;
import java.util.Set;

/**
 * Whose status rules a request follows where Cinder's and Huawei EVS's differ: Cinder's on the {@code /v3}
 * paths, EVS's on the {@code /v2} ones (its native API and its Cinder-compatible paths). The shape of fault
 * bodies is a separate, server-wide setting.
 */
public enum Dialect {
    CINDER,
    EVS;

    /** Snapshot statuses a volume may be created from: EVS also takes the snapshot a backup is being made of. */
    public Set<SnapshotStatus> volumeSources() {
        return switch (this) {
            case CINDER -> EnumSet.of(SnapshotStatus.AVAILABLE);
            case EVS -> EnumSet.of(SnapshotStatus.AVAILABLE, SnapshotStatus.BACKING_UP);
        };
    }

    /** Volume statuses a delete without force starts from: EVS also deletes a disk whose rollback failed. */
    public Set<VolumeStatus> deletableVolumes() {
        Set<VolumeStatus> deletable = EnumSet.copyOf(VolumeStatus.DELETABLE);
        switch (this) {
            case CINDER -> {}
            case EVS -> deletable.add(VolumeStatus.ERROR_ROLLBACKING);
        }
        return deletable;
    }
}
