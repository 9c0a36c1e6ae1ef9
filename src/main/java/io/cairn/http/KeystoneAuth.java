package io.cairn.http;

import static java.util.Objects.requireNonNull;

import io.cairn.domain.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keystone token authentication, as keystonemiddleware's auth_token does it in front of Cinder: the
 * {@code X-Auth-Token} is validated with Keystone and the answer cached (valid tokens until they expire,
 * unknown ones briefly), so a Keystone outage only affects tokens it has not yet vouched for. A missing or
 * invalid token gets keystonemiddleware's 401 body and {@code WWW-Authenticate} header; Keystone being
 * unreachable gets a 503 from {@link KeystoneClient}.
 */
public final class KeystoneAuth implements Authenticator {
    /** How long "Keystone does not know this token" is believed; a token just issued elsewhere must work soon. */
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(10);

    public static final int DEFAULT_CACHE_SIZE = 10_000;
    static final String UNAUTHORIZED_MESSAGE = "The request you have made requires authentication.";

    private record CacheEntry(Optional<Caller> caller, Instant expiresAt) {}

    private final KeystoneClient keystone;
    private final Clock clock;
    private final Duration negativeTtl;
    private final String wwwAuthenticate;
    private final Map<String, CacheEntry> cache;

    public KeystoneAuth(KeystoneClient keystone, Clock clock) {
        this(keystone, clock, DEFAULT_CACHE_SIZE, DEFAULT_NEGATIVE_TTL);
    }

    public KeystoneAuth(KeystoneClient keystone, Clock clock, int cacheSize, Duration negativeTtl) {
        this.keystone = requireNonNull(keystone, "keystone is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.negativeTtl = requireNonNull(negativeTtl, "negativeTtl is null");
        if (cacheSize < 1) {
            throw new IllegalArgumentException("cacheSize must be at least 1");
        }
        this.wwwAuthenticate =
                "Keystone uri=\"" + publicIdentityUri(keystone.baseUrl().toString()) + "\"";
        // Access-ordered, so the least recently used token is the one dropped when the cache is full.
        this.cache = new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CacheEntry> eldest) {
                return size() > cacheSize;
            }
        };
    }

    @Override
    public Caller authenticate(AuthRequest request) {
        String token = request.header("X-Auth-Token");
        if (token == null || token.isBlank()) {
            throw unauthorized();
        }
        // keystonemiddleware strips the token too: some clients send it with surrounding whitespace.
        token = token.strip();
        String key = cacheKey(token);
        Instant now = clock.instant();
        CacheEntry cached = lookup(key, now);
        if (cached == null) {
            // Throws 503 when Keystone cannot answer; nothing is cached then, so the next request asks again.
            Optional<KeystoneClient.ValidatedToken> validated = keystone.validate(token);
            cached = validated
                    .map(t -> new CacheEntry(
                            Optional.of(new Caller(t.userId(), t.projectId(), t.roles())), t.expiresAt()))
                    .orElseGet(() -> new CacheEntry(Optional.empty(), now.plus(negativeTtl)));
            store(key, cached);
        }
        return cached.caller().orElseThrow(this::unauthorized);
    }

    /** The cached answer for a token, or null when there is none still valid at {@code now}. */
    private CacheEntry lookup(String key, Instant now) {
        synchronized (cache) {
            CacheEntry entry = cache.get(key);
            if (entry != null && !now.isBefore(entry.expiresAt())) {
                cache.remove(key);
                return null;
            }
            return entry;
        }
    }

    private void store(String key, CacheEntry entry) {
        synchronized (cache) {
            cache.put(key, entry);
        }
    }

    int cachedTokens() {
        synchronized (cache) {
            return cache.size();
        }
    }

    private ApiServer.EarlyResponse unauthorized() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", 401);
        error.put("title", "Unauthorized");
        error.put("message", UNAUTHORIZED_MESSAGE);
        return new ApiServer.EarlyResponse(ApiResponse.json(401, ApiResponse.wrap("error", error))
                .withHeader("WWW-Authenticate", wwwAuthenticate));
    }

    /** Cache by digest, so the cache never holds bearer tokens that could be read from a heap dump. */
    private static String cacheKey(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Keystone's unversioned public root, which clients discover the versions from (keystonemiddleware's www_authenticate_uri). */
    private static String publicIdentityUri(String baseUrl) {
        return baseUrl.replaceFirst("/v3/?$", "");
    }
}
