package io.cairn.engine.rbd;

import static io.cairn.engine.rbd.Errno.check;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.cairn.engine.StorageEngine.Extent;
import io.cairn.engine.StorageEngine.Progress;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** An open RBD image (at its head, or at one of its snapshots), and the image-level calls Cairn makes. */
final class RbdImage implements AutoCloseable {
    /** A snapshot of the image: its name and its size in bytes. */
    record Snapshot(String name, long sizeBytes) {}

    /** The image and snapshot a clone was made from. */
    record Parent(String image, String snapshot) {}

    private final MemorySegment handle;
    private final String name;

    private RbdImage(MemorySegment handle, String name) {
        this.handle = handle;
        this.name = name;
    }

    /** Opens {@code name} for writing, at its head. */
    static RbdImage open(RbdCluster cluster, String name) throws IOException {
        return open(cluster, name, Optional.empty(), false);
    }

    /** Opens {@code name} at its head or, read-only, at {@code snapshot}. */
    static RbdImage open(RbdCluster cluster, String name, Optional<String> snapshot, boolean readOnly)
            throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment image = call.allocate(ADDRESS);
            MemorySegment at = snapshot.map(call::allocateFrom).orElse(MemorySegment.NULL);
            int result = readOnly
                    ? Librbd.rbdOpenReadOnly(cluster.ioctx(), call.allocateFrom(name), image, at)
                    : Librbd.rbdOpen(cluster.ioctx(), call.allocateFrom(name), image, at);
            check(result, "opening " + name + snapshot.map(s -> "@" + s).orElse(""));
            return new RbdImage(image.get(ADDRESS, 0), name);
        }
    }

    MemorySegment handle() {
        return handle;
    }

    String name() {
        return name;
    }

    long sizeBytes() throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment size = call.allocate(JAVA_LONG);
            check(Librbd.rbdGetSize(handle, size), "reading the size of " + name);
            return size.get(JAVA_LONG, 0);
        }
    }

    /** The image's order: its objects are {@code 2^order} bytes. */
    int order() throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment info = call.allocate(Librbd.IMAGE_INFO);
            check(Librbd.rbdStat(handle, info), "reading the object size of " + name);
            return info.get(JAVA_INT, Librbd.IMAGE_INFO.byteOffset(MemoryLayout.PathElement.groupElement("order")));
        }
    }

    void resize(long sizeBytes) throws IOException {
        check(Librbd.rbdResize(handle, sizeBytes), "resizing " + name);
    }

    void createSnapshot(String snapshot) throws IOException {
        onSnapshot(snapshot, "creating", Librbd::rbdSnapCreate);
    }

    void removeSnapshot(String snapshot) throws IOException {
        onSnapshot(snapshot, "removing", Librbd::rbdSnapRemove);
    }

    void protect(String snapshot) throws IOException {
        onSnapshot(snapshot, "protecting", Librbd::rbdSnapProtect);
    }

    /** @throws io.cairn.engine.EngineException {@code BUSY} while clones of the snapshot exist */
    void unprotect(String snapshot) throws IOException {
        onSnapshot(snapshot, "unprotecting", Librbd::rbdSnapUnprotect);
    }

    void rollback(String snapshot) throws IOException {
        onSnapshot(snapshot, "rolling back to", Librbd::rbdSnapRollback);
    }

    boolean isProtected(String snapshot) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment flag = call.allocate(JAVA_INT);
            check(Librbd.rbdSnapIsProtected(handle, call.allocateFrom(snapshot), flag), "reading " + at(snapshot));
            return flag.get(JAVA_INT, 0) != 0;
        }
    }

    @FunctionalInterface
    private interface SnapshotCall {
        int call(MemorySegment image, MemorySegment snapshot);
    }

    private void onSnapshot(String snapshot, String verb, SnapshotCall function) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            check(function.call(handle, call.allocateFrom(snapshot)), verb + " " + at(snapshot));
        }
    }

    private String at(String snapshot) {
        return name + "@" + snapshot;
    }

    List<Snapshot> snapshots() throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment count = call.allocate(JAVA_INT);
            int capacity = 16;
            while (true) {
                count.set(JAVA_INT, 0, capacity);
                MemorySegment infos = call.allocate(Librbd.SNAP_INFO, capacity + 1);
                int result = Librbd.rbdSnapList(handle, infos, count);
                if (result == -Librbd.ERANGE) {
                    capacity = Math.max(capacity * 2, count.get(JAVA_INT, 0));
                    continue;
                }
                check(result, "listing the snapshots of " + name);
                List<Snapshot> snapshots = new ArrayList<>(result);
                for (int i = 0; i < result; i++) {
                    MemorySegment info = infos.asSlice(i * Librbd.SNAP_INFO.byteSize(), Librbd.SNAP_INFO);
                    snapshots.add(new Snapshot(info.get(Librbd.C_STRING, 16).getString(0), info.get(JAVA_LONG, 8)));
                }
                Librbd.rbdSnapListEnd(infos);
                return snapshots;
            }
        }
    }

    /** The images cloned from the snapshot this image is open at (in this pool, by name). */
    List<String> children() throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment count = call.allocate(JAVA_LONG);
            long capacity = 8;
            while (true) {
                count.set(JAVA_LONG, 0, capacity);
                MemorySegment specs = call.allocate(Librbd.LINKED_IMAGE_SPEC, capacity);
                int result = Librbd.rbdListChildren3(handle, specs, count);
                if (result == -Librbd.ERANGE) {
                    capacity = Math.max(capacity * 2, count.get(JAVA_LONG, 0));
                    continue;
                }
                check(result, "listing the clones of " + name);
                long found = count.get(JAVA_LONG, 0);
                List<String> children = new ArrayList<>();
                for (long i = 0; i < found; i++) {
                    MemorySegment spec =
                            specs.asSlice(i * Librbd.LINKED_IMAGE_SPEC.byteSize(), Librbd.LINKED_IMAGE_SPEC);
                    children.add(spec.get(Librbd.C_STRING, 32).getString(0));
                }
                Librbd.rbdLinkedImageSpecListCleanup(specs, found);
                return children;
            }
        }
    }

    /** The image and snapshot this image was cloned from, while it still depends on them. */
    Optional<Parent> parent() throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment image = call.allocate(Librbd.LINKED_IMAGE_SPEC);
            MemorySegment snapshot = call.allocate(Librbd.SNAP_SPEC);
            int result = Librbd.rbdGetParent(handle, image, snapshot);
            if (result == -Librbd.ENOENT) {
                return Optional.empty();
            }
            check(result, "reading the parent of " + name);
            Parent parent = new Parent(
                    image.get(Librbd.C_STRING, 32).getString(0),
                    snapshot.get(Librbd.C_STRING, 16).getString(0));
            Librbd.rbdLinkedImageSpecCleanup(image);
            Librbd.rbdSnapSpecCleanup(snapshot);
            return Optional.of(parent);
        }
    }

    /**
     * Where the image, at the point it is open at, may differ from its snapshot {@code fromSnapshot}, or may hold
     * anything but zeros without one: sorted, merged where ranges overlap or touch (see
     * {@link io.cairn.engine.StorageEngine#changedExtents}). librbd answers from each object's snapshot history, not
     * its object map: in an object that was there before, the bytes written; where a write grew an object, everything
     * from its old end; an object created or removed, from its start to the end of its data.
     */
    List<Extent> changedExtents(Optional<String> fromSnapshot) throws IOException {
        long size = sizeBytes();
        // Against a snapshot, a range that no longer exists was discarded: a change. Without one it reads as zeros,
        // and what a clone reads from its parent is its data too (between two of the clone's own snapshots that part
        // cannot change: the parent's snapshot is frozen).
        boolean fromStart = fromSnapshot.isEmpty();
        try (Arena arena = Arena.ofShared()) { // librbd may call back on a thread of its own
            DiffCollector collector = new DiffCollector(!fromStart);
            MemorySegment callback = Librbd.callback(collector, "found", Librbd.DIFF_CALLBACK, arena);
            MemorySegment from = fromSnapshot.map(arena::allocateFrom).orElse(MemorySegment.NULL);
            int result = Librbd.rbdDiffIterate2(handle, from, 0, size, fromStart, false, callback);
            String what = "comparing " + name
                    + fromSnapshot.map(s -> " with " + at(s)).orElse("");
            List<Extent> found = collector.extents(what);
            check(result, what);
            return merged(found);
        }
    }

    /** Receives rbd_diff_iterate2's ranges, on whichever thread librbd calls back. */
    static final class DiffCollector {
        private final boolean keepRemoved;
        private final List<Extent> extents = new ArrayList<>();
        private Throwable failure;

        DiffCollector(boolean keepRemoved) {
            this.keepRemoved = keepRemoved;
        }

        synchronized int found(long offset, long length, int exists, MemorySegment unused) {
            try {
                if (exists != 0 || keepRemoved) {
                    extents.add(new Extent(offset, length));
                }
                return 0;
            } catch (Throwable e) {
                // Nothing may unwind into C: a negative answer stops the walk, and the caller throws this instead.
                failure = e;
                return -1;
            }
        }

        synchronized List<Extent> extents(String what) throws IOException {
            if (failure != null) {
                throw new IOException(what + " failed", failure);
            }
            return List.copyOf(extents);
        }
    }

    /** The extents sorted by offset, with those that overlap or touch made one. */
    private static List<Extent> merged(List<Extent> extents) {
        List<Extent> sorted = new ArrayList<>(extents);
        sorted.sort(Comparator.comparingLong(Extent::offset));
        List<Extent> merged = new ArrayList<>();
        for (Extent extent : sorted) {
            if (extent.length() == 0) {
                continue;
            }
            if (!merged.isEmpty() && extent.offset() <= end(merged.getLast())) {
                Extent last = merged.removeLast();
                merged.add(new Extent(last.offset(), Math.max(end(last), end(extent)) - last.offset()));
            } else {
                merged.add(extent);
            }
        }
        return List.copyOf(merged);
    }

    private static long end(Extent extent) {
        return extent.offset() + extent.length();
    }

    /** Copies every block the image still reads from its parent into the image itself, ending the dependency. */
    void flatten(Progress progress) throws IOException {
        try (Arena arena = Arena.ofShared()) { // librbd may call back on a thread of its own
            FlattenProgress reporter = new FlattenProgress(progress);
            MemorySegment callback = Librbd.callback(reporter, "update", Librbd.PROGRESS_CALLBACK, arena);
            check(Librbd.rbdFlattenWithProgress(handle, callback), "flattening " + name);
        }
    }

    /** Receives librbd's flatten progress on librbd's thread. */
    static final class FlattenProgress {
        private final Progress progress;

        FlattenProgress(Progress progress) {
            this.progress = progress;
        }

        int update(long offset, long total, MemorySegment unused) {
            try {
                progress.update(total == 0 ? 1.0 : (double) offset / total);
            } catch (RuntimeException e) {
                // An exception must not unwind into C; a lost progress report is harmless.
            }
            return 0;
        }
    }

    @Override
    public void close() {
        Librbd.rbdClose(handle);
    }
}
