package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OffsetAnchorsTest {
    private static final OffsetAnchors.Key KEY = new OffsetAnchors.Key(
            "snapshots",
            Optional.of("p"),
            List.of(),
            List.of(new ListQuery.SortKey("created_at", false), new ListQuery.SortKey("id", false)),
            Optional.empty());

    private static OffsetAnchors.Anchor anchor(int offset, long generation) {
        return new OffsetAnchors.Anchor(offset, new ListQuery.Marker(List.of(offset, "id" + offset)), generation);
    }

    @Test
    void theNearestAnchorIsTheDeepestAtOrBeforeTheOffset() {
        OffsetAnchors anchors = new OffsetAnchors();
        anchors.remember(KEY, anchor(1_050, 7));
        anchors.remember(KEY, anchor(1_100, 7));

        assertThat(anchors.nearest(KEY, 1_049)).isEmpty();
        assertThat(anchors.nearest(KEY, 1_050)).contains(anchor(1_050, 7));
        assertThat(anchors.nearest(KEY, 5_000)).contains(anchor(1_100, 7));
        assertThat(anchors.nearest(
                        new OffsetAnchors.Key("volumes", KEY.projectId(), KEY.filters(), KEY.sortKeys(), KEY.marker()),
                        5_000))
                .isEmpty();
    }

    @Test
    void shallowAnchorsAreNotKept() {
        OffsetAnchors anchors = new OffsetAnchors();
        anchors.remember(KEY, anchor(OffsetAnchors.DEEP - 1, 7));

        assertThat(anchors.nearest(KEY, OffsetAnchors.DEEP)).isEmpty();
    }

    @Test
    void anAnchorOfANewGenerationDropsTheOlderOnesAndForgettingDropsAll() {
        OffsetAnchors anchors = new OffsetAnchors();
        anchors.remember(KEY, anchor(1_050, 7));
        anchors.remember(KEY, anchor(2_000, 8));

        assertThat(anchors.nearest(KEY, 1_500)).isEmpty();
        assertThat(anchors.nearest(KEY, 2_000)).contains(anchor(2_000, 8));

        anchors.forget(KEY);
        assertThat(anchors.nearest(KEY, 2_000)).isEmpty();
    }

    @Test
    void aQueryKeepsItsMostRecentlyUsedAnchorsWithinItsBound() {
        OffsetAnchors anchors = new OffsetAnchors();
        anchors.remember(KEY, anchor(1_000, 7));
        for (int page = 1; page < 100; page++) {
            anchors.remember(KEY, anchor(1_000 + 50 * page, 7));
            anchors.nearest(KEY, 1_000); // one client keeps reading the first deep page
        }

        assertThat(anchors.nearest(KEY, 1_000)).contains(anchor(1_000, 7));
        assertThat(anchors.nearest(KEY, 1_000 + 50 * 99)).contains(anchor(1_000 + 50 * 99, 7));
        assertThat(anchors.nearest(KEY, 1_000 + 50 * 37)).contains(anchor(1_000 + 50 * 37, 7));
        assertThat(anchors.nearest(KEY, 1_000 + 50 * 36 + 10)).contains(anchor(1_000, 7));
    }
}
