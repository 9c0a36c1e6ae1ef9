package io.cairn.http.evs;

import com.huaweicloud.sdk.core.auth.AKSKSigner;
import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.core.http.HttpMethod;
import io.cairn.TestServer;
import io.cairn.TestServer.Reply;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * An EVS client that signs every request with AK/SK through the Huawei SDK core's own signer, as the SDK and the
 * Terraform provider's golangsdk do. Paths are below the server root ({@code /v5/{project}/...}); a query is given
 * unencoded. A signature is good for one request per second, so the same request is sent again a second later at the
 * earliest (the server refuses a replay).
 */
final class SignedEvsClient {
    private final TestServer server;
    private final EvsFixture.Credential credential;
    private final String project;
    private final Map<String, Long> lastSent = new HashMap<>();

    SignedEvsClient(TestServer server, EvsFixture.Credential credential, String project) {
        this.server = server;
        this.credential = credential;
        this.project = project;
    }

    Reply get(String pathAndQuery) {
        return send("GET", pathAndQuery, null);
    }

    Reply post(String path, String body) {
        return send("POST", path, body);
    }

    Reply put(String path, String body) {
        return send("PUT", path, body);
    }

    Reply delete(String path) {
        return send("DELETE", path, null);
    }

    /** Polls a job until it has one of the statuses given, returning its last answer. */
    JsonNode awaitJob(String jobId, String... statuses) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            Reply reply = get("/v2/" + project + "/jobs/" + jobId);
            if (reply.status() != 200) {
                throw new AssertionError("job " + jobId + ": " + reply.status() + " " + reply.text());
            }
            job = reply.json();
            if (List.of(statuses).contains(job.get("status").asString())) {
                return job;
            }
        }
        throw new AssertionError("job " + jobId + " never reached " + List.of(statuses) + "; last " + job);
    }

    synchronized Reply send(String method, String pathAndQuery, String body) {
        String key = method + " " + pathAndQuery + " " + body;
        Long previous = lastSent.get(key);
        if (previous != null) {
            sleepUntil(previous + Duration.ofMillis(1100).toNanos());
        }
        lastSent.put(key, System.nanoTime());
        int question = pathAndQuery.indexOf('?');
        String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
        Map<String, List<String>> query = new LinkedHashMap<>();
        List<String> encoded = new ArrayList<>();
        if (question >= 0) {
            for (String pair : pathAndQuery.substring(question + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                String value = kv.length > 1 ? kv[1] : "";
                query.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(value);
                encoded.add(kv[0] + "="
                        + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        var builder = com.huaweicloud.sdk.core.http.HttpRequest.newBuilder()
                .withMethod(HttpMethod.valueOf(method))
                .withEndpoint(server.baseUrl())
                .withPath(path)
                .withContentType("application/json;charset=UTF-8")
                .addHeader("X-Project-Id", project);
        query.forEach(builder::addQueryParam);
        if (body != null) {
            builder.withBodyAsString(body);
        }
        Map<String, String> signed = AKSKSigner.getInstance()
                .sign(
                        builder.build(),
                        new BasicCredentials()
                                .withAk(credential.access())
                                .withSk(credential.secret())
                                .withProjectId(project));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
                        server.baseUrl() + path + (encoded.isEmpty() ? "" : "?" + String.join("&", encoded))))
                .timeout(Duration.ofSeconds(30))
                .header("X-Project-Id", project)
                .header("Content-Type", "application/json;charset=UTF-8")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        signed.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Host")) { // the HTTP client sends the same Host itself
                request.header(name, value);
            }
        });
        return TestServer.send(request.build());
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait <= 0) {
            return;
        }
        try {
            Thread.sleep(Duration.ofNanos(wait));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
