package io.cairn.http;

import io.cairn.config.CairnConfig.FaultDialect;
import io.cairn.domain.CairnException;
import io.cairn.domain.ErrorCode;
import io.cairn.http.evs.EvsErrorCodes;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one place that turns a failure into a fault body: Cinder's, or EVS's when that dialect is configured. */
public final class Faults {
    public static final String GENERIC_400 =
            "The server could not comply with the request since it is either malformed or otherwise incorrect.";
    public static final String GENERIC_404 = "The resource could not be found.";
    public static final String GENERIC_500 =
            "The server has either erred or is incapable of performing the requested operation.";

    private Faults() {}

    /** EVS's form: {@code {"error": {"message": ..., "code": "EVS.5404"}}}, with EVS's status for the code. */
    public static ApiResponse of(CairnException fault, FaultDialect dialect) {
        return switch (dialect) {
            case CINDER -> of(fault);
            case EVS -> {
                EvsErrorCodes.EvsError evs = EvsErrorCodes.of(fault.code());
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("message", evs.message().orElse(fault.getMessage()));
                detail.put("code", evs.code());
                yield ApiResponse.json(evs.status(), ApiResponse.wrap("error", detail));
            }
        };
    }

    public static ApiResponse of(CairnException fault) {
        ErrorCode code = fault.code();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("code", code.status());
        detail.put("message", fault.getMessage());
        ApiResponse response = ApiResponse.json(code.status(), ApiResponse.wrap(code.faultName(), detail));
        if (code.status() == 413) {
            detail.put("retryAfter", "0");
            response = response.withHeader("Retry-After", "0");
        }
        return response;
    }

    public static CairnException internal() {
        return new CairnException(ErrorCode.INTERNAL, GENERIC_500);
    }

    public static CairnException notFound() {
        return new CairnException(ErrorCode.RESOURCE_NOT_FOUND, GENERIC_404);
    }

    public static CairnException malformedBody() {
        return new CairnException(ErrorCode.MALFORMED_REQUEST_BODY, "Malformed request body");
    }
}
