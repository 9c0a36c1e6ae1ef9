package io.cairn.compat;

import java.util.Map;

/**
 * Python's {@code json.dumps} with its defaults ({@code ", "} and {@code ": "} separators, non-ASCII escaped as
 * UTF-16 escapes such as {@code \\u00e9}), for what Cinder hashes: dicts of strings and of such dicts.
 */
public final class PythonJson {
    private PythonJson() {}

    /** {@code json.dumps(dict)}, in the map's order; each value is a string or another such map. */
    public static String dumps(Map<String, ?> dict) {
        StringBuilder out = new StringBuilder();
        write(out, dict);
        return out.toString();
    }

    private static void write(StringBuilder out, Map<String, ?> dict) {
        out.append('{');
        String separator = "";
        for (Map.Entry<String, ?> pair : dict.entrySet()) {
            out.append(separator);
            string(out, pair.getKey());
            out.append(": ");
            if (pair.getValue() instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked") // the documented contract: string keys all the way down
                Map<String, ?> inner = (Map<String, ?>) nested;
                write(out, inner);
            } else {
                string(out, (String) pair.getValue());
            }
            separator = ", ";
        }
        out.append('}');
    }

    private static void string(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
