package io.cairn.compat;

import io.cairn.domain.CairnException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * oslo.utils' booleans ({@code strutils.bool_from_string}, {@code is_valid_boolstr}) and Cinder's two ways of
 * refusing what is not one: the words below, in any case.
 */
public final class OsloBoolean {
    private static final Set<String> TRUE_WORDS = Set.of("1", "t", "true", "on", "y", "yes");
    private static final Set<String> FALSE_WORDS = Set.of("0", "f", "false", "off", "n", "no");

    private OsloBoolean() {}

    /** {@code bool_from_string(value, strict=True)}: the stripped word's value, or empty where oslo raises. */
    public static Optional<Boolean> fromString(String value) {
        return word(Python.strip(value).toLowerCase(Locale.ROOT));
    }

    /** {@code bool_from_string(value)}: true for a true word, false for anything else. */
    public static boolean isTrue(String value) {
        return TRUE_WORDS.contains(Python.strip(value).toLowerCase(Locale.ROOT));
    }

    /** A strict boolean field or parameter ({@code bool_from_string(strict=True)}); anything else is a 400. */
    public static boolean require(String name, String value) {
        return fromString(value).orElseThrow(() -> notABoolean(name, value));
    }

    /**
     * Cinder's {@code get_bool_param} for query parameters: oslo's {@code is_valid_boolstr} does not strip, so
     * {@code " true"} is refused where {@link #require} would accept it.
     */
    public static boolean parameter(String name, String value) {
        return word(value.toLowerCase(Locale.ROOT)).orElseThrow(() -> notABoolean(name, value));
    }

    private static Optional<Boolean> word(String lower) {
        if (TRUE_WORDS.contains(lower)) {
            return Optional.of(true);
        }
        return FALSE_WORDS.contains(lower) ? Optional.of(false) : Optional.empty();
    }

    private static CairnException notABoolean(String name, String value) {
        return CairnException.badRequest("Value '" + value + "' for '" + name + "' is not a boolean.");
    }
}
