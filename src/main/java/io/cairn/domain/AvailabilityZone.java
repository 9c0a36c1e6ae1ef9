package io.cairn.domain;

import static java.util.Objects.requireNonNull;

/** An availability zone of the volume service; it is available unless every backend in it is disabled. */
public record AvailabilityZone(String name, boolean available) {
    public AvailabilityZone {
        requireNonNull(name, "name is null");
    }
}
