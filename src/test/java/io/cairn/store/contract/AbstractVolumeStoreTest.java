package io.cairn.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.domain.Volume;
import io.cairn.domain.VolumeAttachment;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeTransitions;
import io.cairn.store.ListQuery;
import io.cairn.store.ListQuery.Filter;
import io.cairn.store.ListQuery.SortKey;
import io.cairn.store.VolumeStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The volume store's contract, the same on every database: rows, status changes, admin metadata, attachments. */
public abstract class AbstractVolumeStoreTest extends StoreContract {
    VolumeStore volumes;

    protected AbstractVolumeStoreTest(StoreBackend backend) {
        super(backend);
    }

    @BeforeEach
    void stores() {
        volumes = new VolumeStore(database);
    }

    private Volume insert(long second) {
        Volume volume = volume(newId(), PROJECT, at(second), "node1@local#default");
        database.execute(tx -> volumes.insert(tx, volume));
        return volume;
    }

    private VolumeStatus status(String id) {
        return volumes.find(id, Optional.empty()).orElseThrow().status();
    }

    private long version(String id) {
        return volumes.findVersion(id, Optional.empty()).orElseThrow().version();
    }

    @Test
    void everyWriteToAVolumeOrWhatHangsOffItGivesItANewVersion() {
        String id = insert(1).id();
        String attachment = newId();
        List<java.util.function.Consumer<org.jooq.DSLContext>> writes = List.of(
                tx -> volumes.finish(tx, id, VolumeStatus.CREATING, VolumeStatus.AVAILABLE, at(2)),
                tx -> volumes.update(tx, id, "renamed", "about", at(3)),
                tx -> volumes.setBootable(tx, id, true, at(4)),
                tx -> volumes.setSize(tx, id, 2),
                tx -> volumes.setGroup(tx, id, Optional.of(newId()), at(5)),
                tx -> volumes.setGroup(tx, id, Optional.empty(), at(5)),
                tx -> volumes.replaceMetadata(tx, id, Map.of("k", "v")),
                tx -> volumes.setAdminMetadata(tx, id, "readonly", "True"),
                tx -> volumes.setAdminMetadata(tx, id, "readonly", "False"),
                tx -> volumes.deleteAdminMetadata(tx, id, "readonly"),
                tx -> volumes.apply(tx, VolumeTransitions.RESERVE, id, at(6)),
                tx -> volumes.addAttachment(
                        tx, new VolumeAttachment(attachment, id, newId(), "compute1", "/dev/vdb", "rw", at(6))),
                tx -> volumes.setAdminMetadata(tx, id, "attached_mode", "rw"),
                tx -> volumes.endAttachments(tx, id, Optional.of(attachment), at(7)),
                tx -> volumes.markDetached(tx, id),
                tx -> volumes.setPreviousStatus(tx, id, VolumeStatus.AVAILABLE),
                tx -> volumes.resetStatus(tx, id, Optional.of("backing-up"), Optional.empty(), Optional.empty(), at(8)),
                tx -> volumes.finishBackingUp(tx, id, at(9)));
        long last = version(id);
        assertThat(last).isPositive();
        for (int i = 0; i < writes.size(); i++) {
            database.execute(writes.get(i));
            long now = version(id);
            assertThat(now).as("write %d", i).isGreaterThan(last);
            last = now;
        }
        assertThat(volumes.findAll(List.of(id), Optional.empty()))
                .singleElement()
                .satisfies(v -> assertThat(v.version()).isEqualTo(version(id)));
    }

    @Test
    void anInsertedVolumeIsFoundWithItsHost() {
        Volume inserted = insert(1);

        Volume found = volumes.find(inserted.id(), Optional.of(PROJECT)).orElseThrow();

        assertThat(found).usingRecursiveComparison().ignoringFields("version").isEqualTo(inserted);
        assertThat(found.version()).isPositive();
        assertThat(found.host()).isEqualTo("node1@local#default");
        assertThat(volumes.all(Optional.of(PROJECT))).extracting(Volume::id).containsExactly(inserted.id());
        assertThat(volumes.all(Optional.of(OTHER_PROJECT))).isEmpty();
    }

    @Test
    void becomingAvailableSetsLaunchedAtOnceAndFinishingRespectsTheRunningStatus() {
        Volume v = insert(1);

        assertThat(committed(tx -> volumes.finish(tx, v.id(), VolumeStatus.CREATING, VolumeStatus.AVAILABLE, at(5))))
                .isTrue();
        assertThat(committed(tx -> volumes.finish(tx, v.id(), VolumeStatus.CREATING, VolumeStatus.ERROR, at(6))))
                .isFalse();

        Volume found = volumes.find(v.id(), Optional.empty()).orElseThrow();
        assertThat(found.status()).isEqualTo(VolumeStatus.AVAILABLE);
        assertThat(found.launchedAt()).isEqualTo(at(5));
        assertThat(volumes.idsInStatus(VolumeStatus.AVAILABLE)).containsExactly(v.id());
    }

