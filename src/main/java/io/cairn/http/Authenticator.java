package io.cairn.http;

import io.cairn.domain.Caller;
import java.util.function.Function;

/**
 * Turns a request's credentials into a {@link Caller}. Throws a {@code CairnException} (401, 503, ...) when it
 * cannot, or an {@link ApiServer.EarlyResponse} when the protocol answers without reaching the API.
 */
public interface Authenticator {
    Caller authenticate(Function<String, String> headers);

    /** Authenticates from the whole request; only request signatures need more than the headers. */
    default Caller authenticate(AuthRequest request) {
        return authenticate(request.headers());
    }
}
