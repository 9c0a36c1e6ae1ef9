// One volume's page: its details and actions, and the timeline of its snapshots.
import Alpine from './vendor/alpine-csp-3.17.4.esm.min.js';
import * as api from './api.js';
import { POLL_MILLIS, cloning, editor, fail, formatting, millis, moveTo, store, tell } from './common.js';

/** The timeline shows a volume's newest snapshots, this many at most (one API page, newest first). */
const TIMELINE_SNAPSHOTS = 200;
/** Cinder lists no volumes by source snapshot for a project member: the timeline scans the newest volumes. */
const VOLUME_SCAN = 1000;

/** One volume: its details, editing, actions, and the timeline of its snapshots with the volumes made from each. */
Alpine.data('volume', () => ({
  ...formatting,
  ...cloning,
  ...editor,
  volume: null,
  timeline: [],
  made: [],
  since: '',
  partial: false,
  scanned: null,
  snapshotForm: { name: '', description: '' },
  confirming: '',
  sequence: 0,
  timer: null,
  init() {
    this.load();
    this.$watch('$store.console.id', () => {
      this.volume = null;
      this.timeline = [];
      this.editing = '';
      this.load();
    });
  },
  destroy() {
    clearTimeout(this.timer);
    this.sequence = -1;
  },
  path() {
    return '/volumes/' + encodeURIComponent(store().id);
  },
  /** @param rescan whether to list the volumes again to find those made from each snapshot */
  async load(rescan = true) {
    clearTimeout(this.timer);
    if (this.sequence < 0) {
      return;
    }
    const sequence = ++this.sequence;
    const id = store().id;
    let busy;
    let madeBusy;
    try {
      const [volume, snapshots, volumes] = await Promise.all([
        api.call('GET', this.path()),
        api.call('GET', '/snapshots/detail?limit=' + TIMELINE_SNAPSHOTS + '&volume_id=' + encodeURIComponent(id)),
        rescan || !this.scanned ? api.call('GET', '/volumes/detail?limit=' + VOLUME_SCAN) : null,
      ]);
      if (sequence !== this.sequence) {
        return;
      }
      if (volumes) {
        this.scanned = volumes.volumes;
      }
      this.volume = volume.volume;
      const drawn = timeline(volume.volume, snapshots.snapshots, this.scanned);
      this.timeline = drawn.entries;
      this.made = drawn.made;
      this.since = drawn.start;
      this.partial = snapshots.snapshots.length === TIMELINE_SNAPSHOTS || this.scanned.length === VOLUME_SCAN;
      madeBusy = this.timeline.some((entry) => entry.volumes.some((made) => api.transitional(made.status)));
      busy =
        madeBusy ||
        api.transitional(this.volume.status) ||
        this.timeline.some((entry) => api.transitional(entry.snapshot.status));
    } catch (error) {
      fail(error);
      return;
    }
    if (busy) {
      // The volume scan is the one large call: repeated only while a volume made from a snapshot is settling.
      this.timer = setTimeout(() => this.load(madeBusy), POLL_MILLIS);
    }
  },
  async takeSnapshot() {
    try {
      const body = await api.call('POST', '/snapshots', {
        snapshot: { volume_id: store().id, name: this.snapshotForm.name, description: this.snapshotForm.description },
      });
      tell('Creating snapshot ' + this.label(body.snapshot) + '.');
      this.snapshotForm = { name: '', description: '' };
      this.load();
    } catch (error) {
      fail(error);
    }
  },
  async revert(snapshot) {
    try {
      await api.call('POST', this.path() + '/action', { revert: { snapshot_id: snapshot.id } });
      tell('Reverting to ' + this.label(snapshot) + '.');
      this.load();
    } catch (error) {
      fail(error);
    }
  },
  async removeSnapshot(snapshot) {
    if (this.confirming !== snapshot.id) {
      this.confirming = snapshot.id;
      return;
    }
    this.confirming = '';
    try {
      await api.call('DELETE', '/snapshots/' + encodeURIComponent(snapshot.id));
      tell('Deleting ' + this.label(snapshot) + '.');
      this.load();
    } catch (error) {
      fail(error);
    }
  },
  async removeVolume() {
    if (this.confirming !== store().id) {
      this.confirming = store().id;
      return;
    }
    try {
      await api.call('DELETE', this.path());
      tell('Deleting ' + this.label(this.volume) + '.');
      moveTo('#/volumes');
    } catch (error) {
      fail(error);
    }
  },
  limits() {
    return (
      'The timeline shows the newest ' + TIMELINE_SNAPSHOTS + ' snapshots, and the volumes made from them among the ' +
      'newest ' + VOLUME_SCAN + ' volumes; every snapshot is on the Snapshots page.'
    );
  },
  snapshotsLink() {
    return '#/snapshots?volume_id=' + encodeURIComponent(store().id);
  },
}));

/**
 * The timeline: where its axis starts (the volume's creation, or an older snapshot's: a managed or imported
 * snapshot may predate its volume's row), and its entries, oldest first: where each snapshot sits between that start
 * and now (percent), its size against the largest, and the volumes made from it; and those volumes, placed by
 * their own creation.
 */
function timeline(volume, snapshots, volumes) {
  const ordered = snapshots.slice().sort((a, b) => millis(a.created_at) - millis(b.created_at));
  const start = Math.min(millis(volume.created_at), ...ordered.map((snapshot) => millis(snapshot.created_at)));
  const span = Math.max(Date.now() - start, 1);
  const largest = Math.max(volume.size, ...ordered.map((snapshot) => snapshot.size));
  const entries = ordered.map((snapshot, index) => ({
    snapshot,
    at: Math.min(100, ((millis(snapshot.created_at) - start) / span) * 100),
    width: Math.max(2, (snapshot.size / largest) * 100),
    latest: index === ordered.length - 1,
    volumes: volumes.filter((made) => made.snapshot_id === snapshot.id),
  }));
  const place = (text) => Math.min(100, ((millis(text) - start) / span) * 100);
  const made = entries.flatMap((entry) =>
    entry.volumes.map((volume) => ({ volume, from: entry.snapshot, at: place(volume.created_at) })),
  );
  return { start: new Date(start).toISOString(), entries, made };
}
