package io.cairn.backup;

import static java.util.Objects.requireNonNull;

/** Counts chunks done and bytes moved for a {@link Progress}, from any thread, one report at a time. */
final class ProgressCounter {
    private final Progress progress;
    private final long total;
    private long done;
    private long bytes;

    ProgressCounter(Progress progress, long total) {
        this.progress = requireNonNull(progress, "progress is null");
        this.total = total;
    }

    /** One more chunk done, which moved {@code bytesTransferred} bytes. */
    synchronized void chunkDone(long bytesTransferred) {
        done++;
        bytes += bytesTransferred;
        progress.update(done, total, bytes);
    }
}
