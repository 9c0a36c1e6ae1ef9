package io.cairn.backup;

import static java.util.Objects.requireNonNull;

/**
 * A backup written.
 *
 * @param chunksUploaded chunk objects this write uploaded: those the container did not have yet
 * @param bytesUploaded their bytes, the manifest not counted
 * @param bytesRead bytes read from the device: the chunks the changed extents touch
 */
public record WriteResult(Manifest manifest, long chunksUploaded, long bytesUploaded, long bytesRead) {
    public WriteResult {
        requireNonNull(manifest, "manifest is null");
    }
}
