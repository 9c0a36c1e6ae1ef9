package io.cairn.http;

import io.cairn.compat.Python;
import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Negotiates the {@code OpenStack-API-Version: volume X.Y} header as Cinder does. */
final class Microversion {
    static final String HEADER = "OpenStack-API-Version";
    private static final Pattern FORMAT = Pattern.compile("^([1-9]\\d*)\\.([1-9]\\d*|0)$");

    private Microversion() {}

    /** The outcome: the version to use, or the fault and the version text to echo in the response header. */
    record Outcome(ApiVersion version, String echo, CairnException fault) {}

    /** Successful outcomes by header text: clients send the same few headers on every request. */
    private static final Map<String, Outcome> AGREED = new ConcurrentHashMap<>();

    private static final int MAX_AGREED = 256;

    static Outcome negotiate(String header) {
        Outcome agreed = header == null ? null : AGREED.get(header);
        if (agreed != null) {
            return agreed;
        }
        Outcome outcome = parse(header);
        if (header != null && outcome.fault() == null && AGREED.size() < MAX_AGREED) {
            AGREED.put(header, outcome);
        }
        return outcome;
    }

    private static Outcome parse(String header) {
        if (header == null) {
            return new Outcome(ApiVersion.MIN, ApiVersion.MIN.toString(), null);
        }
        String requested = null;
        for (String entry : header.split(",")) {
            // Cinder takes the first entry that mentions "volume" anywhere, case-sensitively: so gophercloud's
            // "volumev3 3.30" counts, "block-storage 3.30" and "Volume 3.30" do not.
            if (entry.contains("volume")) {
                List<String> words = Python.split(entry);
                // Cinder unpacks the entry into exactly two words and fails with a 500 otherwise; for a header the
                // client got wrong, Cairn keeps to the 400 of a header without a volume entry.
                requested = words.size() == 2 ? words.get(1) : null;
                break;
            }
        }
        if (requested == null) {
            return new Outcome(null, null, new CairnException(ErrorCode.INVALID_VERSION, Faults.GENERIC_400));
        }
        if (requested.equals("latest")) {
            return new Outcome(ApiVersion.MAX, ApiVersion.MAX.toString(), null);
        }
        if (!FORMAT.matcher(requested).matches()) {
            return new Outcome(
                    null,
                    null,
                    new CairnException(
                            ErrorCode.INVALID_VERSION,
                            "API Version String " + requested
                                    + " is of invalid format. Must be of format MajorNum.MinorNum."));
        }
        ApiVersion version;
        try {
            version = ApiVersion.of(requested);
        } catch (NumberFormatException e) {
            version = null;
        }
        if (version == null || version.compareTo(ApiVersion.MIN) < 0 || version.compareTo(ApiVersion.MAX) > 0) {
            return new Outcome(
                    null,
                    requested,
                    new CairnException(
                            ErrorCode.VERSION_NOT_SUPPORTED,
                            "Version " + requested + " is not supported by the API. Minimum is " + ApiVersion.MIN
                                    + " and maximum is " + ApiVersion.MAX + "."));
        }
        return new Outcome(version, version.toString(), null);
    }
}
