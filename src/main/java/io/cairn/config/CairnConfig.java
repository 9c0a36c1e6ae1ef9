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
public record CairnConfig(ServerConfig server, DatabaseConfig database, AuthConfig auth, Path dataDir, String nodeName,
                          Map<String, Long> quotaDefaults) {
    public CairnConfig {
        requireNonNull(server, "server is null");
        requireNonNull(database, "database is null");
        requireNonNull(auth, "auth is null");
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(nodeName, "nodeName is null");
        quotaDefaults = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(quotaDefaults));
    }

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

    public record ServerConfig(String host, int port, boolean allowInsecureNoauth) {}

    public record DatabaseConfig(String url, String user, String password, int poolSize) {
        public boolean isSqlite() {
            return url.startsWith("jdbc:sqlite:");
        }
    }

    public record AuthConfig(AuthMode mode) {}

    public enum AuthMode {
        NOAUTH;

        static AuthMode parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    public static CairnConfig from(Settings settings) {
        String host = settings.get("host", "127.0.0.1");
        int port = settings.get("port", 8776, "a port number (0-65535; 0 picks a free one)", CairnConfig::parsePort);
        boolean insecure = settings.get("allow-insecure-noauth", false, "true or false", CairnConfig::parseBoolean);
        Path dataDir = settings.get("data-dir", Path.of("data"), "a directory path", Path::of);
        String url = settings.get("db-url", "jdbc:sqlite:" + dataDir.resolve("cairn.db"), "a supported JDBC URL (jdbc:sqlite:...)",
                CairnConfig::parseJdbcUrl);
        int poolSize = settings.get("db-pool-size", 8, "a pool size (1-512)", text -> parseRange(text, 1, 512));
        DatabaseConfig database = new DatabaseConfig(url, settings.get("db-user", null), settings.get("db-password", null), poolSize);
        AuthMode mode = settings.get("auth", AuthMode.NOAUTH, "an auth mode (noauth)", AuthMode::parse);
        String node = settings.get("node", defaultNodeName());
        Map<String, Long> quotas = new LinkedHashMap<>();
        CINDER_QUOTA_DEFAULTS.forEach((resource, value) -> quotas.put(resource, settings.get("quota-" + resource.replace('_', '-'),
                value, "a quota limit (-1 for unlimited, or 0 and up)", CairnConfig::parseQuota)));
        return new CairnConfig(new ServerConfig(host, port, insecure), database, new AuthConfig(mode), dataDir, node, quotas);
    }

    private static long parseQuota(String text) {
        long value = Long.parseLong(text);
        if (value < -1) {
            throw new IllegalArgumentException("below -1");
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
        if (!text.startsWith("jdbc:sqlite:")) {
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
