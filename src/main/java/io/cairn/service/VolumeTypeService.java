package io.cairn.service;

import io.cairn.compat.OsloBoolean;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.VolumeType;
import io.cairn.domain.VolumeTypes;
import io.cairn.store.Database;
import io.cairn.store.VolumeTypeStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/**
 * Volume types: the one Cinder creates at install, {@code __DEFAULT__}, and those an admin creates (and deletes while
 * no volume or group has them). Every type's volumes live on the one backend.
 */
public final class VolumeTypeService {
    private static final VolumeType DEFAULT = new VolumeType(
            VolumeTypes.DEFAULT_ID,
            VolumeTypes.DEFAULT_NAME,
            VolumeTypes.DEFAULT_DESCRIPTION,
            true,
            Map.of(),
            Optional.empty());

    private final Database database;
    private final VolumeTypeStore store;
    private final Clock clock;

    public VolumeTypeService(Database database, VolumeTypeStore store, Clock clock) {
        this.database = database;
        this.store = store;
        this.clock = clock;
    }

    /** Which optional parts of a type the caller may see, per Cinder's view policies. */
    public record Visibility(boolean extraSpecs, boolean qosSpecsId, boolean access) {}

    /**
     * The types the caller may list. Non-admins see public types only; an admin's {@code is_public} picks
     * public (absent), private ({@code false}) or all ({@code none}).
     */
    public List<VolumeType> list(Caller caller, Optional<String> isPublic) {
        Policy.GET_ALL_VOLUME_TYPES.authorize(caller);
        Optional<Boolean> wantedIsPublic = caller.isAdmin() ? parseIsPublic(isPublic) : Optional.of(true);
        return all().stream()
                .filter(type -> wantedIsPublic.isEmpty() || type.isPublic() == wantedIsPublic.get())
                .toList();
    }

    /** A type by id; one the caller may not see is not found, and the policy is checked after the lookup. */
    public VolumeType get(Caller caller, String id) {
        VolumeType type = all().stream()
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

    /** Creates a type (Cinder's types_manage); its name must be new. */
    public VolumeType create(
            Caller caller, String name, String description, boolean isPublic, Map<String, String> extraSpecs) {
        Policy.CREATE_VOLUME_TYPE.authorize(caller);
        VolumeType type =
                new VolumeType(UUID.randomUUID().toString(), name, description, isPublic, extraSpecs, Optional.empty());
        Instant now = Lookup.now(clock);
        database.execute(tx -> {
            if (name.equals(VolumeTypes.DEFAULT_NAME)
                    || store.findByName(tx, name).isPresent()) {
                throw new CairnException(ErrorCode.VOLUME_TYPE_EXISTS, "Volume Type " + name + " already exists.");
            }
            store.insert(tx, type, now);
        });
        return type;
    }

    /** Deletes a created type no live volume or group has; the default type stays. */
    public void delete(Caller caller, String id) {
        Policy.DELETE_VOLUME_TYPE.authorize(caller);
        if (id.equals(VolumeTypes.DEFAULT_ID)) {
            throw CairnException.badRequest("Default volume type can not be deleted.");
        }
        Instant now = Lookup.now(clock);
        database.execute(tx -> {
            if (store.find(tx, id).isEmpty()) {
                throw notFound(id);
            }
            if (!store.deleteUnlessInUse(tx, id, now)) {
                throw CairnException.badRequest("Target volume type is still in use.");
            }
        });
    }

    /**
     * The id of the type a request of {@code caller} names by id or name, in {@code tx}; the default type's for none.
     * Anything else is not found as Cinder says it, and so is a private type for all but admins (types have no access
     * lists here).
     */
    String resolve(DSLContext tx, Caller caller, String requested) {
        if (requested == null
                || requested.equals(VolumeTypes.DEFAULT_ID)
                || requested.equals(VolumeTypes.DEFAULT_NAME)) {
            return VolumeTypes.DEFAULT_ID;
        }
        boolean uuidLike = requested.replace("-", "").matches("(?i)[0-9a-f]{32}");
        Optional<VolumeType> stored = (uuidLike ? store.find(tx, requested) : store.findByName(tx, requested))
                .filter(type -> type.isPublic() || caller.isAdmin());
        return stored.map(VolumeType::id)
                .orElseThrow(() -> uuidLike
                        ? notFound(requested)
                        : new CairnException(
                                ErrorCode.VOLUME_TYPE_NOT_FOUND,
                                "Volume type with name " + requested + " could not be found."));
    }

    private List<VolumeType> all() {
        List<VolumeType> all = new ArrayList<>();
        all.add(DEFAULT);
        all.addAll(store.list());
        return all;
    }

    private static CairnException notFound(String id) {
        return new CairnException(ErrorCode.VOLUME_TYPE_NOT_FOUND, "Volume type " + id + " could not be found.");
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
