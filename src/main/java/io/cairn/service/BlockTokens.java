package io.cairn.service;

import static java.util.Objects.requireNonNull;

import io.cairn.domain.CairnException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks the tokens of direct snapshot access: a block token names one block of one snapshot, a page token
 * where a listing goes on. A token is its claims in clear text and their HMAC-SHA256, both base64url: a client cannot
 * forge or alter one, and the service tells from the claims why a genuine token does not fit a request. Whether the
 * claims fit (project, snapshot, index, expiry) is the caller's to check; this class only proves they are ours.
 */
public final class BlockTokens {
    private static final String VERSION = "1";
    private static final String SEPARATOR = "|";
    /** The label the token key is derived under, so that the secret-key's other use never meets this one. */
    private static final byte[] DERIVATION_LABEL = "cairn snapshot block tokens v1".getBytes(StandardCharsets.UTF_8);

    /** What a token grants: a block of a snapshot, or the rest of a listing from a block index on. */
    public enum Kind {
        BLOCK,
        PAGE
    }

    /**
     * The claims of a token.
     *
     * @param fromSnapshotId the older snapshot of a changed-blocks listing, empty for blocks and block tokens
     */
    public record Claims(
            Kind kind,
            String projectId,
            String snapshotId,
            Optional<String> fromSnapshotId,
            long blockIndex,
            Instant expiry) {
        public Claims {
            requireNonNull(kind, "kind is null");
            requireNonNull(projectId, "projectId is null");
            requireNonNull(snapshotId, "snapshotId is null");
            requireNonNull(fromSnapshotId, "fromSnapshotId is null");
            requireNonNull(expiry, "expiry is null");
        }
    }

    private final SecretKeySpec key;

    private BlockTokens(byte[] key) {
        this.key = HmacSha256.key(key);
    }

    /**
     * Tokens under a key derived from the configured secret-key: every node that shares it accepts the tokens of
     * every other, across restarts.
     */
    public static BlockTokens derivedFrom(SecretKey secretKey) {
        return new BlockTokens(HmacSha256.derive(secretKey, DERIVATION_LABEL).getEncoded());
    }

    /** Tokens under a random key: accepted by this process only, until it stops. */
    public static BlockTokens withRandomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new BlockTokens(key);
    }

    public String sign(Claims claims) {
        // Each field percent-encoded, so that no id (a noauth project may be any text) can hold the separator.
        String payload = Stream.of(
                        VERSION,
                        claims.kind().name(),
                        claims.projectId(),
                        claims.snapshotId(),
                        claims.fromSnapshotId().orElse(""),
                        Long.toString(claims.blockIndex()),
                        Long.toString(claims.expiry().getEpochSecond()))
                .map(field -> URLEncoder.encode(field, StandardCharsets.UTF_8))
                .collect(Collectors.joining(SEPARATOR));
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString(bytes) + "." + base64.encodeToString(HmacSha256.of(key, bytes));
    }

    /**
     * The claims of a token this service signed.
     *
     * @param parameter the query parameter the token came in, for the fault
     * @throws CairnException a 400 when the text is not a token of ours (malformed, altered, signed under another key)
     *     or not of {@code kind}
     */
    public Claims verify(String token, Kind kind, String parameter) {
        CairnException refusal =
                CairnException.invalidInput(parameter + " is not a token this service issued, or it was altered");
        String[] parts = token.split("\\.", -1);
        if (parts.length != 2) {
            throw refusal;
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = Base64.getUrlDecoder().decode(parts[0]);
            signature = Base64.getUrlDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw refusal;
        }
        if (!MessageDigest.isEqual(signature, HmacSha256.of(key, payload))) {
            throw refusal;
        }
        // Signed by us, so well formed: only a token of another kind or version is refused from here on.
        String[] fields = Stream.of(new String(payload, StandardCharsets.UTF_8).split(Pattern.quote(SEPARATOR), -1))
                .map(field -> URLDecoder.decode(field, StandardCharsets.UTF_8))
                .toArray(String[]::new);
        if (fields.length != 7 || !fields[0].equals(VERSION) || !fields[1].equals(kind.name())) {
            throw refusal;
        }
        return new Claims(
                kind,
                fields[2],
                fields[3],
                fields[4].isEmpty() ? Optional.empty() : Optional.of(fields[4]),
                Long.parseLong(fields[5]),
                Instant.ofEpochSecond(Long.parseLong(fields[6])));
    }
}
