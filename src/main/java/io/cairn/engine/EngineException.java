package io.cairn.engine;

import java.io.IOException;

/** A refusal by the engine, with a reason callers can act on (the NBD server maps each to an errno). */
public final class EngineException extends IOException {
    public enum Reason {
        /** No volume or snapshot has this id. */
        NOT_FOUND,
        /** The request reaches past the end of the device, or has a negative offset or length. */
        OUT_OF_RANGE,
        /** A write to a snapshot or to a device opened read-only. */
        READ_ONLY,
        /** The device was deleted or reverted since it was opened; open it again. */
        STALE,
        /** The id cannot name a volume or snapshot. */
        INVALID_ID,
        /** Other data depends on it (a snapshot with volumes cloned from it): Cinder's "is busy". */
        BUSY,
        /** The storage cluster does not answer in time. */
        UNAVAILABLE
    }

    private final Reason reason;

    public EngineException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
