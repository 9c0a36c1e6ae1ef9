package io.cairn.http.aksk;

import static java.util.Objects.requireNonNull;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.http.AuthRequest;
import io.cairn.http.Authenticator;

/**
 * {@code auth=<token mode>,aksk}: a request whose Authorization header is an SDK-HMAC-SHA256 signature is
 * verified as one; every other request goes to the token mode (noauth or Keystone), or, with
 * {@code auth=aksk} alone, is refused.
 */
public final class SignatureOrToken implements Authenticator {
    private final AkSkAuth signatures;
    private final Authenticator tokens;

    private SignatureOrToken(AkSkAuth signatures, Authenticator tokens) {
        this.signatures = requireNonNull(signatures, "signatures is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
    }

    /** Signed requests to {@code signatures}, others to {@code tokens}. */
    public static Authenticator combine(AkSkAuth signatures, Authenticator tokens) {
        return new SignatureOrToken(signatures, tokens);
    }

    /** Signed requests only. */
    public static Authenticator signaturesOnly(AkSkAuth signatures) {
        return new SignatureOrToken(signatures, request -> {
            throw new CairnException(
                    ErrorCode.UNAUTHORIZED,
                    "Authentication required: sign requests with an access key (" + SdkHmacSha256.ALGORITHM + ").");
        });
    }

    @Override
    public Caller authenticate(AuthRequest request) {
        return AkSkAuth.isSigned(request.headers()) ? signatures.authenticate(request) : tokens.authenticate(request);
    }

    /** A request without a token is not signed either, so the token mode answers it. */
    @Override
    public boolean answersRequestsWithoutToken() {
        return tokens.answersRequestsWithoutToken();
    }
}
