// The console's pages as Alpine.js components (the CSP build: directive expressions are parsed, never eval'd, so
// the logic lives here and the HTML only names it). Every page reads the public API; a page showing anything in a
// transitional status (creating, deleting, reverting, ...) polls until nothing is.
import Alpine from './vendor/alpine-csp-3.17.4.esm.min.js';
import * as api from './api.js';

const PAGE_SIZE = 20;
const POLL_MILLIS = 1000;
/** The timeline shows a volume's newest snapshots, this many at most (one API page, newest first). */
const TIMELINE_SNAPSHOTS = 200;
/** Cinder lists no volumes by source snapshot for a project member: the timeline scans the newest volumes. */
const VOLUME_SCAN = 1000;

Alpine.store('console', {
  session: api.session(),
  settings: await api.settings(),
  page: 'volumes',
  id: '',
  query: {},
  notice: '',
  error: '',
});

function store() {
  return Alpine.store('console');
}

function fail(error) {
  store().notice = '';
  store().error = error.message;
  if (error.status === 401 && store().session) {
    // An expired or revoked token: the next step is signing in again.
    api.signOut();
    store().session = null;
  }
}

function tell(message) {
  store().error = '';
  store().notice = message;
}

/** Set by an action that moves to another page and leaves a message for it (a deleted volume). */
let keepMessages = false;

