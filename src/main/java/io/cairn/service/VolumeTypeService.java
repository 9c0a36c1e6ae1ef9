package io.cairn.service;

import io.cairn.compat.OsloBoolean;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.VolumeType;
import io.cairn.domain.VolumeTypes;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Volume types as clients read them. Cairn has the one type Cinder creates at install, {@code __DEFAULT__}. */
public final class VolumeTypeService {
    private static final VolumeType DEFAULT = new VolumeType(
            VolumeTypes.DEFAULT_ID,
            VolumeTypes.DEFAULT_NAME,
            VolumeTypes.DEFAULT_DESCRIPTION,
            true,
            Map.of(),
            Optional.empty());
    private static final List<VolumeType> TYPES = List.of(DEFAULT);

    /** Which optional parts of a type the caller may see, per Cinder's view policies. */
    public record Visibility(boolean extraSpecs, boolean qosSpecsId, boolean access) {}

    /**
     * The types the caller may list. Non-admins see public types only; an admin's {@code is_public} picks
     * public (absent), private ({@code false}) or all ({@code none}).
     */
    public List<VolumeType> list(Caller caller, Optional<String> isPublic) {
        Policy.GET_ALL_VOLUME_TYPES.authorize(caller);
        Optional<Boolean> wantedIsPublic = caller.isAdmin() ? parseIsPublic(isPublic) : Optional.of(true);
        return TYPES.stream()
                .filter(type -> wantedIsPublic.isEmpty() || type.isPublic() == wantedIsPublic.get())
                .toList();
    }

    /** A type by id; one the caller may not see is not found, and the policy is checked after the lookup. */
    public VolumeType get(Caller caller, String id) {
        VolumeType type = TYPES.stream()
                .filter(t -> t.id().equals(id) && (t.isPublic() || caller.isAdmin()))
                .findFirst()
                .orElseThrow(() -> new CairnException(
                        ErrorCode.VOLUME_TYPE_NOT_FOUND, "Volume type " + id + " could not be found."));
        Policy.GET_VOLUME_TYPE.authorize(caller);
        return type;
    }

    /** The type new volumes get when they name none. */
    public VolumeType getDefault(Caller caller) {
        Policy.GET_VOLUME_TYPE.authorize(caller);
        return DEFAULT;
    }

    public Visibility visibility(Caller caller) {
        return new Visibility(
                Policy.VOLUME_TYPE_EXTRA_SPECS.allows(caller),
                Policy.VOLUME_TYPE_QOS_SPECS_ID.allows(caller),
                Policy.VOLUME_TYPE_ACCESS.allows(caller));
    }

    /** The {@code is_public} value to match, or empty to match every type. */
    private static Optional<Boolean> parseIsPublic(Optional<String> isPublic) {
        if (isPublic.isEmpty()) {
            return Optional.of(true);
        }
        if (isPublic.get().toLowerCase(Locale.ROOT).equals("none")) {
            return Optional.empty();
        }
        return Optional.of(OsloBoolean.fromString(isPublic.get())
                .orElseThrow(() -> new CairnException(
                        ErrorCode.INVALID_INPUT, "Invalid is_public filter [" + isPublic.get() + "]")));
    }
}
