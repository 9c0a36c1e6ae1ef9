// What every page shares: the console's store (who is signed in, which page shows, the last message or fault),
// the route from the address's fragment, and the pieces pages spread into their Alpine components.
import Alpine from './vendor/alpine-csp-3.17.4.esm.min.js';
import * as api from './api.js';

export const POLL_MILLIS = 1000;

export function store() {
  return Alpine.store('console');
}

export function fail(error) {
  store().notice = '';
  store().error = error.message;
  if (error.status === 401 && store().session) {
    // An expired or revoked token: the next step is signing in again.
    api.signOut();
    store().session = null;
  }
}

export function tell(message) {
  store().error = '';
  store().notice = message;
}

/** Set by an action that moves to another page and leaves a message for it (a deleted volume). */
let keepMessages = false;

/** Moves to {@code hash}, keeping the message just told. */
export function moveTo(hash) {
  keepMessages = true;
  location.hash = hash;
}

/** The page from the address's fragment: #/volumes, #/volumes/{id}, #/snapshots?volume_id=..., #/quota. */
export function route() {
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

/** Cinder's times are UTC without a zone. */
export function millis(text) {
  return Date.parse(/([zZ]|[+-]\d\d:?\d\d)$/.test(text) ? text : text + 'Z');
}

export const formatting = {
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

/** Makes a new volume from a snapshot, of the snapshot's size; a page spreads it in and lists its volumes. */
export const cloning = {
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
export const editor = {
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
