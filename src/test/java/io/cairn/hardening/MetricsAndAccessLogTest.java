package io.cairn.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What an operator scrapes and reads: Prometheus metrics on GET /metrics, and one key=value line per request. */
class MetricsAndAccessLogTest {
    private static final String PROJECT = "f6f6f6f6f6f640f6f6f6f6f6f6f6f6f6";
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @TempDir
    Path dataDir;

    private TestServer server;
    private final ListAppender<ILoggingEvent> accessLog = new ListAppender<>();

    @BeforeEach
    void start() {
        ((Logger) LoggerFactory.getLogger("cairn.access")).addAppender(accessLog);
        accessLog.start();
        server = TestServer.start(dataDir);
    }

    @AfterEach
    void stop() {
        server.close();
        ((Logger) LoggerFactory.getLogger("cairn.access")).detachAppender(accessLog);
    }

    @Test
    void metricsCoverRequestsByRouteTasksPoolAndJvm() {
        Client admin = server.as("operator", PROJECT);
        String volume = admin.post("/volumes", "{\"volume\":{\"size\":1}}")
                .json()
                .at("/volume/id")
                .asString();
        admin.await("/volumes/" + volume, "/volume/status", "available");
        admin.get("/volumes/00000000-0000-4000-8000-000000000000");
        admin.get("/no/such/" + java.util.UUID.randomUUID());

        Reply metrics = admin.get("//metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).startsWith("text/plain");
        String text = metrics.text();
        assertThat(text)
                .contains(
                        "cairn_http_server_requests_seconds_bucket{method=\"GET\",route=\"/v3/{project_id}/volumes/{id}\",status=\"200\"")
                .contains(
                        "cairn_http_server_requests_seconds_count{method=\"GET\",route=\"/v3/{project_id}/volumes/{id}\",status=\"404\"}")
                .contains(
                        "cairn_http_server_requests_seconds_count{method=\"POST\",route=\"/v3/{project_id}/volumes\",status=\"202\"} 1")
                .contains("cairn_tasks_open{state=\"pending\"}")
                .contains("cairn_tasks_open{state=\"running\"}")
                .contains("cairn_tasks_oldest_open_age_seconds")
                .contains("cairn_tasks_attempts_seconds_count{kind=\"create_volume\",outcome=\"succeeded\"} 1")
                .contains("hikaricp_connections_active{pool=\"cairn-db\"}")
                .contains("hikaricp_connections_pending{pool=\"cairn-db\"}")
                .contains("jvm_memory_used_bytes{area=\"heap\"")
                .contains("jvm_threads_live_threads");
        assertThat(UUID.matcher(routeLabels(text)).find())
                .as("route labels are templates, never raw paths")
                .isFalse();
    }

    @Test
    void everyRequestLogsOneStructuredLineWithItsRouteTemplate() {
        Client member = server.as("alice", PROJECT, "member");
        Reply reply = member.get("/volumes/00000000-0000-4000-8000-000000000000");
        String requestId = reply.header("X-Openstack-Request-Id");

        List<String> lines = accessLog.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.contains(requestId))
                .toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .matches("request_id=" + Pattern.quote(requestId) + " project=" + PROJECT
                        + " method=GET route=/v3/\\{project_id}/volumes/\\{id} path=/v3/" + PROJECT
                        + "/volumes/00000000-0000-4000-8000-000000000000 status=404 duration_ms=\\d+\\.\\d{3}");
    }

    @Test
    void valuesThatWouldBreakTheLineAreQuoted() {
        Client odd = server.as("bob", "has space\"quote");
        String requestId = odd.get("//v3/").header("X-Openstack-Request-Id");

        String line = accessLog.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(l -> l.contains(requestId))
                .findFirst()
                .orElseThrow();
        assertThat(line).contains(" project=\"has space\\\"quote\" ").contains(" route=unrouted ");
    }

    private static String routeLabels(String exposition) {
        StringBuilder labels = new StringBuilder();
        Matcher matcher = Pattern.compile("route=\"([^\"]*)\"").matcher(exposition);
        while (matcher.find()) {
            labels.append(matcher.group(1)).append('\n');
        }
        return labels.toString();
    }
}
