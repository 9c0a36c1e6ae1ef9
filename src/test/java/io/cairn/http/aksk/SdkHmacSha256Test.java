package io.cairn.http.aksk;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.http.aksk.SdkHmacSha256.RepeatedValues;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The signature algorithm, against the test vector of Huawei's signing guide and the SDK's canonical forms. */
class SdkHmacSha256Test {
    @Test
    void signsHuaweisTestVector() {
        String stringToSign =
                "SDK-HMAC-SHA256\n20191115T033655Z\nb25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a";

        assertThat(SdkHmacSha256.signature("MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc", stringToSign))
                .isEqualTo("7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe");
    }

    @Test
    void canonicalUriEndsEverySegmentWithASlash() {
        assertThat(SdkHmacSha256.canonicalUri("/v2/p/cloudsnapshots")).isEqualTo("/v2/p/cloudsnapshots/");
        assertThat(SdkHmacSha256.canonicalUri("/v2/p/cloudsnapshots/")).isEqualTo("/v2/p/cloudsnapshots/");
        assertThat(SdkHmacSha256.canonicalUri("/")).isEqualTo("/");
    }

    @Test
    void canonicalQuerySortsByNameAndKeepsTheOrderOfRepeatedValuesAsTheJavaSdkDoes() {
        assertThat(SdkHmacSha256.canonicalQuery("limit=2&id=b&id=a&name=a%20b*~&empty=", RepeatedValues.REQUEST_ORDER))
                .isEqualTo("empty=&id=b&id=a&limit=2&name=a%20b%2A~");
        assertThat(SdkHmacSha256.canonicalQuery(null, RepeatedValues.REQUEST_ORDER))
                .isEmpty();
    }

    /** The Go and Python signers sort a repeated name's values as they are, before encoding them. */
    @Test
    void canonicalQuerySortsTheValuesOfARepeatedNameAsTheGoAndPythonSdksDo() {
        assertThat(SdkHmacSha256.canonicalQuery("limit=2&id=b&id=a&id=%C3%A9&id=A%20z&name=x", RepeatedValues.SORTED))
                .isEqualTo("id=A%20z&id=a&id=b&id=%C3%A9&limit=2&name=x");
        assertThat(SdkHmacSha256.canonicalQuery(null, RepeatedValues.SORTED)).isEmpty();
    }

    @Test
    void canonicalRequestHasABlankLineAfterTheHeaders() {
        Map<String, String> headers = Map.of("host", "127.0.0.1:8776", "x-sdk-date", "20191115T033655Z");

        String canonical = SdkHmacSha256.canonicalRequest(
                "GET",
                "/v3/p/snapshots/detail",
                "limit=1",
                RepeatedValues.REQUEST_ORDER,
                List.of("host", "x-sdk-date"),
                headers::get,
                SdkHmacSha256.EMPTY_BODY_SHA256);

        assertThat(canonical)
                .isEqualTo("GET\n/v3/p/snapshots/detail/\nlimit=1\nhost:127.0.0.1:8776\nx-sdk-date:20191115T033655Z\n\n"
                        + "host;x-sdk-date\n" + SdkHmacSha256.EMPTY_BODY_SHA256);
    }
}
