package io.cairn.config;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Everything the server is configured with, one record per area. The defaults need no configuration:
 * loopback on port 8776, data under ./data, SQLite inside it, noauth.
 */
public record CairnConfig(
        ServerConfig server,
        DatabaseConfig database,
        AuthConfig auth,
        Path dataDir,
        String nodeName,
        Map<String, Long> quotaDefaults,
        DataPlaneConfig dataPlane,
        EngineConfig engine,
        java.util.Optional<BackupConfig> backup,
        BlockAccessConfig blockAccess,
        IngestConfig ingest,
        ViewCacheConfig viewCache) {
    public CairnConfig {
        requireNonNull(server, "server is null");
        requireNonNull(database, "database is null");
        requireNonNull(auth, "auth is null");
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(nodeName, "nodeName is null");
        requireNonNull(engine, "engine is null");
        requireNonNull(backup, "backup is null");
        requireNonNull(blockAccess, "blockAccess is null");
        requireNonNull(ingest, "ingest is null");
        requireNonNull(viewCache, "viewCache is null");
        quotaDefaults = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(quotaDefaults));
    }

    private static final int MIB = 1024 * 1024;

    /** Cinder's quota resources with their default limits, in the order Cinder lists them. */
    private static final Map<String, Long> CINDER_QUOTA_DEFAULTS = defaults();

    private static Map<String, Long> defaults() {
        Map<String, Long> defaults = new LinkedHashMap<>();
        defaults.put("volumes", 10L);
        defaults.put("per_volume_gigabytes", -1L);
        defaults.put("snapshots", 10L);
        defaults.put("gigabytes", 1000L);
        defaults.put("backups", 10L);
        defaults.put("backup_gigabytes", 1000L);
        defaults.put("groups", 10L);
        return defaults;
    }

    /** @param faults the dialect of fault bodies: Cinder's, or EVS's codes and messages */
    public record ServerConfig(String host, int port, boolean allowInsecureNoauth, FaultDialect faults) {
        public ServerConfig(String host, int port, boolean allowInsecureNoauth) {
            this(host, port, allowInsecureNoauth, FaultDialect.CINDER);
        }
    }

    public enum FaultDialect {
        CINDER,
        EVS;

        static FaultDialect parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * The data plane: where the NBD server listens, whether its clients must use TLS, the key their TLS identities'
     * pre-shared keys derive from (the secret-key; present exactly when TLS is not off), and the chunk size of a new
     * chunk store.
     */
    public record DataPlaneConfig(
            String nbdHost,
            int nbdPort,
            NbdTls nbdTls,
            java.util.Optional<javax.crypto.SecretKey> nbdCredentialKey,
            int chunkSizeBytes) {
        @Override
        public String toString() {
            return "DataPlaneConfig[nbdHost=" + nbdHost + ", nbdPort=" + nbdPort + ", nbdTls=" + nbdTls
                    + ", nbdCredentialKey="
                    + nbdCredentialKey.map(key -> "<hidden>").orElse("none")
                    + ", chunkSizeBytes=" + chunkSizeBytes + "]";
        }
    }

    /**
     * Whether NBD clients must encrypt and prove a TLS identity (NBD_OPT_STARTTLS with a pre-shared key) before they
     * see an export: {@code REQUIRED}; {@code OPTIONAL} (identities get their reach, plain clients every export, as with
     * {@code OFF}); {@code OFF} (TLS is not offered). Plain clients see every export, so only {@code REQUIRED} may listen
     * beyond loopback, and it is the default there.
     */
    public enum NbdTls {
        OFF,
        OPTIONAL,
        REQUIRED;

        static NbdTls parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }

        public String settingValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where volume data lives: {@code local}, this node's chunk store, or {@code rbd}, a Ceph pool every node reaches. */
    public enum Backend {
        LOCAL,
        RBD;

        static Backend parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    /** The storage engine; {@code rbd} is present exactly when the backend is RBD. */
    public record EngineConfig(Backend backend, java.util.Optional<RbdConfig> rbd) {}

    /**
     * A Ceph cluster: its configuration file (monitors, and the keyring holding the user's key), the client user
     * without its {@code client.} prefix, the pool, Cinder's clone settings, and the object size of the images Cairn
     * makes (empty: the cluster's {@code rbd_default_order} for a new image, the parent's for a clone).
     */
    public record RbdConfig(
            Path cephConf,
            String cephUser,
            String pool,
            boolean flattenVolumeFromSnapshot,
            int maxCloneDepth,
            int timeoutSeconds,
            java.util.OptionalInt objectSizeBytes) {}

    /**
     * The S3-compatible object store backups go to: present when {@code backup-s3-bucket} is set. The endpoint is
     * AWS's for the region when absent; without keys the AWS SDK's default credential chain applies.
     */
    public record BackupConfig(
            java.util.Optional<java.net.URI> endpoint,
            String bucket,
            String region,
            java.util.Optional<String> accessKey,
            java.util.Optional<String> secretKey) {
        @Override
        public String toString() {
            return "BackupConfig[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + ", accessKey="
                    + accessKey + "]";
        }
    }

    /**
     * Direct snapshot access: how long a block token (and a listing's next token) is accepted, and the configured
     * {@code secret-key} that token keys are derived from, when there is one.
     */
    public record BlockAccessConfig(
            java.time.Duration tokenLifetime, java.util.Optional<javax.crypto.SecretKey> secretKey) {
        @Override
        public String toString() {
            return "BlockAccessConfig[tokenLifetime=" + tokenLifetime + ", secretKey="
                    + secretKey.map(key -> "<hidden>").orElse("none") + "]";
        }
    }

    /**
     * Snapshot ingests: how often each node cleans up the open ingests past their timeout and gives back the staging
     * volumes of completed ones whose snapshot is taken.
     */
    public record IngestConfig(java.time.Duration sweepInterval) {}

    /**
     * The rendered views the API keeps per row version: how many bytes they may take (off the heap), 0 for none.
     */
    public record ViewCacheConfig(long capacityBytes) {
        /**
         * 64 MiB: the detail views of a 100,000-snapshot project; their index, about 120 bytes of heap per view,
         * then takes a sixth of the launcher's 128 MiB heap.
         */
        public static final long DEFAULT_CAPACITY = 64L * MIB;
    }

    public record DatabaseConfig(String url, String user, String password, int poolSize) {
        public boolean isSqlite() {
            return url.startsWith("jdbc:sqlite:");
        }
    }

    /**
     * How callers are authenticated. {@code mode} serves requests without an AK/SK signature (AKSK: none are
     * served); {@code akSk} is present when signed requests are verified ({@code auth=keystone,aksk} and the
     * like); {@code keystone} is present exactly when the mode is KEYSTONE.
     */
    public record AuthConfig(
            AuthMode mode, java.util.Optional<KeystoneConfig> keystone, java.util.Optional<AccessKeyConfig> akSk) {
        public AuthConfig(AuthMode mode) {
            this(mode, java.util.Optional.empty());
        }

        public AuthConfig(AuthMode mode, java.util.Optional<KeystoneConfig> keystone) {
            this(mode, keystone, java.util.Optional.empty());
        }
    }

    /** The key that encrypts access keys' secrets at rest (AES-GCM); from {@code secret-key}, base64. */
    public record AccessKeyConfig(javax.crypto.SecretKey encryptionKey) {
        @Override
        public String toString() {
            return "AccessKeyConfig[encryptionKey=<hidden>]";
        }
    }

    /** Keystone v3 and the service credential Cairn validates tokens with (keystonemiddleware's [keystone_authtoken]). */
    public record KeystoneConfig(java.net.URI url, String username, String password, String project, String domain) {
        @Override
        public String toString() {
            return "KeystoneConfig[url=" + url + ", username=" + username + ", project=" + project + ", domain="
                    + domain + "]";
        }
    }

    /** NOAUTH and KEYSTONE authenticate tokens; AKSK as the mode means only AK/SK-signed requests are served. */
    public enum AuthMode {
        NOAUTH,
        KEYSTONE,
        AKSK;

        static AuthMode parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    public static CairnConfig from(Settings settings) {
        String host = settings.get("host", "127.0.0.1");
        int port = settings.get("port", 8776, "a port number (0-65535; 0 picks a free one)", CairnConfig::parsePort);
        boolean insecure = settings.get("allow-insecure-noauth", false, "true or false", CairnConfig::parseBoolean);
        Path dataDir = settings.get("data-dir", Path.of("data"), "a directory path", Path::of);
        String url = settings.get(
                "db-url",
                "jdbc:sqlite:" + dataDir.resolve("cairn.db"),
                "a supported JDBC URL (jdbc:sqlite:... or jdbc:postgresql:...)",
                CairnConfig::parseJdbcUrl);
        int poolSize = settings.get("db-pool-size", 8, "a pool size (1-512)", text -> parseRange(text, 1, 512));
        DatabaseConfig database =
                new DatabaseConfig(url, settings.get("db-user", null), settings.get("db-password", null), poolSize);
        AuthModes modes = settings.get(
                "auth",
                new AuthModes(AuthMode.NOAUTH, false),
                "an auth mode (noauth, keystone or aksk), or aksk joined to one of the others (keystone,aksk)",
                CairnConfig::parseAuthModes);
        AuthMode mode = modes.tokens();
        java.util.Optional<KeystoneConfig> keystone = mode == AuthMode.KEYSTONE
                ? java.util.Optional.of(keystoneConfig(settings))
                : java.util.Optional.empty();
        java.util.Optional<AccessKeyConfig> akSk =
                modes.akSk() ? java.util.Optional.of(accessKeyConfig(settings)) : java.util.Optional.empty();
        FaultDialect faults =
                settings.get("faults", FaultDialect.CINDER, "a fault dialect (cinder or evs)", FaultDialect::parse);
        String node = settings.get("node", defaultNodeName());
        Map<String, Long> quotas = new LinkedHashMap<>();
        CINDER_QUOTA_DEFAULTS.forEach((resource, value) -> quotas.put(
                resource,
                settings.get(
                        "quota-" + resource.replace('_', '-'),
                        value,
                        "a quota limit (-1 for unlimited, or 0 and up)",
                        CairnConfig::parseQuota)));
        String nbdHost = settings.get("nbd-host", "127.0.0.1");
        NbdTls nbdTls = settings.get(
                "nbd-tls",
                isLoopback(nbdHost) ? NbdTls.OFF : NbdTls.REQUIRED,
                "an NBD TLS mode (required, optional or off)",
                NbdTls::parse);
        if (nbdTls != NbdTls.REQUIRED && !isLoopback(nbdHost)) {
            throw new ConfigException(
                    "nbd-tls",
                    nbdTls.settingValue(),
                    "allowed while nbd-host (" + nbdHost + ") is beyond loopback: plain NBD clients reach every"
                            + " export, so only required may be used there");
        }
        java.util.Optional<javax.crypto.SecretKey> nbdCredentialKey =
                nbdTls == NbdTls.OFF ? java.util.Optional.empty() : java.util.Optional.of(nbdCredentialKey(settings));
        DataPlaneConfig dataPlane = new DataPlaneConfig(
                nbdHost,
                settings.get("nbd-port", 10809, "a port number (0-65535; 0 picks a free one)", CairnConfig::parsePort),
                nbdTls,
                nbdCredentialKey,
                settings.get(
                        "chunk-size",
                        64 * 1024,
                        "a power of two from 4K to 16M (bytes, or with a K or M suffix)",
                        text -> parsePowerOfTwoSize(text, 16 * MIB)));
        Backend backend = settings.get("backend", Backend.LOCAL, "a backend (local or rbd)", Backend::parse);
        java.util.Optional<RbdConfig> rbd = backend == Backend.RBD
                ? java.util.Optional.of(new RbdConfig(
                        settings.get("ceph-conf", Path.of("/etc/ceph/ceph.conf"), "a file path", Path::of),
                        settings.get("ceph-user", "admin"),
                        settings.get("rbd-pool", "rbd"),
                        settings.get(
                                "rbd-flatten-volume-from-snapshot", false, "true or false", CairnConfig::parseBoolean),
                        settings.get(
                                "rbd-max-clone-depth", 5, "a clone depth (0-100)", text -> parseRange(text, 0, 100)),
                        settings.get(
                                "rados-timeout", 30, "a number of seconds (1-3600)", text -> parseRange(text, 1, 3600)),
                        settings.get(
                                "rbd-object-size",
                                java.util.OptionalInt.empty(),
                                "a power of two from 4K to 32M (bytes, or with a K or M suffix)",
                                text -> java.util.OptionalInt.of(parsePowerOfTwoSize(text, 32 * MIB)))))
                : java.util.Optional.empty();
        return new CairnConfig(
                new ServerConfig(host, port, insecure, faults),
                database,
                new AuthConfig(mode, keystone, akSk),
                dataDir,
                node,
                quotas,
                dataPlane,
                new EngineConfig(backend, rbd),
                backupConfig(settings),
                new BlockAccessConfig(
                        java.time.Duration.ofSeconds(settings.get(
                                "block-token-lifetime",
                                7 * 24 * 3600,
                                "a number of seconds (1-2592000, 30 days)",
                                text -> parseRange(text, 1, 30 * 24 * 3600))),
                        secretKey(settings)),
                new IngestConfig(java.time.Duration.ofSeconds(settings.get(
                        "ingest-sweep-interval",
                        10,
                        "a number of seconds (1-86400)",
                        text -> parseRange(text, 1, 86400)))),
                new ViewCacheConfig(settings.get(
                        "view-cache-size",
                        ViewCacheConfig.DEFAULT_CAPACITY,
                        "a size from 0 to 64G (bytes, or with a K, M or G suffix)",
                        CairnConfig::parseCacheSize)));
    }

    /** {@code backup-s3-*} ({@code CAIRN_BACKUP_S3_*}); the keys come as a pair or not at all. */
    private static java.util.Optional<BackupConfig> backupConfig(Settings settings) {
        java.util.Optional<String> bucket = settings.find("backup-s3-bucket").map(String::strip);
        java.util.Optional<java.net.URI> endpoint = java.util.Optional.ofNullable(settings.get(
                "backup-s3-endpoint",
                null,
                "an http(s) URL, such as http://127.0.0.1:7480",
                CairnConfig::parseHttpUrl));
        java.util.Optional<String> accessKey = settings.find("backup-s3-access-key");
        java.util.Optional<String> secretKey = settings.find("backup-s3-secret-key");
        if (bucket.isEmpty()) {
            if (endpoint.isPresent() || accessKey.isPresent()) {
                throw new ConfigException(
                        "backup-s3-bucket", "", "a bucket name (required with the other backup-s3 settings)");
            }
            return java.util.Optional.empty();
        }
        if (!bucket.get().matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new ConfigException(
                    "backup-s3-bucket", bucket.get(), "an S3 bucket name (3-63 of a-z, 0-9, '.', '-')");
        }
        if (accessKey.isPresent() != secretKey.isPresent()) {
            throw new ConfigException(
                    accessKey.isPresent() ? "backup-s3-secret-key" : "backup-s3-access-key",
                    "",
                    "a key (backup-s3-access-key and backup-s3-secret-key come together)");
        }
        return java.util.Optional.of(new BackupConfig(
                endpoint, bucket.get(), settings.get("backup-s3-region", "us-east-1"), accessKey, secretKey));
    }

    /** The auth setting read: the token mode and whether AK/SK signatures are verified too. */
    private record AuthModes(AuthMode tokens, boolean akSk) {}

    private static AuthModes parseAuthModes(String text) {
        java.util.Set<AuthMode> modes = java.util.EnumSet.noneOf(AuthMode.class);
        for (String word : text.split(",", -1)) {
            if (!modes.add(AuthMode.parse(word.strip()))) {
                throw new IllegalArgumentException("repeated mode");
            }
        }
        boolean akSk = modes.remove(AuthMode.AKSK);
        if (modes.size() > 1) {
            throw new IllegalArgumentException("noauth and keystone together");
        }
        return new AuthModes(modes.isEmpty() ? AuthMode.AKSK : modes.iterator().next(), akSk);
    }

    /**
     * The access-key encryption key, {@code secret-key} ({@code CAIRN_SECRET_KEY}): required wherever secrets are
     * encrypted or decrypted (auth with aksk, {@code cairn access-key create}).
     */
    public static AccessKeyConfig accessKeyConfig(Settings settings) {
        return new AccessKeyConfig(secretKey(settings)
                .orElseThrow(() -> new ConfigException(
                        "secret-key", "", SECRET_KEY_EXPECTED + " (required to encrypt and verify access keys)")));
    }

    /**
     * The key NBD TLS identities' pre-shared keys derive from, {@code secret-key}: required wherever they are issued
     * or checked ({@code nbd-tls} other than off, {@code cairn nbd-credentials create}).
     */
    public static javax.crypto.SecretKey nbdCredentialKey(Settings settings) {
        return secretKey(settings)
                .orElseThrow(() -> new ConfigException(
                        "secret-key",
                        "",
                        SECRET_KEY_EXPECTED + " (required for NBD TLS: the identities' keys derive from it)"));
    }

    private static final String SECRET_KEY_EXPECTED =
            "a base64 AES key of 16, 24 or 32 bytes, such as the output of: openssl rand -base64 32";

    /** {@code secret-key} when it is set: the access-key encryption key, and what block token keys derive from. */
    private static java.util.Optional<javax.crypto.SecretKey> secretKey(Settings settings) {
        return settings.find("secret-key").map(raw -> {
            try {
                return parseAesKey(raw.trim());
            } catch (RuntimeException e) {
                throw new ConfigException("secret-key", "<hidden>", SECRET_KEY_EXPECTED); // never echo a secret
            }
        });
    }

    /** Whether a host name or address is this machine's loopback; a name that does not resolve is not. */
    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static javax.crypto.SecretKey parseAesKey(String text) {
        byte[] key = java.util.Base64.getDecoder().decode(text);
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("not an AES key length");
        }
        return new javax.crypto.spec.SecretKeySpec(key, "AES");
    }

    private static KeystoneConfig keystoneConfig(Settings settings) {
        java.net.URI url = settings.get(
                "keystone-url",
                null,
                "an http(s) URL of Keystone v3, such as http://127.0.0.1:5000/v3",
                CairnConfig::parseHttpUrl);
        return new KeystoneConfig(
                requiredForKeystone("keystone-url", url, "an http(s) URL of Keystone v3"),
                requiredForKeystone("keystone-username", settings.get("keystone-username", null), "a user name"),
                requiredForKeystone("keystone-password", settings.get("keystone-password", null), "a password"),
                requiredForKeystone("keystone-project", settings.get("keystone-project", null), "a project name"),
                settings.get("keystone-domain", "Default"));
    }

    private static <T> T requiredForKeystone(String key, T value, String expected) {
        if (value == null) {
            throw new ConfigException(key, "", expected + " (required with auth=keystone)");
        }
        return value;
    }

    private static java.net.URI parseHttpUrl(String text) {
        java.net.URI uri = java.net.URI.create(text);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL");
        }
        return uri;
    }

    private static long parseQuota(String text) {
        long value = Long.parseLong(text);
        if (value < -1) {
            throw new IllegalArgumentException("below -1");
        }
        return value;
    }

    /** A size in bytes, or with a K or M suffix, that is a power of two from 4K to {@code max}. */
    private static int parsePowerOfTwoSize(String text, int max) {
        String upper = text.toUpperCase(Locale.ROOT);
        int unit = upper.endsWith("K") ? 1024 : upper.endsWith("M") ? MIB : 1;
        int value =
                Math.multiplyExact(Integer.parseInt(unit == 1 ? upper : upper.substring(0, upper.length() - 1)), unit);
        if (Integer.bitCount(value) != 1 || value < 4096 || value > max) {
            throw new IllegalArgumentException("not a power of two from 4K to " + max);
        }
        return value;
    }

    /** A size in bytes, or with a K, M or G suffix, from 0 to 64G. */
    private static long parseCacheSize(String text) {
        String upper = text.toUpperCase(Locale.ROOT);
        long unit = switch (upper.isEmpty() ? ' ' : upper.charAt(upper.length() - 1)) {
            case 'K' -> 1024L;
            case 'M' -> (long) MIB;
            case 'G' -> 1024L * MIB;
            default -> 1L;
        };
        long value =
                Math.multiplyExact(Long.parseLong(unit == 1 ? upper : upper.substring(0, upper.length() - 1)), unit);
        if (value < 0 || value > 64L * 1024 * MIB) {
            throw new IllegalArgumentException("out of range");
        }
        return value;
    }

    private static int parsePort(String text) {
        return parseRange(text, 0, 65535);
    }

    private static int parseRange(String text, int min, int max) {
        int value = Integer.parseInt(text);
        if (value < min || value > max) {
            throw new IllegalArgumentException("out of range");
        }
        return value;
    }

    private static boolean parseBoolean(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    private static String parseJdbcUrl(String text) {
        if (!text.startsWith("jdbc:sqlite:") && !text.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("unsupported database");
        }
        return text;
    }

    private static String defaultNodeName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
