package io.cairn.engine.rbd;

import static java.util.Objects.requireNonNull;

import io.cairn.engine.BlockDevice;
import io.cairn.engine.Engine;
import io.cairn.engine.EngineException;
import io.cairn.engine.EngineException.Reason;
import io.cairn.engine.rbd.RbdImage.Parent;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volumes and snapshots as RBD images and RBD snapshots in one pool, named as Cinder's RBD driver names them
 * ({@code volume-<id>}, {@code volume-<id>@snapshot-<id>}), so the cluster's own tools and an operator who knows
 * Cinder find them. Every node reaches every image: the engine keeps nothing of its own but the open devices.
 *
 * <p>A volume made from a snapshot is a copy-on-write clone of the protected snapshot; one made from a volume is a
 * clone of a snapshot {@code volume-<new id>.clone_snap} taken on the source for it. Clones are flattened (made
 * independent of their parent) when the settings ask for it or when the chain of parents would grow past the
 * maximum depth. A snapshot that clones still depend on cannot be deleted: as with Cinder, the engine says
 * {@code BUSY} and the snapshot stays. A volume whose clone snapshots still have clones is renamed
 * {@code volume-<id>.deleted} and removed with its last clone, so no image outlives every volume that needs it.
 */
public final class RbdEngine implements Engine {
    private static final Logger LOG = LoggerFactory.getLogger(RbdEngine.class);
    private static final String VOLUME_PREFIX = "volume-";
    private static final String SNAPSHOT_PREFIX = "snapshot-";
    private static final String CLONE_SNAPSHOT_SUFFIX = ".clone_snap";
    private static final String DELETED_SUFFIX = ".deleted";
    /** How long a delete waits for watchers (an image still open somewhere) to go away. */
    private static final int REMOVE_ATTEMPTS = 20;

    /**
     * @param flattenVolumeFromSnapshot Cinder's {@code rbd_flatten_volume_from_snapshot}: volumes made from a
     *     snapshot are always made independent of it
     * @param maxCloneDepth Cinder's {@code rbd_max_clone_depth}: a clone whose chain of parents reaches this depth is
     *     flattened; 0 flattens every clone
     * @param objectSizeBytes the size of the RADOS objects of every image the engine makes, clones included (a power
     *     of two from 4 KiB to 32 MiB, librbd's orders 12 to 25); empty: the cluster's {@code rbd_default_order} for
     *     a new image, the parent's object size for a clone
     */
    public record Settings(boolean flattenVolumeFromSnapshot, int maxCloneDepth, OptionalInt objectSizeBytes) {
        public Settings {
            requireNonNull(objectSizeBytes, "objectSizeBytes is null");
        }

        /** The order (log2 of the object size) of a new image; 0 asks librbd for the cluster's default. */
        int order() {
            return objectSizeBytes.isPresent() ? Integer.numberOfTrailingZeros(objectSizeBytes.getAsInt()) : 0;
        }

        /**
         * The order of a clone of {@code parent}. A set object size applies to clones too, not the parent's: an object
         * the clone creates where its parent has no data counts as changed from its start, so the clone's own object
         * size bounds how exactly its changes are reported; librbd reads a parent of any object size. Unset, the
         * parent's, which librbd itself does not keep (given 0, it uses the cluster's default).
         */
        int order(RbdImage parent) throws IOException {
            return objectSizeBytes.isPresent() ? order() : parent.order();
        }
    }

    private final RbdCluster cluster;
    private final Settings settings;
    /** The devices this node has open, by volume id, so a delete or revert can make them stale. */
    private final Map<String, Set<RbdDevice>> open = new ConcurrentHashMap<>();

    private final WriteGates gates = new WriteGates();
    private final RbdGroupOperations groups;

    public RbdEngine(RbdCluster cluster, Settings settings) {
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.groups = new RbdGroupOperations(cluster, gates, open, this::revertToSnapshot);
    }

    static String imageName(String volumeId) {
        return VOLUME_PREFIX + volumeId;
    }

    static String snapshotName(String snapshotId) {
        return SNAPSHOT_PREFIX + snapshotId;
    }

    private static String cloneSnapshotName(String volumeId) {
        return imageName(volumeId) + CLONE_SNAPSHOT_SUFFIX;
    }

