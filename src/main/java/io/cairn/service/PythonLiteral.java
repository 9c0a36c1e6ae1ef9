package io.cairn.service;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the metadata filter as Cinder's {@code ast.literal_eval} does: the repr of a dict that cinderclient
 * sends ({@code {'k': 'v'}}), JSON, or any other Python dict display of literals. Anything that is not a
 * dict gives empty, as a failed {@code literal_eval} (or a non-dict result) makes Cinder's list empty.
 *
 * <p>Keys and values are returned as the text a stored metadata string would have to equal: strings as
 * they are, integers in decimal and booleans as {@code 1}/{@code 0} (SQLite compares a bound number with a
 * text column as text). {@code None}, floats and bytes can equal no stored text and are returned as
 * {@code null}.
 */
final class PythonLiteral {
    private static final String DIGITS = "\\d(?:_?\\d)*";
    private static final String EXPONENT = "[eE][+-]?" + DIGITS;
    /** Python's number tokens: hex, octal, binary, float (with a point or an exponent), decimal; j makes it complex. */
    private static final Pattern NUMBER =
            Pattern.compile("(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+"
                    + "|(?<float>" + DIGITS + "\\.(?:" + DIGITS + ")?(?:" + EXPONENT + ")?|\\." + DIGITS + "(?:"
                    + EXPONENT + ")?"
                    + "|" + DIGITS + EXPONENT + ")|(?<decimal>" + DIGITS + "))(?<imaginary>[jJ])?");
    /** Decimal integers may not have leading zeros, unless every digit is zero. */
    private static final Pattern NO_LEADING_ZERO = Pattern.compile("[1-9](?:_?\\d)*|0(?:_?0)*");
    /** Stands for a literal that no stored metadata text equals. */
    private static final Object UNMATCHABLE = new Object();

    private final String text;
    private int pos;

    private PythonLiteral(String text) {
        this.text = text;
    }

