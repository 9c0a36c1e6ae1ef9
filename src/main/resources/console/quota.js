// The project's quota usage, as bars.
import Alpine from './vendor/alpine-csp-3.17.4.esm.min.js';
import * as api from './api.js';
import { fail, store } from './common.js';

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
