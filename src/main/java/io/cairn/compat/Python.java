package io.cairn.compat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Python's {@code str.strip()}, {@code str.split()} and {@code int(text)}, as Cinder reads headers, query parameters
 * and body fields with them.
 */
public final class Python {
    /** Python refuses to convert longer digit strings ({@code sys.int_max_str_digits}), so they are not integers. */
    private static final int MAX_INT_DIGITS = 4300;

    private Python() {}

    /** Python's {@code str.strip()}: Java's whitespace plus the no-break spaces and NEL, which Python also strips. */
    public static String strip(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    /** Python's {@code str.split()}: the words between runs of Python's whitespace, none for blank text. */
    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean space = i == text.length() || isSpace(text.charAt(i));
            if (space && start >= 0) {
                words.add(text.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        return words;
    }

    /**
     * Python's {@code int(text)}: surrounding whitespace (Python's, which includes no-break spaces), a sign,
     * decimal digits of any script, single underscores between digits, and at most 4300 digits; empty when
     * Python would raise {@code ValueError}.
     */
    public static Optional<BigInteger> parseInt(String text) {
        String stripped = strip(text);
        int start = stripped.startsWith("+") || stripped.startsWith("-") ? 1 : 0;
        StringBuilder digits = new StringBuilder();
        boolean afterDigit = false;
        for (int i = start; i < stripped.length(); ) {
            int c = stripped.codePointAt(i);
            if (c == '_' && afterDigit) {
                afterDigit = false;
            } else if (Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER) {
                digits.append(Character.digit(c, 10));
                afterDigit = true;
            } else {
                return Optional.empty();
            }
            i += Character.charCount(c);
        }
        if (!afterDigit || digits.length() > MAX_INT_DIGITS) {
            return Optional.empty();
        }
        BigInteger value = new BigInteger(digits.toString());
        return Optional.of(stripped.startsWith("-") ? value.negate() : value);
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || c == '\u0085' || c == '\u00a0' || c == '\u2007' || c == '\u202f';
    }
}
