package io.cairn.engine.nbd;

import io.cairn.config.CairnConfig;
import io.cairn.engine.LocalChunkEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A chunk engine in a directory with an NBD server in front of it. Its export policy stands in for the
 * control plane: every volume is writable, every snapshot taken through the fixture read-only, and a volume's
 * snapshots are its dirty bitmaps in the order taken.
 */
final class NbdFixture implements AutoCloseable {
    final LocalChunkEngine engine;
    final NbdServer server;
    private final Set<String> volumes = ConcurrentHashMap.newKeySet();
    /** Snapshot id to its volume's, in the order taken. */
    private final Map<String, String> snapshots = Collections.synchronizedMap(new LinkedHashMap<>());

    NbdFixture(Path directory, int chunkSize) throws IOException {
        engine = LocalChunkEngine.open(directory, chunkSize);
        server = new NbdServer(
                        engine,
                        new ExportPolicy() {
                            @Override
                            public Optional<Export> resolve(String name, Reach reach) {
                                if (volumes.contains(name)) {
                                    return Optional.of(Export.volume(name, true));
                                }
                                return Optional.ofNullable(snapshots.get(name))
                                        .map(volume -> Export.snapshot(volume, name));
                            }

                            @Override
                            public List<String> list(Reach reach) {
                                List<String> names = new ArrayList<>(volumes);
                                names.addAll(snapshots.keySet());
                                return names;
                            }

                            @Override
                            public List<String> bitmapSnapshots(Export export) {
                                List<String> older = new ArrayList<>();
                                synchronized (snapshots) {
                                    for (Map.Entry<String, String> snapshot : snapshots.entrySet()) {
                                        if (export.snapshotId().equals(Optional.of(snapshot.getKey()))) {
                                            break;
                                        }
                                        if (snapshot.getValue().equals(export.volumeId())) {
                                            older.add(snapshot.getKey());
                                        }
                                    }
                                }
                                return older;
                            }

                            @Override
                            public Optional<Credential> credential(String identity) {
                                return Optional.empty();
                            }
                        },
                        CairnConfig.NbdTls.OFF)
                .start("127.0.0.1", 0);
    }

    void createVolume(String id, long sizeBytes) throws IOException {
        engine.createVolume(id, sizeBytes);
        volumes.add(id);
    }

    void snapshot(String volumeId, String snapshotId) throws IOException {
        engine.createSnapshot(volumeId, snapshotId, fraction -> {});
        snapshots.put(snapshotId, volumeId);
    }

    void volumeFromSnapshot(String volumeId, String snapshotId, long sizeBytes) throws IOException {
        engine.createVolumeFromSnapshot(volumeId, snapshots.get(snapshotId), snapshotId, sizeBytes);
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
