// The two paged lists, volumes and snapshots: filters, marker paging, live status, and their actions.
import Alpine from './vendor/alpine-csp-3.17.4.esm.min.js';
import * as api from './api.js';
import { POLL_MILLIS, cloning, editor, fail, formatting, store, tell } from './common.js';

const PAGE_SIZE = 20;

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

Alpine.data('snapshots', () => ({
  ...listPage('snapshots', { name: '', status: '', volume_id: '' }),
  ...cloning,
  ...editor,
}));
