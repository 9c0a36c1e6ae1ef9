package io.cairn.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the dict literal that clients send as a metadata filter ({@code {'k': 'v'}}, the repr
 * cinderclient sends, or JSON). Only string keys and values are kept as matchable; anything that is not
 * a dict of scalars gives empty, as Cinder's {@code ast.literal_eval} failure does.
 */
final class PythonLiteral {
    private final String text;
    private int pos;

    private PythonLiteral(String text) {
        this.text = text;
    }

    /** The dict, with non-string values as {@code null} (they can match no stored value). */
    static Optional<Map<String, String>> parseDict(String text) {
        PythonLiteral parser = new PythonLiteral(text);
        try {
            Map<String, String> result = parser.dict();
            parser.skipSpace();
            return parser.pos == text.length() ? Optional.of(result) : Optional.empty();
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    private Map<String, String> dict() {
        skipSpace();
        expect('{');
        Map<String, String> result = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return result;
        }
        while (true) {
            skipSpace();
            Object key = scalar();
            skipSpace();
            expect(':');
            skipSpace();
            Object value = scalar();
            if (!(key instanceof String k)) {
                throw new IllegalArgumentException("non-string key");
            }
            result.put(k, value instanceof String v ? v : null);
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

    private Object scalar() {
        char c = peek();
        if (c == '\'' || c == '"') {
            return string(c);
        }
        int start = pos;
        while (pos < text.length() && "{}:,".indexOf(text.charAt(pos)) < 0 && !Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        String word = text.substring(start, pos);
        if (word.equals("True") || word.equals("False") || word.equals("None") || word.equals("true")
                || word.equals("false") || word.equals("null")) {
            return Boolean.TRUE; // a keyword, not a string: it matches nothing

        }
        if (!word.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?")) {
            throw new IllegalArgumentException("not a literal: " + word);
        }
        return Double.valueOf(word);
    }

    private String string(char quote) {
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = text.charAt(pos++);
            if (c == quote) {
                return out.toString();
            }
            if (c == '\\') {
                char escaped = text.charAt(pos++);
                switch (escaped) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> out.append(escaped);
                }
            } else {
                out.append(c);
            }
        }
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
