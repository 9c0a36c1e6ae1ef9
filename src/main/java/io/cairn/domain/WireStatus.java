package io.cairn.domain;

/** A status with the name the wire and the database give it. */
public interface WireStatus {
    String wire();
}
