package io.cairn.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixed traffic at a fixed rate that the server sustains (lists, shows, metadata writes, and a steady churn of
 * snapshot creates and deletes): not one unexpected answer, and the server's resident memory stays flat once
 * warmed up. Ten minutes in the long run ({@code -Dcairn.long=true}); a short smoke run otherwise. The rate
 * is {@code -Dcairn.load.rate} requests per second (default 200); {@code -Dcairn.load.seconds} overrides the length.
 */
@DisabledIfSystemProperty(
        named = "cairn.test.db",
        matches = "postgresql",
        disabledReason = "runs once, in the SQLite execution")
class SustainedLoadTest {
    private static final String PROJECT = "a7a7a7a7a7a740a7a7a7a7a7a7a7a7a7";
    private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    @TempDir
    Path dataDir;

    @Test
    void mixedTrafficAtASustainableRateHasNoErrorsAndFlatMemory() throws Exception {
        Duration duration = Duration.ofSeconds(Integer.getInteger("cairn.load.seconds", LongRun.pick(15, 600)));
        int rate = Integer.getInteger("cairn.load.rate", 200);
        // A bounded heap, as an operator runs it: without one the JVM may grow towards a quarter of the machine.
        try (ServerProcess server = ServerProcess.start(dataDir, Map.of("JAVA_TOOL_OPTIONS", "-Xmx256m"))) {
            ApiClient api = new ApiClient(server, PROJECT);
            String volume = api.post("/volumes", "{\"volume\":{\"size\":1}}")
                    .json()
                    .at("/volume/id")
                    .asString();
            await(api, "/volumes/" + volume, "/volume/status");
            List<String> stable = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                stable.add(api.post(
                                "/snapshots",
                                "{\"snapshot\":{\"volume_id\":\"" + volume + "\",\"name\":\"base-" + i
                                        + "\",\"metadata\":{\"tier\":\"" + (i % 2 == 0 ? "gold" : "silver") + "\"}}}")
                        .json()
                        .at("/snapshot/id")
                        .asString());
            }
            for (String snapshot : stable) {
                await(api, "/snapshots/" + snapshot, "/snapshot/status");
            }

            Map<String, AtomicLong> unexpected = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();
            AtomicLong sent = new AtomicLong();
            List<Long> rssSamples = Collections.synchronizedList(new ArrayList<>());
            long end = System.nanoTime() + duration.toNanos();
            long intervalNanos = 1_000_000_000L / rate;
            Random random = new Random();
            try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
                requests.submit(() -> churnSnapshots(api, volume, end, unexpected, examples));
                long next = System.nanoTime();
                long nextSample = next;
                while (next < end) {
                    long now = System.nanoTime();
                    if (now >= nextSample) {
                        rssSamples.add(rssKib(server.pid()));
                        nextSample = now + 5_000_000_000L;
                    }
                    if (now < next) {
                        TimeUnit.NANOSECONDS.sleep(next - now);
                    }
                    next += intervalNanos;
                    String snapshot = stable.get(random.nextInt(stable.size()));
                    int pick = random.nextInt(100);
                    sent.incrementAndGet();
                    requests.submit(() -> {
                        String[] request = request(pick, snapshot, volume);
                        expect(
                                api,
                                request[0],
                                request[1],
                                request[2],
                                Integer.parseInt(request[3]),
                                unexpected,
                                examples);
                    });
                }
            }
            System.out.printf(
                    "load: %d requests in %s at %d/s; RSS samples (KiB): %s%n", sent.get(), duration, rate, rssSamples);
            assertThat(unexpected).as("unexpected answers, e.g. %s", examples).isEmpty();
            if (duration.compareTo(Duration.ofMinutes(2)) >= 0) {
                assertFlat(rssSamples);
            }
        }
    }

    /** {method, path, body, expected status} for a roll of the dice. */
    private static String[] request(int pick, String snapshot, String volume) {
        if (pick < 35) {
            return new String[] {"GET", "/snapshots/detail?limit=50", null, "200"};
        } else if (pick < 45) {
            return new String[] {"GET", "/snapshots?limit=1000&sort=name:asc", null, "200"};
        } else if (pick < 55) {
            return new String[] {"GET", "/snapshots/detail?limit=20&metadata=%7B%22tier%22%3A%22gold%22%7D", null, "200"
            };
        } else if (pick < 60) {
            return new String[] {"GET", "/snapshots/detail?limit=10&marker=" + snapshot, null, "200"};
        } else if (pick < 80) {
            return new String[] {"GET", "/snapshots/" + snapshot, null, "200"};
        } else if (pick < 88) {
            return new String[] {
                "POST", "/snapshots/" + snapshot + "/metadata", "{\"metadata\":{\"touched\":\"" + pick + "\"}}", "200"
            };
        } else if (pick < 94) {
            return new String[] {"GET", "/volumes/" + volume, null, "200"};
        } else {
            return new String[] {"GET", "/limits", null, "200"};
        }
    }

    /** One snapshot at a time is created, awaited, deleted and awaited gone, for the whole run. */
    private static void churnSnapshots(
            ApiClient api,
            String volume,
            long end,
            Map<String, AtomicLong> unexpected,
            ConcurrentLinkedQueue<String> examples) {
        try {
            while (System.nanoTime() < end) {
                ApiClient.Reply created =
                        api.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\",\"name\":\"churn\"}}");
                if (created.status() != 202) {
                    record(unexpected, examples, "POST /snapshots", created);
                    continue;
                }
                String id = created.json().at("/snapshot/id").asString();
                await(api, "/snapshots/" + id, "/snapshot/status");
                expect(api, "DELETE", "/snapshots/" + id, null, 202, unexpected, examples);
                while (api.get("/snapshots/" + id).status() != 404) {
                    Thread.sleep(20);
                }
            }
        } catch (Exception e) {
            unexpected.computeIfAbsent("churn: " + e, k -> new AtomicLong()).incrementAndGet();
        }
    }

    private static void expect(
            ApiClient api,
            String method,
            String path,
            String body,
            int status,
            Map<String, AtomicLong> unexpected,
            ConcurrentLinkedQueue<String> examples) {
        try {
            ApiClient.Reply reply = api.send(method, path, body);
            if (reply.status() != status) {
                record(unexpected, examples, method + " " + path, reply);
            }
        } catch (Exception e) {
            unexpected
                    .computeIfAbsent(method + " " + e.getClass().getSimpleName(), k -> new AtomicLong())
                    .incrementAndGet();
            if (examples.size() < 5) {
                examples.add(method + " " + path + ": " + e);
            }
        }
    }

    private static void record(
            Map<String, AtomicLong> unexpected,
            ConcurrentLinkedQueue<String> examples,
            String request,
            ApiClient.Reply reply) {
        unexpected
                .computeIfAbsent(request.split(" ")[0] + " " + reply.status(), k -> new AtomicLong())
                .incrementAndGet();
        if (examples.size() < 5) {
            examples.add(request + " -> " + reply.status() + " " + reply.text());
        }
    }

    /** After the first third (warm-up: JIT, heap growing to its working size), the last samples stay within 20% + 32 MiB. */
    private static void assertFlat(List<Long> samples) {
        List<Long> warm = samples.subList(samples.size() / 3, samples.size());
        long warmedUp = median(warm.subList(0, warm.size() / 3));
        long last = median(warm.subList(warm.size() * 2 / 3, warm.size()));
        assertThat(last)
                .as("RSS (KiB) at the end against after warm-up: %s", samples)
                .isLessThanOrEqualTo(warmedUp * 6 / 5 + 32 * 1024);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static long rssKib(long pid) throws java.io.IOException {
        Matcher matcher = VM_RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /** Waits until the status at {@code pointer} is available. */
    private static void await(ApiClient api, String path, String pointer) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            ApiClient.Reply reply = api.get(path);
            if (reply.status() == 200 && reply.json().at(pointer).asString().equals("available")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(path + " never became available");
    }
}
