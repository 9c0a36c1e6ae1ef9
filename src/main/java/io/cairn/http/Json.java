package io.cairn.http;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JSON mapper, Cinder's timestamp format (UTC, six fraction digits, no zone), and the NUL check of input. */
public final class Json {
    public static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private Json() {}

    /**
     * Whether any text of the tree, a field name or a string, holds U+0000. PostgreSQL cannot store it in text, so
     * such input is refused on every database alike, rather than accepted on SQLite and a server error on PostgreSQL.
     */
    public static boolean holdsNul(JsonNode node) {
        if (node.isString()) {
            return node.asString().indexOf('\u0000') >= 0;
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (field.getKey().indexOf('\u0000') >= 0 || holdsNul(field.getValue())) {
                return true;
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (holdsNul(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    public static String timestamp(Instant instant) {
        if (instant == null) {
            return null;
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        if (t.getYear() < 1000 || t.getYear() > 9999) {
            return TIMESTAMP.format(instant);
        }
        // By hand for the common four-digit years: list pages format two of these per row.
        char[] text = new char[26];
        digits(text, 0, t.getYear(), 4);
        text[4] = '-';
        digits(text, 5, t.getMonthValue(), 2);
        text[7] = '-';
        digits(text, 8, t.getDayOfMonth(), 2);
        text[10] = 'T';
        digits(text, 11, t.getHour(), 2);
        text[13] = ':';
        digits(text, 14, t.getMinute(), 2);
        text[16] = ':';
        digits(text, 17, t.getSecond(), 2);
        text[19] = '.';
        digits(text, 20, t.getNano() / 1000, 6);
        return new String(text);
    }

    private static void digits(char[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
