// The console's entry: its store, the route, the shell and the sign-in. The pages are Alpine.js components in
// lists.js, volume.js and quota.js (the CSP build: directive expressions are parsed, never eval'd, so the logic lives
// in these modules and the HTML only names it). Every page reads the public API; a page showing anything in a
// transitional status (creating, deleting, reverting, ...) polls until nothing is.
import Alpine from './vendor/alpine-csp-3.17.4.esm.min.js';
import * as api from './api.js';
import { fail, route, store, tell } from './common.js';
import './lists.js';
import './volume.js';
import './quota.js';

Alpine.store('console', {
  session: api.session(),
  settings: await api.settings(),
  page: 'volumes',
  id: '',
  query: {},
  notice: '',
  error: '',
});

window.addEventListener('hashchange', route);
route();

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

Alpine.start();
