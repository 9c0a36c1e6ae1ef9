package io.cairn.backup;

/** Reports how far a backup, restore or verification has come. */
@FunctionalInterface
public interface Progress {
    /**
     * Called as chunks are done, with the counts so far; calls never overlap, but may come from threads other than the
     * caller's, so an implementation that writes somewhere should throttle.
     *
     * @param chunksDone chunks done so far, of {@code chunksTotal}
     * @param bytesTransferred bytes uploaded (backup) or downloaded (restore, verification) so far
     */
    void update(long chunksDone, long chunksTotal, long bytesTransferred);

    /** Progress nobody follows. */
    static Progress none() {
        return (chunksDone, chunksTotal, bytesTransferred) -> {};
    }
}
