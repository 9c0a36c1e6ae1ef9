package io.cairn.service;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.GroupType;
import io.cairn.store.Database;
import io.cairn.store.GroupTypeStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/** Group types and their specs, with Cinder's rules: admins manage them, everyone sees the public ones. */
public final class GroupTypeService {
    private final Database database;
    private final GroupTypeStore types;
    private final Clock clock;

    public GroupTypeService(Database database, GroupTypeStore types, Clock clock) {
        this.database = database;
        this.types = types;
        this.clock = clock;
    }

    /**
     * Admins see every type (or those {@code isPublic} asks for); others the public ones. {@code sort} is Cinder's
     * {@code sort} parameter, {@code key[:direction]} with key {@code name} or {@code id}; by name when absent.
     */
    public List<GroupType> list(Caller caller, Optional<Boolean> isPublic, Optional<String> sort) {
        String[] parts = sort.orElse("name:asc").split(":", 2);
        Comparator<GroupType> order = switch (parts[0]) {
            case "name" -> Comparator.comparing(GroupType::name).thenComparing(GroupType::id);
            case "id" -> Comparator.comparing(GroupType::id);
            default -> throw CairnException.invalidInput("Invalid sort key " + parts[0] + " for group types");
        };
        String direction = parts.length > 1 ? parts[1] : "asc";
        if (!direction.equals("asc") && !direction.equals("desc")) {
            throw CairnException.invalidInput("Invalid sort direction " + direction);
        }
        List<GroupType> found = new ArrayList<>(types.list(caller.isAdmin() ? isPublic : Optional.of(true)));
        found.sort(direction.equals("asc") ? order : order.reversed());
        return found;
    }

    /** A type by id; a private one is found by admins only. */
    public GroupType get(Caller caller, String id) {
        return types.find(id)
                .filter(type -> type.isPublic() || caller.isAdmin())
                .orElseThrow(() -> CairnException.groupTypeNotFound(id));
    }

    /** Whether the caller sees types' specs. */
    public boolean showsSpecs(Caller caller) {
        return Policy.GROUP_TYPE_SPECS_ACCESS.allows(caller);
    }

    public GroupType create(
            Caller caller, String name, String description, boolean isPublic, Map<String, String> specs) {
        Policy.MANAGE_GROUP_TYPES.authorize(caller);
        GroupType type = new GroupType(UUID.randomUUID().toString(), name, description, isPublic, specs);
        Instant now = now();
        database.execute(tx -> {
            requireNameFree(tx, name);
            types.insert(tx, type, now);
        });
        return type;
    }

    /** Changes what is given (empty leaves it as it is); returns the type as it now is. */
    public GroupType update(
            Caller caller,
            String id,
            Optional<String> name,
            Optional<Optional<String>> description,
            Optional<Boolean> isPublic) {
        Policy.MANAGE_GROUP_TYPES.authorize(caller);
        if (name.isPresent() && name.get().strip().isEmpty()) {
            throw CairnException.badRequest("Group type name can not be empty.");
        }
        if (name.isEmpty() && description.isEmpty() && isPublic.isEmpty()) {
            throw CairnException.badRequest("Specify group type name, description or a combination thereof.");
        }
        Instant now = now();
        return database.transaction(tx -> {
            GroupType current = types.find(tx, id).orElseThrow(() -> CairnException.groupTypeNotFound(id));
            if (name.isPresent() && !name.get().equals(current.name())) {
                requireNameFree(tx, name.get());
            }
            types.update(
                    tx,
                    id,
                    name.orElse(current.name()),
                    description.isPresent() ? description.get().orElse(null) : current.description(),
                    isPublic.orElse(current.isPublic()),
                    now);
            return types.find(tx, id).orElseThrow();
        });
    }

    public void delete(Caller caller, String id) {
        Policy.MANAGE_GROUP_TYPES.authorize(caller);
        Instant now = now();
        database.execute(tx -> {
            requireType(tx, id);
            if (!types.deleteUnlessInUse(tx, id, now)) {
                throw CairnException.badRequest("Target group type is still in use.");
            }
        });
    }

    public Map<String, String> specs(Caller caller, String id) {
        Policy.MANAGE_GROUP_TYPE_SPECS.authorize(caller);
        return types.find(id)
                .orElseThrow(() -> CairnException.groupTypeNotFound(id))
                .specs();
    }

    /** Sets the given specs, keeping the others; returns those given. */
    public Map<String, String> setSpecs(Caller caller, String id, Map<String, String> specs) {
        Policy.MANAGE_GROUP_TYPE_SPECS.authorize(caller);
        database.execute(tx -> {
            requireType(tx, id);
            types.setSpecs(tx, id, specs);
        });
        return specs;
    }

    public String spec(Caller caller, String id, String key) {
        String value = specs(caller, id).get(key);
        if (value == null) {
            throw specNotFound(id, key);
        }
        return value;
    }

    public void deleteSpec(Caller caller, String id, String key) {
        Policy.MANAGE_GROUP_TYPE_SPECS.authorize(caller);
        database.execute(tx -> {
            requireType(tx, id);
            if (!types.deleteSpec(tx, id, key)) {
                throw specNotFound(id, key);
            }
        });
    }

    /** The type a group names: by id when it looks like a UUID, else by name, as Cinder's group create resolves it. */
    GroupType resolve(DSLContext tx, String idOrName) {
        if (idOrName.replace("-", "").matches("(?i)[0-9a-f]{32}")) {
            return types.find(tx, idOrName).orElseThrow(() -> CairnException.groupTypeNotFound(idOrName));
        }
        return types.findByName(tx, idOrName)
                .orElseThrow(() -> new CairnException(
                        ErrorCode.GROUP_TYPE_NOT_FOUND, "Group type with name " + idOrName + " could not be found."));
    }

    private void requireType(DSLContext tx, String id) {
        if (types.find(tx, id).isEmpty()) {
            throw CairnException.groupTypeNotFound(id);
        }
    }

    private void requireNameFree(DSLContext tx, String name) {
        types.findByName(tx, name).ifPresent(existing -> {
            throw new CairnException(ErrorCode.GROUP_TYPE_EXISTS, "Group Type " + name + " already exists.");
        });
    }

    private static CairnException specNotFound(String id, String key) {
        return new CairnException(
                ErrorCode.GROUP_TYPE_SPECS_NOT_FOUND, "Group Type " + id + " has no specs with key " + key + ".");
    }

    private Instant now() {
        return Lookup.now(clock);
    }
}