    @Override
    public void createVolume(String volumeId, long sizeBytes) throws IOException {
        String name = imageName(volumeId);
        removeIfPresent(name); // a create that runs again starts from nothing, as the first did
        try (Arena call = Arena.ofConfined()) {
            MemorySegment order = call.allocateFrom(java.lang.foreign.ValueLayout.JAVA_INT, settings.order());
            Errno.check(
                    Librbd.rbdCreate2(
                            cluster.ioctx(), call.allocateFrom(name), sizeBytes, Librbd.DEFAULT_FEATURES, order),
                    "creating " + name);
        }
    }

    @Override
    public void createVolumeFromSnapshot(String volumeId, String sourceVolumeId, String snapshotId, long sizeBytes)
            throws IOException {
        String parent = imageName(sourceVolumeId);
        String snapshot = snapshotName(snapshotId);
        int order;
        try (RbdImage source = RbdImage.open(cluster, parent)) {
            if (!source.isProtected(snapshot)) {
                source.protect(snapshot);
            }
            order = settings.order(source);
        }
        String name = imageName(volumeId);
        removeIfPresent(name);
        clone(parent, snapshot, name, order);
        try (RbdImage volume = RbdImage.open(cluster, name)) {
            growTo(volume, sizeBytes);
            if (settings.flattenVolumeFromSnapshot() || cloneDepth(name) > settings.maxCloneDepth()) {
                flatten(volume, fraction -> {});
            }
        }
    }

    /**
     * {@inheritDoc} Each clone is an RBD clone of a snapshot of its source named for the clone; those snapshots are
     * taken together, as a group snapshot's are.
     */
    @Override
    public void cloneVolumes(List<Clone> clones) throws IOException {
        Map<String, String> cloneSnapshots = new TreeMap<>();
        for (Clone clone : clones) {
            removeIfPresent(imageName(clone.volumeId())); // an earlier run's, cloned from a snapshot of its instant
            cloneSnapshots.put(clone.sourceVolumeId(), cloneSnapshotName(clone.volumeId()));
        }
        groups.snapshotTogether(cloneSnapshots);
        for (Clone clone : clones) {
            String parent = imageName(clone.sourceVolumeId());
            String name = imageName(clone.volumeId());
            String cloneSnapshot = cloneSnapshotName(clone.volumeId());
            int order;
            try (RbdImage source = RbdImage.open(cluster, parent)) {
                source.protect(cloneSnapshot);
                order = settings.order(source);
            }
            clone(parent, cloneSnapshot, name, order);
            try (RbdImage volume = RbdImage.open(cluster, name)) {
                growTo(volume, clone.sizeBytes());
                if (cloneDepth(name) > settings.maxCloneDepth()) {
                    flatten(volume, fraction -> {});
                    releaseParent(new Parent(parent, cloneSnapshot));
                }
            }
        }
    }

