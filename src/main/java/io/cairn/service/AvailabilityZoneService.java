package io.cairn.service;

import io.cairn.domain.AvailabilityZone;
import java.util.List;

/** The availability zones volumes can be created in: this node's backend is the one zone, always enabled. */
public final class AvailabilityZoneService {
    private static final List<AvailabilityZone> ZONES =
            List.of(new AvailabilityZone(VolumeService.DEFAULT_AVAILABILITY_ZONE, true));

    /** Every zone; Cinder checks no policy here. */
    public List<AvailabilityZone> list() {
        return ZONES;
    }
}
