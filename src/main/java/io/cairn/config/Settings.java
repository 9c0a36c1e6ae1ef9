package io.cairn.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * Raw configuration values in one precedence order: command-line flags, then the environment, then the
 * configuration file, then the defaults. A key such as {@code data-dir} is the flag {@code --data-dir}, the
 * environment variable {@code CAIRN_DATA_DIR} and the file property {@code data-dir}.
 */
public final class Settings {
    private final Map<String, String> flags;
    private final Map<String, String> environment;
    private final Map<String, String> file;

    private Settings(Map<String, String> flags, Map<String, String> environment, Map<String, String> file) {
        this.flags = Map.copyOf(flags);
        this.environment = Map.copyOf(environment);
        this.file = Map.copyOf(file);
    }

    /**
     * @param flags values given on the command line, by key
     * @param environment the process environment
     * @param configFile a properties file, or empty; {@code CAIRN_CONFIG} names one when no flag does
     */
    public static Settings load(Map<String, String> flags, Map<String, String> environment, Optional<Path> configFile) {
        Optional<Path> path = configFile.or(
                () -> Optional.ofNullable(environment.get("CAIRN_CONFIG")).map(Path::of));
        return new Settings(flags, environment, path.map(Settings::readFile).orElse(Map.of()));
    }

    public static String environmentName(String key) {
        return "CAIRN_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    public Optional<String> find(String key) {
        return Optional.ofNullable(flags.get(key))
                .or(() -> Optional.ofNullable(environment.get(environmentName(key))))
                .or(() -> Optional.ofNullable(file.get(key)))
                .filter(value -> !value.isBlank());
    }

    public String get(String key, String defaultValue) {
        return find(key).orElse(defaultValue);
    }

    /** Parses a value; a value the parser refuses stops start-up with a message naming the key. */
    public <T> T get(String key, T defaultValue, String expected, Function<String, T> parser) {
        Optional<String> raw = find(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            return parser.apply(raw.get().trim());
        } catch (RuntimeException e) {
            throw new ConfigException(key, raw.get(), expected);
        }
    }

    private static Map<String, String> readFile(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("config", path.toString(), "a readable properties file (" + e.getMessage() + ")");
        }
        Map<String, String> values = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        return values;
    }
}