    private void clone(String parent, String snapshot, String child, int order) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment objectOrder = call.allocateFrom(java.lang.foreign.ValueLayout.JAVA_INT, order);
            Errno.check(
                    Librbd.rbdClone2(
                            cluster.ioctx(),
                            call.allocateFrom(parent),
                            call.allocateFrom(snapshot),
                            cluster.ioctx(),
                            call.allocateFrom(child),
                            Librbd.DEFAULT_FEATURES,
                            objectOrder),
                    "cloning " + parent + "@" + snapshot + " to " + child);
        }
    }

    /**
     * How many parents the image has, up the chain of clones. Cinder counts only volume-to-volume parents; every
     * parent counts here, as every one adds a hop to the reads of blocks the clone never wrote.
     */
    private int cloneDepth(String name) throws IOException {
        int depth = 0;
        Optional<Parent> parent;
        String image = name;
        while (true) {
            try (RbdImage opened = RbdImage.open(cluster, image, Optional.empty(), true)) {
                parent = opened.parent();
            }
            if (parent.isEmpty()) {
                return depth;
            }
            depth++;
            image = parent.get().image();
        }
    }

    private static void flatten(RbdImage volume, Progress progress) throws IOException {
        LOG.info("flattening {}: copying what it still reads from its parent", volume.name());
        volume.flatten(progress);
    }

    private static void growTo(RbdImage volume, long sizeBytes) throws IOException {
        if (volume.sizeBytes() < sizeBytes) {
            volume.resize(sizeBytes);
        }
    }

    @Override
    public void extendVolume(String volumeId, long newSizeBytes) throws IOException {
        try (RbdImage volume = RbdImage.open(cluster, imageName(volumeId))) {
            growTo(volume, newSizeBytes);
        }
    }

    @Override
    public void revertToSnapshot(String volumeId, String snapshotId) throws IOException {
        invalidateDevices(volumeId);
        try (RbdImage volume = RbdImage.open(cluster, imageName(volumeId))) {
            long size = volume.sizeBytes();
            volume.rollback(snapshotName(snapshotId));
            growTo(volume, size); // rolling back restores the snapshot's size too; the volume keeps its own
        }
    }

    @Override
    public void createSnapshot(String volumeId, String snapshotId, Progress progress) throws IOException {
        try (RbdImage volume = RbdImage.open(cluster, imageName(volumeId))) {
            if (!hasSnapshot(volume, snapshotName(snapshotId))) { // a run again keeps the first run's instant
                volume.createSnapshot(snapshotName(snapshotId));
            }
        }
        progress.update(1.0);
    }

    /** {@inheritDoc} See {@link RbdGroupOperations}: consistent for the writes through Cairn's NBD path. */
    @Override
    public void createGroupSnapshot(Map<String, String> snapshotIdsByVolume) throws IOException {
        groups.createGroupSnapshot(snapshotIdsByVolume);
    }

    @Override
    public void revertGroup(Map<String, String> snapshotIdsByVolume) throws IOException {
        groups.revertGroup(snapshotIdsByVolume);
    }

    @Override
    public void deleteSnapshot(String volumeId, String snapshotId, Progress progress) throws IOException {
        String snapshot = snapshotName(snapshotId);
        Optional<RbdImage> opened = openIfPresent(imageName(volumeId));
        if (opened.isEmpty()) {
            return;
        }
        try (RbdImage volume = opened.get()) {
            if (hasSnapshot(volume, snapshot)) {
                releaseSnapshotIfPresent(volume, snapshot, progress);
            }
        }
    }

    /** As {@link #releaseSnapshot}, for a snapshot another task may be removing at the same time. */
    private void releaseSnapshotIfPresent(RbdImage volume, String snapshot, Progress progress) throws IOException {
        try {
            releaseSnapshot(volume, snapshot, progress);
        } catch (EngineException e) {
            if (e.reason() != Reason.NOT_FOUND) {
                throw e;
            }
        }
    }

    /**
     * Unprotects and removes one of the image's snapshots. Clones that still read from it are flattened first, as
     * Cinder's driver does since 2024.1, so deleting a snapshot never strands the volumes made from it.
     */
    private void releaseSnapshot(RbdImage image, String snapshot, Progress progress) throws IOException {
        if (image.isProtected(snapshot)) {
            List<String> children;
            try (RbdImage at = RbdImage.open(cluster, image.name(), Optional.of(snapshot), true)) {
                children = at.children();
            }
            for (int i = 0; i < children.size(); i++) {
                int done = i;
                try (RbdImage child = RbdImage.open(cluster, children.get(i))) {
                    flatten(child, fraction -> progress.update((done + fraction) / children.size()));
                }
            }
            image.unprotect(snapshot);
        }
        image.removeSnapshot(snapshot);
        progress.update(1.0);
    }

    @Override
    public Map<String, Long> snapshotSizes(Optional<String> volumeId) throws IOException {
        Map<String, Long> sizes = new TreeMap<>();
        List<String> images = volumeId.isPresent() ? List.of(imageName(volumeId.get())) : volumeImages();
        for (String image : images) {
            Optional<RbdImage> opened = openIfPresent(image);
            if (opened.isEmpty()) {
                continue;
            }
            try (RbdImage volume = opened.get()) {
                for (RbdImage.Snapshot snapshot : volume.snapshots()) {
                    if (snapshot.name().startsWith(SNAPSHOT_PREFIX)) {
                        sizes.put(snapshot.name().substring(SNAPSHOT_PREFIX.length()), snapshot.sizeBytes());
                    }
                }
            }
        }
        return sizes;
    }

    /**
     * {@inheritDoc} {@code fromSnapshotId} must be a snapshot of this volume's image ({@code NOT_FOUND} otherwise),
     * older than {@code snapshotId}. The volume's own content is read as it stands while writes go on, so a range
     * written during the call may or may not be reported.
     */
    @Override
    public List<Extent> changedExtents(String volumeId, Optional<String> snapshotId, Optional<String> fromSnapshotId)
            throws IOException {
        try (RbdImage image =
                RbdImage.open(cluster, imageName(volumeId), snapshotId.map(RbdEngine::snapshotName), true)) {
            return image.changedExtents(fromSnapshotId.map(RbdEngine::snapshotName));
        }
    }

    @Override
    public void deleteVolume(String volumeId) throws IOException {
        invalidateDevices(volumeId);
        String name = imageName(volumeId);
        Optional<RbdImage> opened = openIfPresent(name);
        if (opened.isEmpty()) {
            return; // removed, or renamed .deleted by an earlier run
        }
        Optional<Parent> parent;
        boolean clonesRemain = false;
        try (RbdImage volume = opened.get()) {
            parent = volume.parent();
            for (RbdImage.Snapshot snapshot : volume.snapshots()) {
                if (snapshot.name().endsWith(CLONE_SNAPSHOT_SUFFIX)) {
                    clonesRemain |= !releaseCloneSnapshot(volume, snapshot.name());
                } else if (snapshot.name().startsWith(SNAPSHOT_PREFIX)) {
                    // A cascade's snapshot, whose own delete task may be removing it at the same time.
                    releaseSnapshotIfPresent(volume, snapshot.name(), fraction -> {});
                }
            }
        }
        if (clonesRemain) {
            LOG.info(
                    "{} has clones that still need its data: renamed {}, removed with its last clone",
                    name,
                    name + DELETED_SUFFIX);
            rename(name, name + DELETED_SUFFIX);
            return;
        }
        remove(name);
        if (parent.isPresent()) {
            releaseParent(parent.get());
        }
    }

    /** Unprotects and removes a volume-to-volume clone snapshot; false while its clone still depends on it. */
    private static boolean releaseCloneSnapshot(RbdImage image, String snapshot) throws IOException {
        try {
            if (image.isProtected(snapshot)) {
                image.unprotect(snapshot);
            }
        } catch (EngineException e) {
            if (e.reason() == Reason.BUSY) {
                return false;
            }
            throw e;
        }
        image.removeSnapshot(snapshot);
        return true;
    }

    /**
     * Once a clone no longer needs its parent's clone snapshot (the clone was deleted or flattened), removes that
     * snapshot, and with it a parent volume deleted earlier that waited only for this clone, up the chain.
     */
    private void releaseParent(Parent parent) throws IOException {
        if (!parent.snapshot().endsWith(CLONE_SNAPSHOT_SUFFIX)) {
            return; // a user's snapshot: it stays until the snapshot itself is deleted
        }
        Optional<Parent> grandparent;
        try (RbdImage image = RbdImage.open(cluster, parent.image())) {
            if (!hasSnapshot(image, parent.snapshot()) || !releaseCloneSnapshot(image, parent.snapshot())) {
                return;
            }
            if (!parent.image().endsWith(DELETED_SUFFIX) || !image.snapshots().isEmpty()) {
                return;
            }
            grandparent = image.parent();
        } catch (EngineException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                return;
            }
            throw e;
        }
        remove(parent.image());
        if (grandparent.isPresent()) {
            releaseParent(grandparent.get());
        }
    }

    static boolean hasSnapshot(RbdImage image, String snapshot) throws IOException {
        return image.snapshots().stream().anyMatch(s -> s.name().equals(snapshot));
    }

    private Optional<RbdImage> openIfPresent(String name) throws IOException {
        try {
            return Optional.of(RbdImage.open(cluster, name));
        } catch (EngineException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Removes an image that has no snapshots, if there is one by that name. */
    private void removeIfPresent(String name) throws IOException {
        Optional<RbdImage> opened = openIfPresent(name);
        if (opened.isPresent()) {
            opened.get().close();
            remove(name);
        }
    }

    /**
     * Removes an image, waiting a while for clients that still have it open (watchers) to let go and for snapshots
     * that other tasks are removing (a cascade's) to go.
     */
    private void remove(String name) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment image = call.allocateFrom(name);
            for (int attempt = 1; ; attempt++) {
                int result = Librbd.rbdRemove(cluster.ioctx(), image);
                if (result == 0 || result == -Librbd.ENOENT) {
                    return;
                }
                boolean worthWaiting = result == -Librbd.EBUSY || result == -Librbd.ENOTEMPTY;
                if (!worthWaiting || attempt == REMOVE_ATTEMPTS) {
                    Errno.check(result, "removing " + name);
                }
                sleep(500);
            }
        }
    }

    private void rename(String from, String to) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            Errno.check(
                    Librbd.rbdRename(cluster.ioctx(), call.allocateFrom(from), call.allocateFrom(to)),
                    "renaming " + from + " to " + to);
        }
    }

    /** The images of volumes in the pool, not those kept only for their clones. */
    private List<String> volumeImages() throws IOException {
        return images().stream()
                .filter(name -> name.startsWith(VOLUME_PREFIX) && !name.endsWith(DELETED_SUFFIX))
                .toList();
    }

    private List<String> images() throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment count = call.allocate(java.lang.foreign.ValueLayout.JAVA_LONG);
            long capacity = 64;
            while (true) {
                count.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, capacity);
                MemorySegment specs = call.allocate(Librbd.IMAGE_SPEC, capacity);
                int result = Librbd.rbdList2(cluster.ioctx(), specs, count);
                if (result == -Librbd.ERANGE) {
                    capacity = Math.max(capacity * 2, count.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0));
                    continue;
                }
                Errno.check(result, "listing the images of pool " + cluster.pool());
                long found = count.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0);
                List<String> names = new ArrayList<>();
                for (long i = 0; i < found; i++) {
                    MemorySegment spec = specs.asSlice(i * Librbd.IMAGE_SPEC.byteSize(), Librbd.IMAGE_SPEC);
                    names.add(spec.get(Librbd.C_STRING, 8).getString(0));
                }
                Librbd.rbdImageSpecListCleanup(specs, found);
                return names;
            }
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public BlockDevice open(String volumeId, Optional<String> snapshotId, boolean writable) throws EngineException {
        if (snapshotId.isPresent() && writable) {
            throw new EngineException(Reason.READ_ONLY, "snapshot " + snapshotId.get() + " opens read-only only");
        }
        try {
            RbdImage image =
                    RbdImage.open(cluster, imageName(volumeId), snapshotId.map(RbdEngine::snapshotName), !writable);
            Set<RbdDevice> devices = open.computeIfAbsent(volumeId, id -> ConcurrentHashMap.newKeySet());
            RbdDevice[] device = new RbdDevice[1];
            device[0] = new RbdDevice(
                    image,
                    writable,
                    2L * cluster.timeoutSeconds(),
                    gates.gate(volumeId),
                    () -> devices.remove(device[0]));
            devices.add(device[0]);
            return device[0];
        } catch (EngineException e) {
            throw e;
        } catch (IOException e) {
            throw new EngineException(Reason.UNAVAILABLE, e.getMessage());
        }
    }

    private void invalidateDevices(String volumeId) {
        Set<RbdDevice> devices = open.getOrDefault(volumeId, Set.of());
        devices.forEach(RbdDevice::invalidate);
    }

    @Override
    public Optional<DirectAccess> directAccess(String volumeId) throws IOException {
        List<String> hosts = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        for (String monitor : cluster.monitors()) {
            int colon = monitor.lastIndexOf(':');
            hosts.add(monitor.substring(0, colon).replace("[", "").replace("]", ""));
            ports.add(monitor.substring(colon + 1));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", cluster.pool() + "/" + imageName(volumeId));
        data.put("hosts", hosts);
        data.put("ports", ports);
        data.put("cluster_name", "ceph");
        data.put("auth_enabled", true);
        data.put("auth_username", cluster.user());
        data.put("secret_type", "ceph");
        data.put("secret_uuid", cluster.fsid()); // Cinder's default since 2023.1, when rbd_secret_uuid is unset
        data.put("volume_id", volumeId);
        data.put("discard", true);
        return Optional.of(new DirectAccess("rbd", data));
    }

    /** Every node serves every volume: the host names the cluster (its fsid) and the pool, not a node. */
    @Override
    public String host(String node) {
        return "ceph-" + cluster.fsid() + "@rbd#" + cluster.pool();
    }

    /**
     * Ends every open device first (each waits for its requests in flight and closes its image), so that no request
     * reaches librbd after the cluster handle is shut down: librados aborts the process on an operation submitted then.
     */
    @Override
    public void close() {
        open.values().forEach(devices -> devices.forEach(RbdDevice::invalidate));
        cluster.close();
    }
}
