package io.cairn.http.aksk;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Huawei Cloud's SDK-HMAC-SHA256 request signature, computed exactly as the SDK's {@code AKSKSigner} does,
 * from the request as it arrived: the raw path, the query, the headers the client lists in
 * {@code SignedHeaders} (trusted as given, since SDK versions differ in which they sign) and the payload hash.
 */
public final class SdkHmacSha256 {
    public static final String ALGORITHM = "SDK-HMAC-SHA256";
    public static final String EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /** Python's and Go's order of strings: by code point (Java's compareTo orders UTF-16 units). */
    private static final Comparator<String> CODE_POINT_ORDER =
            (a, b) -> Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());

    private SdkHmacSha256() {}

    /** How the canonical query orders the values of a name that appears more than once: Huawei's signers differ. */
    public enum RepeatedValues {
        /** As the request sends them: the Java SDK. */
        REQUEST_ORDER,
        /** Sorted, before they are encoded: the Go and Python SDKs. */
        SORTED
    }

    /**
     * The canonical request: method, URI, query, headers, signed header names and payload hash, one per line.
     *
     * @param rawPath the path as sent (percent-encoded), whose segments are encoded once more, as the SDK does
     * @param rawQuery the query string as sent, or null
     * @param repeatedValues the order of a repeated name's values, which the signature does not tell
     * @param signedHeaders lowercase header names, in the client's order (which the SDK sorts)
     * @param headers the request's headers by name; every signed header must be present
     */
    public static String canonicalRequest(
            String method,
            String rawPath,
            String rawQuery,
            RepeatedValues repeatedValues,
            List<String> signedHeaders,
            Function<String, String> headers,
            String payloadHash) {
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders) {
            String value = headers.apply(name);
            if (value == null) {
                throw new IllegalArgumentException("signed header " + name + " is missing");
            }
            canonicalHeaders.append(name).append(':').append(value).append('\n');
        }
        return String.join(
                "\n",
                method,
                canonicalUri(rawPath),
                canonicalQuery(rawQuery, repeatedValues),
                canonicalHeaders,
                String.join(";", signedHeaders),
                payloadHash);
    }

    /** Each segment encoded and followed by "/", so the result always ends with "/"; "/" stays "/". */
    static String canonicalUri(String rawPath) {
        if (rawPath.equals("/")) {
            return rawPath;
        }
        StringBuilder uri = new StringBuilder();
        for (String segment : rawPath.split("/")) { // as Java's split, trailing empty segments drop out
            uri.append(urlEncode(segment)).append('/');
        }
        return uri.toString();
    }

    /** Pairs sorted by encoded name; the values of a repeated name in {@code repeatedValues} order. */
    static String canonicalQuery(String rawQuery, RepeatedValues repeatedValues) {
        Map<String, List<String>> sorted = new TreeMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                sorted.computeIfAbsent(urlEncode(name), k -> new ArrayList<>()).add(value);
            }
        }
        List<String> pairs = new ArrayList<>();
        sorted.forEach((name, values) -> {
            if (repeatedValues == RepeatedValues.SORTED) {
                values.sort(CODE_POINT_ORDER);
            }
            values.forEach(value -> pairs.add(name + "=" + urlEncode(value)));
        });
        return String.join("&", pairs);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text; // a stray '%': the client signed what it sent
        }
    }

    /** {@code URLEncoder} with '+' as %20, '*' as %2A and '~' left bare, as the SDK's {@code SignUtils}. */
    static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A")
                .replace("%7E", "~");
    }

    public static String stringToSign(String sdkDate, String canonicalRequest) {
        return ALGORITHM + "\n" + sdkDate + "\n" + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    /** Lowercase hex HMAC-SHA256 of the string to sign, keyed with the secret's UTF-8 bytes. */
    public static String signature(String secret, String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
