package io.cairn.domain;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Backup statuses as Cinder names them. */
public enum BackupStatus {
    ERROR("error"),
    ERROR_DELETING("error_deleting"),
    CREATING("creating"),
    AVAILABLE("available"),
    DELETING("deleting"),
    DELETED("deleted"),
    RESTORING("restoring");

    private final String wire;

    BackupStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<BackupStatus> parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.wire.equals(lower)).findFirst();
    }

    public static BackupStatus fromWire(String text) {
        return parse(text).orElseThrow(() -> new IllegalStateException("unknown backup status " + text));
    }

    /** Every status by wire name, in Cinder's order. */
    public static List<String> wires() {
        return Arrays.stream(values()).map(BackupStatus::wire).toList();
    }
}