/** The page from the address's fragment: #/volumes, #/volumes/{id}, #/snapshots?volume_id=..., #/quota. */
function route() {
  const [path, search] = location.hash.replace(/^#\/?/, '').split('?');
  const [page, id] = path.split('/');
  const known = { volumes: id ? 'volume' : 'volumes', snapshots: 'snapshots', quota: 'quota' };
  store().page = known[page] || 'volumes';
  store().id = id ? decodeURIComponent(id) : '';
  store().query = Object.fromEntries(new URLSearchParams(search || ''));
  if (!keepMessages) {
    store().error = '';
    store().notice = '';
  }
  keepMessages = false;
}
window.addEventListener('hashchange', route);
route();

/** Cinder's times are UTC without a zone. */
function millis(text) {
  return Date.parse(/([zZ]|[+-]\d\d:?\d\d)$/.test(text) ? text : text + 'Z');
}

const formatting = {
  when(text) {
    return text ? new Date(millis(text)).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '';
  },
  statusClass(status) {
    return 'status status-' + (api.transitional(status) ? 'busy' : status);
  },
  progress(snapshot) {
    const progress = snapshot['os-extended-snapshot-attributes:progress'];
    return api.transitional(snapshot.status) && progress ? progress : '';
  },
  label(item) {
    return item.name || item.id;
  },
};

Alpine.data('shell', () => ({
  signOut() {
    api.signOut();
    store().session = null;
    store().notice = '';
    store().error = '';
  },
  current(page) {
    return store().page === page || (page === 'volumes' && store().page === 'volume') ? 'page' : null;
  },
}));

Alpine.data('signIn', () => ({
  user: '',
  password: '',
  project: '',
  domain: store().settings.keystone_domain,
  busy: false,
  keystone() {
    return store().settings.sign_in === 'keystone';
  },
  async submit() {
    this.busy = true;
    try {
      store().session = this.keystone()
        ? await api.signInKeystone(this.user, this.password, this.project, this.domain)
        : await api.signInNoauth(this.user, this.project);
      this.password = '';
      tell('');
    } catch (error) {
      fail(error);
    } finally {
      this.busy = false;
    }
  },
}));

/**
 * A paginated, filtered list: marker paging (the marker of each page behind kept for going back), never a count or
 * a full fetch, so a list of 100k snapshots costs what one of 20 does.
 */
function listPage(resource, filter) {
  return {
    ...formatting,
    items: [],
    filter: { ...filter },
    marker: null,
    behind: [],
    next: null,
    loaded: false,
    confirming: '',
    sequence: 0,
    timer: null,
    init() {
      for (const key of Object.keys(this.filter)) {
        this.filter[key] = store().query[key] || '';
      }
      this.load();
    },
    destroy() {
      clearTimeout(this.timer);
      this.sequence = -1;
    },
    query() {
      // One more than a page: whether it comes tells if there is a next page, where Cinder's "next" link is also
      // there after a last page that happens to be full.
      const params = new URLSearchParams({ limit: String(PAGE_SIZE + 1) });
      if (this.marker) {
        params.set('marker', this.marker);
      }
      for (const [key, value] of Object.entries(this.filter)) {
        if (value.trim()) {
          params.set(key === 'name' ? 'name~' : key, value.trim());
        }
      }
      return '?' + params;
    },
    async load() {
      clearTimeout(this.timer);
      if (this.sequence < 0) {
        return;
      }
      const sequence = ++this.sequence;
      try {
        const body = await api.call('GET', '/' + resource + '/detail' + this.query());
        if (sequence !== this.sequence) {
          return; // a newer load (another page, a filter) started meanwhile
        }
        const items = body[resource];
        this.items = items.slice(0, PAGE_SIZE);
        this.next = items.length > PAGE_SIZE ? items[PAGE_SIZE - 1].id : null;
        this.loaded = true;
      } catch (error) {
        fail(error);
        return;
      }
      if (this.items.some((item) => api.transitional(item.status))) {
        this.timer = setTimeout(() => this.load(), POLL_MILLIS);
      }
    },
    search() {
      this.marker = null;
      this.behind = [];
      this.load();
    },
    nextPage() {
      this.behind.push(this.marker);
      this.marker = this.next;
      this.load();
    },
    previousPage() {
      this.marker = this.behind.pop() || null;
      this.load();
    },
    pageNumber() {
      return this.behind.length + 1;
    },
    async remove(item) {
      if (this.confirming !== item.id) {
        this.confirming = item.id;
        return;
      }
      this.confirming = '';
      try {
        await api.call('DELETE', '/' + resource + '/' + encodeURIComponent(item.id));
        tell('Deleting ' + this.label(item) + '.');
        this.load();
      } catch (error) {
        fail(error);
      }
    },
  };
}

Alpine.data('volumes', () => ({
  ...listPage('volumes', { name: '', status: '' }),
  form: { name: '', size: 1, description: '' },
  async create() {
    try {
      const body = await api.call('POST', '/volumes', {
        volume: { name: this.form.name, size: Number(this.form.size), description: this.form.description },
      });
      tell('Creating volume ' + this.label(body.volume) + '.');
      this.form.name = '';
      this.form.description = '';
      this.search();
    } catch (error) {
      fail(error);
    }
  },
}));

/** Makes a new volume from a snapshot, of the snapshot's size; a page spreads it in and lists its volumes. */
const cloning = {
  cloning: '',
  cloneName: '',
  startClone(snapshot) {
    this.cloning = snapshot.id;
    this.cloneName = (snapshot.name || 'snapshot') + '-volume';
  },
  async clone(snapshot) {
    try {
      const body = await api.call('POST', '/volumes', {
        volume: { name: this.cloneName, size: snapshot.size, snapshot_id: snapshot.id },
      });
      this.cloning = '';
      tell('Creating volume ' + this.label(body.volume) + ' from ' + this.label(snapshot) + '.');
      this.load();
    } catch (error) {
      fail(error);
    }
  },
};

/**
 * Edits the name, description and metadata of a volume or a snapshot (one at a time, by id): the metadata as
 * key=value lines, replacing the whole set as Cinder's PUT .../metadata does. A page spreads it in.
 */
const editor = {
  editing: '',
  edit: { name: '', description: '', metadata: '' },
  metadataPairs(item) {
    return Object.entries(item.metadata || {});
  },
  startEdit(item) {
    this.edit = {
      name: item.name || '',
      description: item.description || '',
      metadata: Object.entries(item.metadata || {})
        .map(([key, value]) => key + '=' + value)
        .join('\n'),
    };
    this.editing = item.id;
  },
  cancelEdit() {
    this.editing = '';
  },
  async save(kind, item) {
    const metadata = {};
    for (const line of this.edit.metadata.split('\n')) {
      if (!line.trim()) {
        continue;
      }
      const equals = line.indexOf('=');
      if (equals < 1) {
        fail(new api.ApiError(0, 'Metadata lines are key=value: "' + line.trim() + '" is not.'));
        return;
      }
      metadata[line.slice(0, equals).trim()] = line.slice(equals + 1).trim();
    }
    const path = '/' + kind + 's/' + encodeURIComponent(item.id);
    try {
      await api.call('PUT', path, { [kind]: { name: this.edit.name, description: this.edit.description } });
      await api.call('PUT', path + '/metadata', { metadata });
      this.editing = '';
      tell('Saved ' + (this.edit.name || item.id) + '.');
      this.load();
    } catch (error) {
      fail(error);
    }
  },
};

Alpine.data('snapshots', () => ({
  ...listPage('snapshots', { name: '', status: '', volume_id: '' }),
  ...cloning,
}));

/** One volume: its details, editing, actions, and the timeline of its snapshots with the volumes made from each. */
Alpine.data('volume', () => ({
  ...formatting,
  ...cloning,
  ...editor,
  volume: null,
  timeline: [],
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
      keepMessages = true;
      location.hash = '#/volumes';
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
 * and now (percent), its size against the largest, and the volumes made from it.
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
  return { start: new Date(start).toISOString(), entries };
}

Alpine.data('quota', () => ({
  rows: [],
  async init() {
    try {
      const project = encodeURIComponent(store().session.projectId);
      const body = await api.call('GET', '/os-quota-sets/' + project + '?usage=true');
      this.rows = Object.entries(body.quota_set)
        .filter(([, usage]) => usage && typeof usage === 'object' && 'limit' in usage)
        .map(([name, usage]) => ({
          name,
          used: usage.in_use + (usage.reserved || 0),
          limit: usage.limit,
          percent: usage.limit > 0 ? Math.min(100, ((usage.in_use + (usage.reserved || 0)) / usage.limit) * 100) : 0,
        }));
    } catch (error) {
      fail(error);
    }
  },
  describe(row) {
    return row.limit < 0 ? row.used + ' used, unlimited' : row.used + ' of ' + row.limit;
  },
}));

Alpine.start();
