package io.cairn.backup;

import java.util.List;

/**
 * What a verification found.
 *
 * @param objectsChecked distinct chunk objects read
 * @param bytesRead their bytes
 * @param missing hashes of the chunks whose objects are gone
 * @param corrupt hashes of the chunks whose objects do not hold what their hash says
 */
public record VerifyReport(long objectsChecked, long bytesRead, List<String> missing, List<String> corrupt) {
    public VerifyReport {
        missing = List.copyOf(missing);
        corrupt = List.copyOf(corrupt);
    }

    /** Whether every object is there with its content intact. */
    public boolean intact() {
        return missing.isEmpty() && corrupt.isEmpty();
    }
}
