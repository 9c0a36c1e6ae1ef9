package io.cairn.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Group snapshot statuses as Cinder names them, and Cairn's {@code restoring} (its group being reverted to it). */
public enum GroupSnapshotStatus implements WireStatus {
    ERROR("error"),
    AVAILABLE("available"),
    CREATING("creating"),
    DELETING("deleting"),
    DELETED("deleted"),
    UPDATING("updating"),
    ERROR_DELETING("error_deleting"),
    RESTORING("restoring");

    private final String wire;

    GroupSnapshotStatus(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    /** Finds a status by its wire name, ignoring case as Cinder's reset_status does. */
    public static Optional<GroupSnapshotStatus> parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.wire.equals(lower)).findFirst();
    }

    public static GroupSnapshotStatus fromWire(String text) {
        return parse(text).orElseThrow(() -> new IllegalStateException("unknown group snapshot status " + text));
    }
}
