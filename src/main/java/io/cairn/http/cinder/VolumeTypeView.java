package io.cairn.http.cinder;

import io.cairn.domain.VolumeType;
import io.cairn.service.VolumeTypeService;
import java.util.LinkedHashMap;
import java.util.Map;

/** A volume type as Cinder's v3 view and its type-access extension render it. */
final class VolumeTypeView {
    private VolumeTypeView() {}

    /** @param withAccessFlag whether the type-access extension adds its {@code is_public} copy */
    static Map<String, Object> of(VolumeType type, VolumeTypeService.Visibility visibility, boolean withAccessFlag) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", type.id());
        view.put("name", type.name());
        view.put("is_public", type.isPublic());
        view.put("description", type.description());
        if (visibility.extraSpecs()) {
            view.put("extra_specs", new LinkedHashMap<>(type.extraSpecs()));
        }
        if (visibility.qosSpecsId()) {
            view.put("qos_specs_id", type.qosSpecsId().orElse(null));
        }
        if (withAccessFlag && visibility.access()) {
            view.put("os-volume-type-access:is_public", type.isPublic());
        }
        return view;
    }

    /**
     * What a create answers: Cinder's types_manage renders the type with its older view (every field, extra specs
     * included, no {@code qos_specs_id}), to which the type-access extension adds its flag.
     */
    static Map<String, Object> created(VolumeType type) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", type.id());
        view.put("name", type.name());
        view.put("is_public", type.isPublic());
        view.put("extra_specs", new LinkedHashMap<>(type.extraSpecs()));
        view.put("description", type.description());
        view.put("os-volume-type-access:is_public", type.isPublic());
        return view;
    }
}
