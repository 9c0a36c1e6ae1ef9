package io.cairn.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Group statuses as Cinder names them, and Cairn's {@code reverting} (every member being reverted at once). */
public enum GroupStatus implements WireStatus {
    ERROR("error"),
    AVAILABLE("available"),
    CREATING("creating"),
    DELETING("deleting"),
    DELETED("deleted"),
    UPDATING("updating"),
    IN_USE("in-use"),
    ERROR_DELETING("error_deleting"),
    REVERTING("reverting");

    private final String wire;

    GroupStatus(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    /** Finds a status by its wire name, ignoring case as Cinder's reset_status does. */
    public static Optional<GroupStatus> parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.wire.equals(lower)).findFirst();
    }

    public static GroupStatus fromWire(String text) {
        return parse(text).orElseThrow(() -> new IllegalStateException("unknown group status " + text));
    }
}
