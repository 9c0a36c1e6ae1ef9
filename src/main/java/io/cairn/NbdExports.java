package io.cairn;

import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.VolumeStatus;
import io.cairn.engine.nbd.ExportPolicy;
import io.cairn.store.Database;
import io.cairn.store.SnapshotStore;
import io.cairn.store.VolumeStore;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the NBD server exports, as the control plane sees it: a volume read-write while it is available or
 * in use, a snapshot read-only while it is available. Anything else (creating, deleting, reverting, error)
 * is not exported, so no client writes to data that a task is changing. The dirty bitmaps of an export are the
 * available snapshots of its own volume (for a snapshot, those created before it), so an export never names another
 * volume's or project's snapshot.
 */
final class NbdExports implements ExportPolicy {
    private static final Set<VolumeStatus> WRITABLE = EnumSet.of(VolumeStatus.AVAILABLE, VolumeStatus.IN_USE);

    private final Database database;
    private final VolumeStore volumes;
    private final SnapshotStore snapshots;

    NbdExports(Database database, VolumeStore volumes, SnapshotStore snapshots) {
        this.database = database;
        this.volumes = volumes;
        this.snapshots = snapshots;
    }

    @Override
    public Optional<Export> resolve(String name) {
        return volumes.find(name, Optional.empty())
                .filter(volume -> WRITABLE.contains(volume.status()))
                .map(volume -> Export.volume(volume.id(), true))
                .or(() -> snapshots
                        .find(name, Optional.empty())
                        .filter(snapshot -> snapshot.status() == SnapshotStatus.AVAILABLE)
                        .map(snapshot -> Export.snapshot(snapshot.volumeId(), snapshot.id())));
    }

    @Override
    public List<String> list() {
        List<String> names = new ArrayList<>();
        WRITABLE.forEach(status -> names.addAll(volumes.idsInStatus(status)));
        names.addAll(snapshots.idsInStatus(SnapshotStatus.AVAILABLE));
        return names;
    }

    @Override
    public List<String> bitmapSnapshots(Export export) {
        List<String> older = new ArrayList<>();
        for (Snapshot snapshot : snapshots.findByVolume(database.dsl(), export.volumeId())) { // oldest first
            if (export.snapshotId().equals(Optional.of(snapshot.id()))) {
                break;
            }
            if (snapshot.status() == SnapshotStatus.AVAILABLE) {
                older.add(snapshot.id());
            }
        }
        return older;
    }
}