    /** The dict, keys and values as matchable text ({@code null} where nothing can match); empty when not a dict. */
    static Optional<Map<String, String>> parseDict(String text) {
        PythonLiteral parser = new PythonLiteral(text);
        try {
            parser.skipSpace();
            Map<String, String> result = parser.dict();
            parser.skipSpace();
            return parser.pos == text.length() ? Optional.of(result) : Optional.empty();
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    private Map<String, String> dict() {
        expect('{');
        Map<String, String> result = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return result;
        }
        while (true) {
            String key = matchable(literal());
            skipSpace();
            expect(':');
            skipSpace();
            result.put(key, matchable(literal())); // a repeated key keeps the last value, as in Python
            skipSpace();
            char c = text.charAt(pos++);
            if (c == '}') {
                return result;
            }
            if (c != ',') {
                throw new IllegalArgumentException("expected , or }");
            }
            skipSpace();
            if (peek() == '}') {
                pos++;
                return result;
            }
        }
    }

    private static String matchable(Object literal) {
        if (literal instanceof String string) {
            return string;
        }
        if (literal instanceof Boolean bool) {
            return bool ? "1" : "0";
        }
        if (literal instanceof BigInteger integer && integer.bitLength() < 64) {
            return integer.toString();
        }
        return null;
    }

    /** A string (adjacent ones concatenated), a signed number, True, False or None. */
    private Object literal() {
        char c = peek();
        if (c == '+' || c == '-') {
            pos++;
            skipSpace();
            Object number = number();
            return c == '-' && number instanceof BigInteger integer ? integer.negate() : number;
        }
        if (Character.isDigit(c) || c == '.') {
            return number();
        }
        int start = pos;
        while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
            pos++;
        }
        String word = text.substring(start, pos);
        if (pos < text.length() && (peek() == '\'' || peek() == '"') && word.matches("(?i)[rub]|rb|br")) {
            pos = start;
            return strings();
        }
        return switch (word) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> UNMATCHABLE;
            default -> {
                if (word.isEmpty() && (c == '\'' || c == '"')) {
                    yield strings();
                }
                throw new IllegalArgumentException("not a literal: " + word);
            }
        };
    }

    private Object number() {
        Matcher matcher = NUMBER.matcher(text).region(pos, text.length());
        if (!matcher.lookingAt() || matcher.end() == pos) {
            throw new IllegalArgumentException("not a number");
        }
        String token = matcher.group().replace("_", "");
        pos = matcher.end();
        if (pos < text.length() && Character.isLetterOrDigit(peek())) {
            throw new IllegalArgumentException("not a number");
        }
        if (matcher.group("imaginary") != null) {
            throw new IllegalArgumentException("complex numbers cannot be compared with metadata");
        }
        if (matcher.group("float") != null) {
            return UNMATCHABLE;
        }
        if (matcher.group("decimal") == null) {
            int radix = switch (Character.toLowerCase(token.charAt(1))) {
                case 'x' -> 16;
                case 'o' -> 8;
                default -> 2;
            };
            return new BigInteger(token.substring(2), radix);
        }
        if (!NO_LEADING_ZERO.matcher(matcher.group("decimal")).matches()) {
            throw new IllegalArgumentException("leading zeros are not allowed: " + token);
        }
        return new BigInteger(token);
    }

    /** One or more adjacent string literals; str and bytes cannot be mixed. */
    private Object strings() {
        StringBuilder out = new StringBuilder();
        Boolean bytes = null;
        do {
            int start = pos;
            while (Character.isLetter(peek())) {
                pos++;
            }
            String prefix = text.substring(start, pos).toLowerCase(Locale.ROOT);
            boolean isBytes = prefix.contains("b");
            if (bytes != null && bytes != isBytes) {
                throw new IllegalArgumentException("cannot mix bytes and nonbytes literals");
            }
            bytes = isBytes;
            out.append(string(prefix.contains("r"), isBytes));
            skipSpace();
        } while (pos < text.length() && startsString());
        return bytes ? UNMATCHABLE : out.toString();
    }

    private boolean startsString() {
        int i = pos;
        while (i < text.length() && i - pos < 2 && Character.isLetter(text.charAt(i))) {
            i++;
        }
        return i < text.length()
                && (text.charAt(i) == '\'' || text.charAt(i) == '"')
                && text.substring(pos, i).matches("(?i)|[rub]|rb|br");
    }

    private String string(boolean raw, boolean bytes) {
        char quote = text.charAt(pos);
        boolean triple = text.startsWith(String.valueOf(quote).repeat(3), pos);
        pos += triple ? 3 : 1;
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = text.charAt(pos);
            if (c == quote && (!triple || text.startsWith(String.valueOf(quote).repeat(3), pos))) {
                pos += triple ? 3 : 1;
                return out.toString();
            }
            if ((c == '\n' || c == '\r') && !triple) {
                throw new IllegalArgumentException("unterminated string");
            }
            if (bytes && c > 127) {
                throw new IllegalArgumentException("bytes can only contain ASCII literal characters");
            }
            pos++;
            if (c != '\\') {
                out.append(c);
            } else if (raw) {
                out.append(c).append(text.charAt(pos++)); // a raw string keeps the backslash, even before a quote
            } else {
                escape(out, bytes);
            }
        }
    }

    private void escape(StringBuilder out, boolean bytes) {
        char c = text.charAt(pos++);
        switch (c) {
            case '\n' -> {} // a backslash at the end of a line continues the string
            case '\\', '\'', '"' -> out.append(c);
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'v' -> out.append('\u000b');
            case 'x' -> out.appendCodePoint(hex(2));
            case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                int value = c - '0';
                for (int i = 0;
                        i < 2 && pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '7';
                        i++) {
                    value = value * 8 + text.charAt(pos++) - '0';
                }
                out.appendCodePoint(value);
            }
            case 'u', 'U', 'N' -> {
                if (bytes) {
                    out.append('\\').append(c); // not escapes in bytes
                } else if (c == 'N') {
                    expect('{');
                    int end = text.indexOf('}', pos);
                    out.appendCodePoint(Character.codePointOf(text.substring(pos, end)));
                    pos = end + 1;
                } else {
                    out.appendCodePoint(hex(c == 'u' ? 4 : 8));
                }
            }
            default -> out.append('\\').append(c); // an unknown escape keeps its backslash
        }
    }

    private int hex(int digits) {
        String hex = text.substring(pos, pos + digits);
        if (!hex.matches("[0-9a-fA-F]+")) {
            throw new IllegalArgumentException("truncated escape");
        }
        pos += digits;
        int codePoint = Integer.parseInt(hex, 16);
        if (!Character.isValidCodePoint(codePoint)) {
            throw new IllegalArgumentException("illegal Unicode character");
        }
        return codePoint;
    }

    private char peek() {
        return text.charAt(pos);
    }

    private void expect(char c) {
        if (text.charAt(pos++) != c) {
            throw new IllegalArgumentException("expected " + c);
        }
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
