package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.domain.RowVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rendered-view cache: exact keys, the memory bound, and bytes that stay whole as the ring wraps. */
class RenderedViewCacheTest {
    private static final RenderedViewCache.Variant DETAIL = new RenderedViewCache.Variant("detail");
    private static final RenderedViewCache.Variant SUMMARY = new RenderedViewCache.Variant("summary");

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEntryIsFoundOnlyUnderItsIdVersionAndVariant() {
        RenderedViewCache cache = new RenderedViewCache(1 << 16);
        cache.put("a", 7, DETAIL, bytes("{\"id\":\"a\"}"));

        assertThat(cache.get("a", 7, DETAIL)).isEqualTo(bytes("{\"id\":\"a\"}"));
        assertThat(cache.get("a", 8, DETAIL)).isNull();
        assertThat(cache.get("a", 6, DETAIL)).isNull();
        assertThat(cache.get("a", 7, SUMMARY)).isNull();
        assertThat(cache.get("b", 7, DETAIL)).isNull();
        assertThat(cache.get("a", 7, new RenderedViewCache.Variant("detail"))).isEqualTo(bytes("{\"id\":\"a\"}"));
    }

    @Test
    void idsThatAreNotCanonicalUuidsAreKeptApart() {
        RenderedViewCache cache = new RenderedViewCache(1 << 16);
        String lower = "0b1e0c56-4b8e-4f1a-9a57-2b6f2e1b9c01";
        String upper = lower.toUpperCase(java.util.Locale.ROOT);
        cache.put(lower, 1, DETAIL, bytes("\"lower\""));
        cache.put(upper, 1, DETAIL, bytes("\"upper\""));
        cache.put("backend-snapshot-7", 1, DETAIL, bytes("\"other\""));

        assertThat(cache.get(lower, 1, DETAIL)).isEqualTo(bytes("\"lower\""));
        assertThat(cache.get(upper, 1, DETAIL)).isEqualTo(bytes("\"upper\""));
        assertThat(cache.get("backend-snapshot-7", 1, DETAIL)).isEqualTo(bytes("\"other\""));
        assertThat(cache.get("0b1e0c56-4b8e-4f1a-9a57-2b6f2e1b9c02", 1, DETAIL)).isNull();
    }

    @Test
    void aNewVersionReplacesTheOldOne() {
        RenderedViewCache cache = new RenderedViewCache(1 << 16);
        cache.put("a", 1, DETAIL, bytes("{\"v\":1}"));
        cache.put("a", 2, DETAIL, bytes("{\"v\":2}"));

        assertThat(cache.get("a", 1, DETAIL)).isNull();
        assertThat(cache.get("a", 2, DETAIL)).isEqualTo(bytes("{\"v\":2}"));
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void entriesPastTheBoundAreEvictedOldestFirst() {
        int capacity = 4096;
        RenderedViewCache cache = new RenderedViewCache(capacity);
        byte[] view = new byte[100];
        for (int i = 0; i < 100; i++) {
            view[0] = (byte) i;
            cache.put("row-" + i, 1, DETAIL, view.clone());
        }

        // 100 entries of 100 bytes in 4096: only the newest 40 fit, and the index holds no more than those.
        assertThat(cache.size()).isEqualTo(40);
        for (int i = 0; i < 60; i++) {
            assertThat(cache.get("row-" + i, 1, DETAIL)).as("row-%d", i).isNull();
        }
        for (int i = 60; i < 100; i++) {
            assertThat(cache.get("row-" + i, 1, DETAIL)).as("row-%d", i).startsWith((byte) i);
        }
    }

    @Test
    void bytesStayWholeAcrossBlocksAndTheRingsEnd() {
        // Two blocks, the second a partial one, so entries straddle the block boundary and the ring's end.
        int capacity = (1 << 20) + 1000;
        RenderedViewCache cache = new RenderedViewCache(capacity);
        Random random = new Random(15);
        List<byte[]> written = new ArrayList<>();
        long total = 0;
        int count = 0;
        while (total < 3L * capacity) {
            byte[] view = new byte[1 + random.nextInt(5000)];
            random.nextBytes(view);
            cache.put("row-" + count, count, DETAIL, view);
            written.add(view);
            total += view.length;
            count++;
        }
        long kept = 0;
        int found = 0;
        for (int i = count - 1; i >= 0 && kept + written.get(i).length <= capacity; i--) {
            assertThat(cache.get("row-" + i, i, DETAIL)).as("row-%d", i).isEqualTo(written.get(i));
            kept += written.get(i).length;
            found++;
        }
        assertThat(found).isGreaterThan(300);
        assertThat(cache.size()).isEqualTo(found);
    }

    @Test
    void aViewLargerThanTheBoundIsNotKept() {
        RenderedViewCache cache = new RenderedViewCache(10);
        cache.put("a", 1, DETAIL, new byte[11]);
        assertThat(cache.get("a", 1, DETAIL)).isNull();
        assertThat(new RenderedViewCache(0).size()).isZero();
    }

    private record Row(String id, long version) {}

    @Test
    void aPageLoadsOnlyTheRowsNotKeptAndKeepsThePageOrder() {
        RenderedViewCache cache = new RenderedViewCache(1 << 16);
        cache.put("b", 2, DETAIL, bytes("\"kept b\""));
        List<Collection<String>> loads = new ArrayList<>();
        Map<String, Row> rows = Map.of("a", new Row("a", 1), "c", new Row("c", 5));

        List<RenderedViewCache.Raw> page = cache.page(
                List.of(new RowVersion("a", 1), new RowVersion("b", 2), new RowVersion("c", 3), new RowVersion("d", 1)),
                DETAIL,
                ids -> {
                    loads.add(List.copyOf(ids));
                    return ids.stream().filter(rows::containsKey).map(rows::get).toList();
                },
                Row::id,
                Row::version,
                row -> bytes("\"" + row.id() + row.version() + "\""));

        // c was read at version 3 and loaded at 5 (written meanwhile): the newer view is shown and kept; d is gone.
        assertThat(loads).containsExactly(List.of("a", "c", "d"));
        assertThat(page).extracting(RenderedViewCache.Raw::id).containsExactly("a", "b", "c");
        assertThat(Json.MAPPER.writeValueAsString(page)).isEqualTo("[\"a1\",\"kept b\",\"c5\"]");
        assertThat(new String(Json.MAPPER.writeValueAsBytes(page), StandardCharsets.UTF_8))
                .isEqualTo("[\"a1\",\"kept b\",\"c5\"]");
        assertThat(cache.get("c", 5, DETAIL)).isEqualTo(bytes("\"c5\""));
        assertThat(cache.get("c", 3, DETAIL)).isNull();
    }
}
