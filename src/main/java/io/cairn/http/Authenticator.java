package io.cairn.http;

import io.cairn.domain.Caller;

/**
 * Turns a request's credentials into a {@link Caller}. Throws a {@code CairnException} (401, 503, ...) when it
 * cannot, or an {@link ApiServer.EarlyResponse} when the protocol answers without reaching the API.
 */
public interface Authenticator {
    Caller authenticate(AuthRequest request);

    /**
     * Whether this mode answers a request without a token itself, even at the version root ({@code /v3},
     * {@code /v3/}): Cinder's noauth stands in front of every {@code /v3} path. In the other modes the version
     * root serves such a request, since discovery (keystoneauth, openstacksdk) may come before a token.
     */
    default boolean answersRequestsWithoutToken() {
        return false;
    }
}
