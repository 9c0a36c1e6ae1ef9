package io.cairn.http.aksk;

import static java.util.Objects.requireNonNull;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.http.AuthRequest;
import io.cairn.http.Authenticator;
import io.cairn.service.AccessKeyService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies Huawei Cloud AK/SK signatures (SDK-HMAC-SHA256), as the API gateway in front of EVS does: the
 * {@code X-Sdk-Date} within 15 minutes of the server's clock, the signature recomputed from the request
 * with the access key's secret, {@code X-Project-Id} (which the SDK sends) naming the key's own project,
 * and each signature of a state-changing request accepted once: the same signed POST, PUT, PATCH or DELETE
 * sent again within its window is a replay and refused.
 *
 * <p>Reads are exempt from the replay check: the SDK dates signatures to the second and sends no nonce,
 * so two identical reads within one second (a show right after an update, a tight poll) carry the same
 * signature, and refusing the second would break ordinary clients. A replayed read changes nothing.
 */
public final class AkSkAuth implements Authenticator {
    public static final Duration CLOCK_WINDOW = Duration.ofMinutes(15);
    private static final DateTimeFormatter SDK_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "SDK-HMAC-SHA256\\s+Access=([^,\\s]+),\\s*SignedHeaders=([^,\\s]+),\\s*Signature=([0-9a-fA-F]{64})\\s*");
    private static final String REJECTED = "The request signature could not be verified.";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final AccessKeyService accessKeys;
    private final Clock clock;

    public AkSkAuth(AccessKeyService accessKeys, Clock clock) {
        this.accessKeys = requireNonNull(accessKeys, "accessKeys is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Whether a request carries an AK/SK signature (and so belongs to this authenticator). */
    public static boolean isSigned(Function<String, String> headers) {
        String authorization = headers.apply("Authorization");
        return authorization != null
                && authorization.regionMatches(
                        true, 0, SdkHmacSha256.ALGORITHM + " ", 0, SdkHmacSha256.ALGORITHM.length() + 1);
    }

    @Override
    public Caller authenticate(AuthRequest request) {
        String authorization = request.header("Authorization");
        Matcher parts = authorization == null ? null : AUTHORIZATION.matcher(authorization);
        if (parts == null || !parts.matches()) {
            throw rejected(
                    "The Authorization header is not SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=....");
        }
        String accessKey = parts.group(1);
        List<String> signedHeaders =
                Arrays.asList(parts.group(2).toLowerCase(Locale.ROOT).split(";"));
        String signature = parts.group(3).toLowerCase(Locale.ROOT);
        // The date must be signed, or the clock window and the replay record would protect nothing.
        if (!signedHeaders.contains("x-sdk-date") || !signedHeaders.contains("host")) {
            throw rejected("SignedHeaders must include host and x-sdk-date.");
        }
        String sdkDate = request.header("X-Sdk-Date");
        Instant signedAt = parseDate(sdkDate);
        Instant now = clock.instant();
        if (Duration.between(signedAt, now).abs().compareTo(CLOCK_WINDOW) > 0) {
            throw new CairnException(
                    ErrorCode.SIGNATURE_EXPIRED,
                    "Signature expired: X-Sdk-Date " + sdkDate + " is more than 15 minutes from the server's time "
                            + SDK_DATE.format(now.atOffset(ZoneOffset.UTC)) + ".");
        }
        AccessKeyService.Credential credential = accessKeys.find(accessKey).orElseThrow(() -> rejected(REJECTED));
        String payloadHash = payloadHash(request);
        // Which order a client's signer gave a repeated query name's values is not in the request: either verifies.
        Set<String> canonicals = new LinkedHashSet<>();
        try {
            for (SdkHmacSha256.RepeatedValues order : SdkHmacSha256.RepeatedValues.values()) {
                canonicals.add(SdkHmacSha256.canonicalRequest(
                        request.method(),
                        request.rawPath(),
                        request.rawQuery(),
                        order,
                        signedHeaders,
                        request.headers(),
                        payloadHash));
            }
        } catch (IllegalArgumentException e) {
            throw rejected(e.getMessage() + ".");
        }
        boolean verified = canonicals.stream()
                .map(canonical ->
                        SdkHmacSha256.signature(credential.secret(), SdkHmacSha256.stringToSign(sdkDate, canonical)))
                .anyMatch(expected -> MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII)));
        if (!verified) {
            throw rejected(REJECTED);
        }
        String projectHeader = request.header("X-Project-Id");
        if (projectHeader != null && !projectHeader.equals(credential.key().projectId())) {
            throw new CairnException(
                    ErrorCode.PROJECT_MISMATCH, "X-Project-Id " + projectHeader + " is not the access key's project.");
        }
        // Recorded only once verified, so unsigned noise cannot fill the record; kept while the date is acceptable.
        if (!SAFE_METHODS.contains(request.method()) && !accessKeys.firstUse(signature, signedAt.plus(CLOCK_WINDOW))) {
            throw rejected("This signed request was already received; a replay is refused (sign each request anew).");
        }
        return credential.key().caller();
    }

    /** The SDK's payload hash: X-Sdk-Content-Sha256 when sent (checked against the body), else the body's SHA-256. */
    private static String payloadHash(AuthRequest request) {
        String actual =
                request.body().length == 0 ? SdkHmacSha256.EMPTY_BODY_SHA256 : SdkHmacSha256.sha256Hex(request.body());
        String declared = request.header("X-Sdk-Content-Sha256");
        if (declared == null) {
            return actual;
        }
        // UNSIGNED-PAYLOAD leaves the body unprotected, so it is accepted only where there is no body to protect.
        boolean honest =
                declared.equals("UNSIGNED-PAYLOAD") ? request.body().length == 0 : declared.equalsIgnoreCase(actual);
        if (!honest) {
            throw rejected("X-Sdk-Content-Sha256 does not match the body.");
        }
        return declared;
    }

    private static Instant parseDate(String sdkDate) {
        if (sdkDate == null) {
            throw rejected("X-Sdk-Date is missing.");
        }
        try {
            return LocalDateTime.parse(sdkDate, SDK_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw rejected("X-Sdk-Date is not of the form yyyyMMddTHHmmssZ.");
        }
    }

    private static CairnException rejected(String message) {
        return new CairnException(ErrorCode.SIGNATURE_REJECTED, message);
    }
}
