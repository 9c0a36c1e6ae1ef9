package io.cairn.compat;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the metadata filter as Cinder's {@code ast.literal_eval} does, for what clients send: the repr of a
 * dict (cinderclient and openstacksdk send {@code str(dict)}, such as {@code {'k': 'v'}}) or JSON. Anything that
 * is not such a dict gives empty, as a failed {@code literal_eval} (or a non-dict result) makes Cinder's list
 * empty. Python's other literal forms (bytes, raw and triple-quoted strings, adjacent strings, octal escapes,
 * hexadecimal or complex numbers) come from no client and are not read.
 *
 * <p>Keys and values are returned as the text a stored metadata string would have to equal: strings as
 * they are, integers in decimal and booleans as {@code 1}/{@code 0} (SQLite compares a bound number with a
 * text column as text). {@code None} and floats can equal no stored text and are returned as {@code null}.
 */
public final class PythonLiteral {
    /** A decimal integer (no leading zeros unless zero) or a float, with a point or an exponent. */
    private static final Pattern NUMBER = Pattern.compile(
            "(?<float>\\d+\\.\\d*(?:[eE][+-]?\\d+)?|\\.\\d+(?:[eE][+-]?\\d+)?|\\d+[eE][+-]?\\d+)|(?<integer>[1-9]\\d*|0+)");
    /** Stands for a literal that no stored metadata text equals. */
    private static final Object UNMATCHABLE = new Object();

    private final String text;
    private int pos;

    private PythonLiteral(String text) {
        this.text = text;
    }

    /** The dict, keys and values as matchable text ({@code null} where nothing can match); empty when not a dict. */
    public static Optional<Map<String, String>> parseDict(String text) {
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

    /** A string, a signed number, True, False or None. */
    private Object literal() {
        char c = peek();
        if (c == '\'' || c == '"') {
            return string(c);
        }
        if (c == '+' || c == '-') {
            pos++;
            skipSpace();
            Object number = number();
            return c == '-' && number instanceof BigInteger integer ? integer.negate() : number;
        }
        if (Character.isDigit(c) || c == '.') {
            return number();
        }
        for (String word : new String[] {"True", "False", "None"}) {
            if (text.startsWith(word, pos)) {
                pos += word.length();
                if (pos < text.length() && Character.isLetterOrDigit(peek())) {
                    break;
                }
                return word.equals("None") ? UNMATCHABLE : Boolean.valueOf(word.equals("True"));
            }
        }
        throw new IllegalArgumentException("not a literal at " + pos);
    }

    private Object number() {
        Matcher matcher = NUMBER.matcher(text).region(pos, text.length());
        if (!matcher.lookingAt()) {
            throw new IllegalArgumentException("not a number");
        }
        pos = matcher.end();
        if (pos < text.length() && (Character.isLetterOrDigit(peek()) || peek() == '.')) {
            throw new IllegalArgumentException("not a number"); // 0x1, 1j, 01 and the like
        }
        return matcher.group("float") != null ? UNMATCHABLE : new BigInteger(matcher.group("integer"));
    }

    /** One quoted string with the escapes repr and JSON write; an unknown escape keeps its backslash, as in Python. */
    private String string(char quote) {
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = text.charAt(pos++);
            if (c == quote) {
                return out.toString();
            }
            if (c == '\n' || c == '\r') {
                throw new IllegalArgumentException("unterminated string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escaped = text.charAt(pos++);
            switch (escaped) {
                case '\\', '\'', '"' -> out.append(escaped);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'x' -> out.appendCodePoint(hex(2));
                case 'u' -> out.appendCodePoint(hex(4));
                case 'U' -> out.appendCodePoint(hex(8));
                default -> out.append('\\').append(escaped);
            }
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
