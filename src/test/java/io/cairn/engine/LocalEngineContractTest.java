package io.cairn.engine;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LocalEngineContractTest extends StorageEngineContract {
    @TempDir
    Path directory;

    @Override
    protected Engine openEngine() throws IOException {
        return LocalChunkEngine.open(directory, LocalChunkEngine.DEFAULT_CHUNK_SIZE);
    }
}
