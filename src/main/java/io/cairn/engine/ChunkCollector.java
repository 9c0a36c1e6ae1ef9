package io.cairn.engine;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the free slots at the end of the data file back to the file system: when asked, and every few seconds
 * on a virtual thread of its own, so that deleting volumes and snapshots frees disk space without an operator.
 */
final class ChunkCollector {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkCollector.class);
    private static final long INTERVAL_MILLIS = 5_000;

    private final LocalChunkEngine engine;
    private final Thread thread;

    ChunkCollector(LocalChunkEngine engine) {
        this.engine = engine;
        this.thread = Thread.ofVirtual().name("cairn-chunk-collector").unstarted(this::collectPeriodically);
    }

    void start() {
        thread.start();
    }

    void stop() {
        thread.interrupt();
    }

    /** Runs under the engine's commit lock, right after a commit has freed the slots released so far. */
    void trimLocked() throws IOException {
        engine.slots.trimTail(slotCount -> {
            engine.data.truncate(slotCount * engine.chunkSize);
            engine.data.force(true);
        });
    }

    private void collectPeriodically() {
        while (!engine.closed()) {
            try {
                Thread.sleep(INTERVAL_MILLIS);
                if (!engine.closed()) {
                    engine.collect();
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!engine.closed()) {
                    LOG.warn("chunk collection failed; will retry", e);
                }
            }
        }
    }
}
