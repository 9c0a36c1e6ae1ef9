package io.cairn;

import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.engine.nbd.ExportPolicy;
import io.cairn.service.NbdCredentialService;
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
 * is not exported, so no client writes to data that a task is changing. A connection that proved a TLS identity
 * sees only what the identity reaches: its project's exports, or one volume's and its snapshots, read-only if the
 * credential says so. The dirty bitmaps of an export are the available snapshots of its own volume (for a snapshot,
 * those created before it), so an export never names another volume's or project's snapshot.
 */
final class NbdExports implements ExportPolicy {
    private static final Set<VolumeStatus> WRITABLE = EnumSet.of(VolumeStatus.AVAILABLE, VolumeStatus.IN_USE);

    private final Database database;
    private final VolumeStore volumes;
    private final SnapshotStore snapshots;
    /** Empty while TLS is off: then no identity is known. */
    private final Optional<NbdCredentialService> credentials;

    NbdExports(
            Database database,
            VolumeStore volumes,
            SnapshotStore snapshots,
            Optional<NbdCredentialService> credentials) {
        this.database = database;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.credentials = credentials;
    }

    @Override
    public Optional<Export> resolve(String name, Reach reach) {
        return volumes.find(name, reach.projectId())
                .filter(volume -> WRITABLE.contains(volume.status()) && within(reach, volume.id()))
                .map(volume -> Export.volume(volume.id(), !reach.readOnly()))
                .or(() -> snapshots
                        .find(name, reach.projectId())
                        .filter(snapshot ->
                                snapshot.status() == SnapshotStatus.AVAILABLE && within(reach, snapshot.volumeId()))
                        .map(snapshot -> Export.snapshot(snapshot.volumeId(), snapshot.id())));
    }

    @Override
    public List<String> list(Reach reach) {
        List<String> names = new ArrayList<>();
        if (reach.volumeId().isPresent()) {
            String volumeId = reach.volumeId().get();
            volumes.find(volumeId, reach.projectId())
                    .filter(volume -> WRITABLE.contains(volume.status()))
                    .map(Volume::id)
                    .ifPresent(names::add);
            snapshots.findByVolume(database.dsl(), volumeId).stream()
                    .filter(snapshot -> snapshot.status() == SnapshotStatus.AVAILABLE)
                    .map(Snapshot::id)
                    .forEach(names::add);
            return names;
        }
        WRITABLE.forEach(status -> names.addAll(volumes.idsInStatus(status, reach.projectId())));
        names.addAll(snapshots.idsInStatus(SnapshotStatus.AVAILABLE, reach.projectId()));
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

    @Override
    public Optional<Credential> credential(String identity) {
        return credentials
                .flatMap(service -> service.find(identity))
                .map(issued -> new Credential(
                        issued.key().key(),
                        new Reach(
                                issued.credential().projectId(),
                                issued.credential().volumeId(),
                                issued.credential().readOnly())));
    }

    private static boolean within(Reach reach, String volumeId) {
        return reach.volumeId().map(volumeId::equals).orElse(true);
    }
}
