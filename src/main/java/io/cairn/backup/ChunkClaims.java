package io.cairn.backup;

import java.io.IOException;
import java.util.Collection;

/**
 * The caller's record of which chunk objects a backup references, which it consults before it deletes a chunk: a
 * chunk is deleted only once no backup claims it.
 */
@FunctionalInterface
public interface ChunkClaims {
    /** The most hashes one call is given. */
    int BATCH = 1000;

    /**
     * Records, durably before returning, that the backup being written references each of these chunks (hashes, as in
     * {@link Manifest#chunks()}). The writer claims a chunk before it looks whether the object exists, so a deletion
     * that counts references from then on sees this backup's and leaves the object alone; it claims every chunk its
     * manifest will list, those it keeps from the parent too. Calls come one at a time, from the thread that called
     * {@link BackupRepository#write}, in batches of up to {@link #BATCH} hashes. Must be idempotent: a rerun of the
     * same backup claims its chunks again.
     *
     * @throws IOException to stop the write, which then fails with this exception and writes no manifest
     */
    void claim(Collection<String> hashes) throws IOException;
}
