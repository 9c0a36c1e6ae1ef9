package io.cairn.domain;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a snapshot ingest's row says. Every change is from {@link #OPEN} to one of the ends, as one compare-and-set,
 * so an ingest is completed, aborted or expired once, by whichever request or node gets there first. While it is
 * open, its staging volume's status says more (creating, maintenance, error): see {@link SnapshotIngest#status(java.util.Optional)}.
 */
public enum SnapshotIngestStatus {
    OPEN("open"),
    /** The snapshot was taken of the staging volume (its own status says when it is available). */
    COMPLETED("completed"),
    /** Deleted by its client: the staging volume is deleted. */
    ABORTED("aborted"),
    /** Not completed within its timeout of the last start or put: the staging volume is deleted. */
    EXPIRED("expired");

    private final String wire;

    SnapshotIngestStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<SnapshotIngestStatus> parse(String text) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(text)).findFirst();
    }

    public static SnapshotIngestStatus fromWire(String text) {
        return parse(text).orElseThrow(() -> new IllegalStateException("unknown ingest status " + text));
    }
}
