package io.cairn.engine.nbd;

import io.cairn.engine.LocalChunkEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A chunk engine in a directory with an NBD server in front of it. Its export policy stands in for the
 * control plane: every volume is writable, every snapshot taken through the fixture read-only.
 */
final class NbdFixture implements AutoCloseable {
    final LocalChunkEngine engine;
    final NbdServer server;
    private final Set<String> volumes = ConcurrentHashMap.newKeySet();
    private final Set<String> snapshots = ConcurrentHashMap.newKeySet();

    NbdFixture(Path directory, int chunkSize) throws IOException {
        engine = LocalChunkEngine.open(directory, chunkSize);
        server = new NbdServer(engine, new ExportPolicy() {
                    @Override
                    public Optional<Export> resolve(String name) {
                        if (volumes.contains(name)) {
                            return Optional.of(Export.volume(name, true));
                        }
                        return snapshots.contains(name) ? Optional.of(Export.snapshot("", name)) : Optional.empty();
                    }

                    @Override
                    public List<String> list() {
                        List<String> names = new ArrayList<>(volumes);
                        names.addAll(snapshots);
                        return names;
                    }
                })
                .start("127.0.0.1", 0);
    }

    void createVolume(String id, long sizeBytes) throws IOException {
        engine.createVolume(id, sizeBytes);
        volumes.add(id);
    }

    void snapshot(String volumeId, String snapshotId) throws IOException {
        engine.createSnapshot(volumeId, snapshotId, fraction -> {});
        snapshots.add(snapshotId);
    }

    void volumeFromSnapshot(String volumeId, String snapshotId, long sizeBytes) throws IOException {
        engine.createVolumeFromSnapshot(volumeId, "", snapshotId, sizeBytes);
        volumes.add(volumeId);
    }

    String uri(String export) {
        return "nbd://127.0.0.1:" + server.port() + "/" + export;
    }

    NbdClient connect(String export) throws IOException {
        return NbdClient.connect("127.0.0.1", server.port(), export);
    }

    @Override
    public void close() throws IOException {
        server.close();
        engine.close();
    }
}
