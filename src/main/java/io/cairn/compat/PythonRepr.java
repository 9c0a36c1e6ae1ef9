package io.cairn.compat;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Renders values the way Python prints them, because Cinder's messages embed Python's {@code repr()} and
 * {@code str()} of the offending value (a JSON request value, or a tuple of names).
 */
public final class PythonRepr {
    private PythonRepr() {}

    public static String repr(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "None";
        }
        if (node.isString()) {
            return repr(node.asString());
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? "True" : "False";
        }
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        if (node.isNumber()) {
            return floatRepr(node.doubleValue());
        }
        StringBuilder out = new StringBuilder();
        if (node.isArray()) {
            out.append('[');
            Iterator<JsonNode> items = node.values().iterator();
            while (items.hasNext()) {
                out.append(repr(items.next()));
                if (items.hasNext()) {
                    out.append(", ");
                }
            }
            return out.append(']').toString();
        }
        out.append('{');
        Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            out.append(repr(field.getKey())).append(": ").append(repr(field.getValue()));
            if (fields.hasNext()) {
                out.append(", ");
            }
        }
        return out.append('}').toString();
    }

    /** Python's {@code str()}: a string prints bare, anything else as its repr. */
    public static String str(JsonNode node) {
        return node != null && node.isString() ? node.asString() : repr(node);
    }

    /** Python's repr of a tuple of strings, such as {@code ('a', 'b')}; one item keeps its trailing comma. */
    public static String tuple(List<String> items) {
        String joined = items.stream().map(PythonRepr::repr).collect(Collectors.joining(", "));
        return "(" + joined + (items.size() == 1 ? ",)" : ")");
    }

    public static String repr(String text) {
        char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(quote);
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (cp == quote) {
                        out.append('\\').append((char) cp);
                    } else if (cp < 0x20 || cp == 0x7f) {
                        out.append(String.format("\\x%02x", cp));
                    } else if (!isPrintable(cp)) {
                        out.append(
                                cp <= 0xff
                                        ? String.format("\\x%02x", cp)
                                        : cp <= 0xffff ? String.format("\\u%04x", cp) : String.format("\\U%08x", cp));
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        return out.append(quote).toString();
    }

    private static boolean isPrintable(int cp) {
        int type = Character.getType(cp);
        return cp == ' '
                || !(type == Character.CONTROL
                        || type == Character.FORMAT
                        || type == Character.SURROGATE
                        || type == Character.PRIVATE_USE
                        || type == Character.UNASSIGNED
                        || type == Character.LINE_SEPARATOR
                        || type == Character.PARAGRAPH_SEPARATOR
                        || type == Character.SPACE_SEPARATOR);
    }

    /**
     * Python's float repr: the shortest digits that read back as the same double (as Java's), positional from
     * 1e-4 to below 1e16, else with an exponent of at least two digits.
     */
    private static String floatRepr(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        String sign = Double.doubleToRawLongBits(value) < 0 ? "-" : "";
        BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        if (shortest.signum() == 0 || (exponent >= -4 && exponent < 16)) {
            String plain = shortest.toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
}