    @Test
    void aTransitionAppliesOnlyFromItsStatusesAndWithItsGuards() {
        Volume v = insert(1);
        database.execute(tx -> volumes.finish(tx, v.id(), VolumeStatus.CREATING, VolumeStatus.AVAILABLE, at(2)));

        assertThat(committed(tx -> volumes.apply(tx, VolumeTransitions.EXTEND_ATTACHED, v.id(), at(3))))
                .isFalse();
        assertThat(committed(tx -> volumes.apply(tx, VolumeTransitions.EXTEND, v.id(), at(3))))
                .isTrue();
        assertThat(status(v.id())).isEqualTo(VolumeStatus.EXTENDING);
        database.execute(tx -> {
            volumes.setSize(tx, v.id(), 7);
            volumes.finish(tx, v.id(), VolumeStatus.EXTENDING, VolumeStatus.AVAILABLE, at(4));
        });
        assertThat(volumes.find(v.id(), Optional.empty()).orElseThrow().size()).isEqualTo(7);

        database.execute(tx -> volumes.addAttachment(
                tx, new VolumeAttachment(newId(), v.id(), newId(), "compute1", "/dev/vdb", "rw", at(5))));
        assertThat(committed(tx -> volumes.apply(tx, VolumeTransitions.DELETE, v.id(), at(6))))
                .as("attached")
                .isFalse();
        assertThat(committed(tx -> volumes.apply(tx, VolumeTransitions.SNAPSHOT_SOURCE, v.id(), at(6))))
                .isTrue();
        assertThat(status(v.id())).as("a holding transition changes nothing").isEqualTo(VolumeStatus.AVAILABLE);
    }

    @Test
    void adminMetadataIsSetReplacedAndDeleted() {
        Volume v = insert(1);

        database.execute(tx -> {
            volumes.setAdminMetadata(tx, v.id(), "readonly", "False");
            volumes.setAdminMetadata(tx, v.id(), "readonly", "True");
        });
        assertThat(volumes.find(v.id(), Optional.empty()).orElseThrow().adminMetadata())
                .containsExactly(Map.entry("readonly", "True"));

        database.execute(tx -> volumes.deleteAdminMetadata(tx, v.id(), "readonly"));
        assertThat(volumes.find(v.id(), Optional.empty()).orElseThrow().adminMetadata())
                .isEmpty();
    }

    @Test
    void attachAndDetachTrackAttachmentsAndStatus() {
        Volume v = insert(1);
        VolumeAttachment attachment =
                new VolumeAttachment(newId(), v.id(), newId(), "compute1", "/dev/vdb", "rw", at(2));

        database.execute(tx -> {
            volumes.finish(tx, v.id(), VolumeStatus.CREATING, VolumeStatus.AVAILABLE, at(2));
            volumes.apply(tx, VolumeTransitions.ATTACH, v.id(), at(2));
            volumes.addAttachment(tx, attachment);
        });
        Volume attached = volumes.find(v.id(), Optional.empty()).orElseThrow();
        assertThat(attached.status()).isEqualTo(VolumeStatus.IN_USE);
        assertThat(attached.attachments()).containsExactly(attachment);

        database.execute(tx -> {
            volumes.endAttachments(tx, v.id(), Optional.of(attachment.id()), at(3));
            assertThat(volumes.apply(tx, VolumeTransitions.DETACH_LAST, v.id(), at(3)))
                    .isTrue();
            volumes.markDetached(tx, v.id());
        });
        Volume detached = volumes.find(v.id(), Optional.empty()).orElseThrow();
        assertThat(detached.status()).isEqualTo(VolumeStatus.AVAILABLE);
        assertThat(detached.attachStatus()).isEqualTo("detached");
        assertThat(detached.attachments()).isEmpty();
    }

    @Test
    void listsFilterOnBooleansAndPageByMarker() {
        Volume plain = insert(1);
        Volume bootable = insert(2);
        database.execute(tx -> volumes.setBootable(tx, bootable.id(), true, at(3)));
        List<SortKey> newestFirst = List.of(new SortKey("created_at", false), new SortKey("id", false));
        ListQuery bootables = new ListQuery(
                Optional.of(PROJECT),
                List.of(new Filter.Equals(volumes.column("bootable").orElseThrow(), "True")),
                newestFirst,
                Optional.empty(),
                0,
                10);
        ListQuery firstPage = new ListQuery(Optional.of(PROJECT), List.of(), newestFirst, Optional.empty(), 0, 1);

        assertThat(volumes.list(bootables, Optional.empty()))
                .extracting(Volume::id)
                .containsExactly(bootable.id());
        assertThat(volumes.list(firstPage, Optional.empty()))
                .extracting(Volume::id)
                .containsExactly(bootable.id());
        assertThat(volumes.list(firstPage, volumes.markerRow(firstPage, bootable.id())))
                .extracting(Volume::id)
                .containsExactly(plain.id());
        assertThat(volumes.count(firstPage)).isEqualTo(2);
    }

    @Test
    void aSoftDeletedVolumeIsGoneOnlyFromAnExpectedStatus() {
        Volume v = insert(1);

        assertThat(committed(tx -> volumes.finish(tx, v.id(), VolumeStatus.DELETING, VolumeStatus.DELETED, at(2))))
                .isFalse();
        database.execute(tx -> volumes.apply(tx, VolumeTransitions.FORCE_DELETE, v.id(), at(2)));
        assertThat(committed(tx -> volumes.lockIfInStatus(tx, v.id(), VolumeStatus.DELETING)))
                .isTrue();
        assertThat(committed(tx -> volumes.finish(tx, v.id(), VolumeStatus.DELETING, VolumeStatus.DELETED, at(3))))
                .isTrue();

        assertThat(volumes.find(v.id(), Optional.empty())).isEmpty();
        assertThat(volumes.idsInStatus(VolumeStatus.DELETING)).isEmpty();
        assertThat(status(insert(4).id())).isEqualTo(VolumeStatus.CREATING);
    }
}
