package io.cairn.http;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.Caller;
import io.cairn.http.schema.JsonSchema;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** One authenticated, version-negotiated API request, as resources see it. */
public final class ApiRequest {
    private final Caller caller;
    private final ApiVersion version;
    private final Optional<String> urlProject;
    private final Map<String, String> params;
    private final List<Map.Entry<String, String>> query;
    private final Function<String, String> headers;
    private final byte[] body;
    private final String applicationUrl;

    ApiRequest(
            Caller caller,
            ApiVersion version,
            Optional<String> urlProject,
            Map<String, String> params,
            List<Map.Entry<String, String>> query,
            Function<String, String> headers,
            byte[] body,
            String applicationUrl) {
        this.caller = caller;
        this.version = version;
        this.urlProject = urlProject;
        this.params = params;
        this.query = query;
        this.headers = headers;
        this.body = body;
        this.applicationUrl = applicationUrl;
    }

    public Caller caller() {
        return caller;
    }

    public ApiVersion version() {
        return version;
    }

    /** A path parameter of the matched route. */
    public String param(String name) {
        return params.get(name);
    }

    /** The query parameters in request order, decoded. */
    public List<Map.Entry<String, String>> query() {
        return query;
    }

    public Optional<String> queryValue(String name) {
        Optional<String> value = Optional.empty();
        for (Map.Entry<String, String> entry : query) {
            if (entry.getKey().equals(name)) {
                value = Optional.of(entry.getValue());
            }
        }
        return value;
    }

    public String header(String name) {
        return headers.apply(name);
    }

    /**
     * The API's base for links: {@code http://host:port/v3} (the forwarded host when a proxy sent one), then
     * the project segment when the request URL had one.
     */
    public String collectionUrl(String collection) {
        return applicationUrl + urlProject.map(p -> "/" + p).orElse("") + "/" + collection;
    }

    /** The body's bytes as sent, whatever its media type (a block of snapshot data). */
    public byte[] rawBody() {
        return body.clone();
    }

    /** The JSON body, checked against the schema; the media-type, parse and schema errors are Cinder's 4xx. */
    public JsonNode body(JsonSchema schema) {
        JsonNode node = body();
        schema.validate(node);
        return node;
    }

    /** The JSON body, unvalidated. */
    public JsonNode body() {
        String contentType = headers.apply("Content-Type");
        if (body.length == 0) {
            throw Faults.malformedBody();
        }
        // Without a Content-Type Cinder hands the controller no body and fails with a 500; the fitting 4xx is
        // the one it gives for any other media type.
        String mediaType =
                contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json") && !mediaType.equals("application/vnd.openstack.volume+json")) {
            throw new io.cairn.domain.CairnException(
                    io.cairn.domain.ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Unsupported Content-Type");
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            JsonNode node = Json.MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw Faults.malformedBody();
            }
            if (Json.holdsNul(node)) {
                throw io.cairn.domain.CairnException.invalidInput("the body holds a NUL character (U+0000).");
            }
            return node;
        } catch (CharacterCodingException | JacksonException e) {
            throw Faults.malformedBody();
        }
    }
}
