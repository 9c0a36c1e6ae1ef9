package io.cairn.domain;

import java.util.Arrays;
import java.util.Optional;

/** The statuses of an EVS snapshot group, as EVS names them; {@code deleted} is a removed row's. */
public enum SnapshotGroupStatus implements WireStatus {
    CREATING("creating"),
    AVAILABLE("available"),
    ERROR("error"),
    DELETING("deleting"),
    ERROR_DELETING("error_deleting"),
    DELETED("deleted");

    /** A group may be deleted from these, as a snapshot may. */
    public static final java.util.Set<SnapshotGroupStatus> DELETABLE = java.util.EnumSet.of(AVAILABLE, ERROR);

    private final String wire;

    SnapshotGroupStatus(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    public static Optional<SnapshotGroupStatus> parse(String text) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(text)).findFirst();
    }

    public static SnapshotGroupStatus fromWire(String text) {
        return parse(text).orElseThrow(() -> new IllegalStateException("unknown snapshot group status " + text));
    }
}
