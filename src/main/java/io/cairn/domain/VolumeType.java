package io.cairn.domain;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/** A volume type: a named class of volumes, public or shared with chosen projects, with its extra specs. */
public record VolumeType(
        String id,
        String name,
        String description,
        boolean isPublic,
        Map<String, String> extraSpecs,
        Optional<String> qosSpecsId) {
    public VolumeType {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        extraSpecs = Map.copyOf(extraSpecs);
        requireNonNull(qosSpecsId, "qosSpecsId is null");
    }
}
