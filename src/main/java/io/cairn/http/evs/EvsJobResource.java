package io.cairn.http.evs;

import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Router;
import io.cairn.service.EvsJobService;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** EVS's job query, {@code GET /v2/{project_id}/jobs/{job_id}}, which the v5 API's callers poll. */
public final class EvsJobResource {
    /** EVS's job times: UTC, milliseconds, a Z. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final EvsJobService jobs;

    public EvsJobResource(EvsJobService jobs) {
        this.jobs = jobs;
    }

    /** The route, for the v2 router. */
    public void register(Router v2) {
        v2.add("GET", "jobs/{job_id}", this::show);
    }

    private ApiResponse show(ApiRequest request) {
        EvsJobService.Job job = jobs.get(request.caller(), request.param("job_id"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", job.status().name());
        body.put("entities", job.entities().asMap());
        body.put("job_id", job.id());
        body.put("job_type", job.type().wire());
        body.put("begin_time", time(job.beganAt()));
        body.put("end_time", job.endedAt().map(EvsJobResource::time).orElse(null));
        body.put("error_code", job.failReason().map(reason -> "EVS.5500").orElse(null));
        body.put("fail_reason", job.failReason().orElse(null));
        return ApiResponse.ok(body);
    }

    private static String time(Instant instant) {
        return TIME.format(instant);
    }
}
