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
 * credential says so. Only the volumes whose data this node holds are exported (on RBD, every node holds all). The
 * dirty bitmaps of an export are the available snapshots of its own volume (for a snapshot,
 * those created before it), so an export never names another volume's or project's snapshot.
 */
final class NbdExports implements ExportPolicy {
    private static final Set<VolumeStatus> WRITABLE = EnumSet.of(VolumeStatus.AVAILABLE, VolumeStatus.IN_USE);

    private final Database database;
    private final VolumeStore volumes;
    private final SnapshotStore snapshots;
    /** The {@code host} of the volumes this node's engine holds. */
    private final String host;
    /** Empty while TLS is off: then no identity is known. */
    private final Optional<NbdCredentialService> credentials;

    NbdExports(
            Database database,
            VolumeStore volumes,
            SnapshotStore snapshots,
            String host,
            Optional<NbdCredentialService> credentials) {
        this.database = database;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.host = host;
        this.credentials = credentials;
    }

    @Override
    public Optional<Export> resolve(String name, Reach reach) {
        return volumes.find(name, reach.projectId())
                .filter(volume -> WRITABLE.contains(volume.status()) && servedHere(volume, reach))
                .map(volume -> Export.volume(volume.id(), !reach.readOnly()))
                .or(() -> snapshots
                        .find(name, reach.projectId())
                        .filter(snapshot -> snapshot.status() == SnapshotStatus.AVAILABLE
                                && volumes.find(snapshot.volumeId(), Optional.empty())
                                        .filter(volume -> servedHere(volume, reach))
                                        .isPresent())
                        .map(snapshot -> Export.snapshot(snapshot.volumeId(), snapshot.id())));
    }

    @Override
    public List<String> list(Reach reach) {
        List<String> names = new ArrayList<>();
        if (reach.volumeId().isPresent()) {
            Optional<Volume> volume =
                    volumes.find(reach.volumeId().get(), reach.projectId()).filter(found -> servedHere(found, reach));
            if (volume.isEmpty()) {
                return names;
            }
            if (WRITABLE.contains(volume.get().status())) {
                names.add(volume.get().id());
            }
            snapshots.findByVolume(database.dsl(), volume.get().id()).stream()
                    .filter(snapshot -> snapshot.status() == SnapshotStatus.AVAILABLE)
                    .map(Snapshot::id)
                    .forEach(names::add);
            return names;
        }
        WRITABLE.forEach(status -> names.addAll(volumes.idsOnHost(status, host, reach.projectId())));
        names.addAll(snapshots.idsOnHost(SnapshotStatus.AVAILABLE, host, reach.projectId()));
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

    /** Whether this node holds the volume's data, and the reach takes it in. */
    private boolean servedHere(Volume volume, Reach reach) {
        return host.equals(volume.host())
                && reach.volumeId().map(volume.id()::equals).orElse(true);
    }
}
