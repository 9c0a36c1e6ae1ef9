// The console in a real browser (Debian's chromium, driven by playwright-core).
// With noauth: sign in, create a volume and snapshots and watch them go from creating to available, revert, make a
// volume from a snapshot, edit a volume and snapshots, see the API's fault message, page through 120 snapshots with
// markers, filter, read the quota bars, delete, sign out. With Keystone: a wrong password shows Keystone's message,
// then sign in through the relay and create a volume. Both: no token in a URL, the Content-Security-Policy enforced
// and never broken by the console itself.
// Usage: node console.spec.mjs <base url> <screenshot directory> noauth <project id>
//        node console.spec.mjs <base url> <screenshot directory> keystone <user> <password> <project> <project id>
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, screenshots, mode, ...account] = process.argv.slice(2);
const keystone = mode === 'keystone';
const [user, password, projectName, project] = keystone ? account : ['alice', '', '', account[0]];
let token = keystone ? null : user + ':' + project;
const api = base + '/v3/' + project;
const WAIT = { timeout: 30_000 };

/** A call straight to the API, for seeding and for the fault message the console must show as it is. */
async function call(method, path, body) {
  const response = await fetch(api + path, {
    method,
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json', 'OpenStack-API-Version': 'volume 3.40' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

const steps = [];
function step(name, run) {
  steps.push({ name, run });
}

await mkdir(screenshots, { recursive: true });
const profile = await mkdtemp(join(tmpdir(), 'cairn-console-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CAIRN_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 860 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = context.pages()[0] || (await context.newPage());
const problems = [];
const urls = [];
page.on('pageerror', (error) => problems.push('page error: ' + error.message));
page.on('console', (message) => {
  if (message.type() === 'error' && !/the server responded with a status of 4\d\d/.test(message.text())) {
    problems.push('console error: ' + message.text());
  }
});
page.on('request', (request) => urls.push(request.url()));

async function shot(name) {
  await page.screenshot({ path: join(screenshots, name + '.png'), fullPage: true });
}

const alert = page.getByRole('alert');
const notice = page.getByRole('status');

if (keystone) {
  step("shows Keystone's message for a wrong password", async () => {
    await page.goto(base + '/console/');
    await page.getByLabel('User').fill(user);
    await page.getByLabel('Password').fill('not-' + password);
    await page.getByLabel('Project', { exact: true }).fill(projectName);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await alert.filter({ hasText: 'The request you have made requires authentication.' }).waitFor(WAIT);
  });
}

step('signs in', async () => {
  if (keystone) {
    await page.getByLabel('Password').fill(password);
    await shot('sign-in-keystone');
  } else {
    await page.goto(base + '/console/');
    await page.getByLabel('User').fill(user);
    await page.getByLabel('Project id').fill(project);
    await shot('sign-in');
  }
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Volumes' }).waitFor(WAIT);
  await page.getByText(user + ' in ' + project).waitFor(WAIT);
  token = token || (await page.evaluate(() => JSON.parse(sessionStorage.getItem('cairn.console.session')).token));
});

/**
 * The local engine creates in milliseconds, often before the console's first look. So the first list that holds
 * {@code name} is answered as a slower backend would (still creating), and the console must poll the API itself until
 * it says available. Returns the route's pattern, to unroute.
 */
async function answerFirstAsStillCreating(pattern, resource, name) {
  let slowed = false;
  await page.route(pattern, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    const named = body[resource].filter((item) => item.name === name);
    if (!slowed && named.length > 0) {
      slowed = true;
      named.forEach((item) => (item.status = 'creating'));
    }
    await route.fulfill({ response, json: body });
  });
  return pattern;
}

/** Records every status badge text the page shows from now on, and marks the document to tell a reload. */
async function watchStatuses() {
  await page.evaluate(() => {
    window.seenStatuses = new Set();
    const record = () => document.querySelectorAll('.status').forEach((badge) => window.seenStatuses.add(badge.textContent));
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

async function seenStatuses() {
  return page.evaluate(() => (window.seenStatuses ? [...window.seenStatuses] : ['the page was reloaded']));
}

step('creates a volume and watches it become available without a reload', async () => {
  const list = await answerFirstAsStillCreating(/\/volumes\/detail\?/, 'volumes', 'web');
  await watchStatuses();
  await page.locator('input[name=new-name]').fill('web');
  await page.locator('input[name=new-size]').fill('2');
  await page.getByRole('button', { name: 'Create volume' }).click();
  await notice.filter({ hasText: 'Creating volume web.' }).waitFor(WAIT);
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'web', exact: true }) });
  await row.getByText('available', { exact: true }).waitFor(WAIT);
  await row.getByText('2 GiB').waitFor(WAIT);
  await page.unroute(list);
  assert.deepEqual((await seenStatuses()).sort(), ['available', 'creating']);
});

if (!keystone) {
  step('shows the API fault message for a bad request', async () => {
    const expected = await call('POST', '/volumes', { volume: { name: 'bad', size: 0 } });
    assert.equal(expected.status, 400);
    await page.locator('input[name=new-name]').fill('bad');
    await page.locator('input[name=new-size]').fill('0');
    await page.getByRole('button', { name: 'Create volume' }).click();
    await alert.waitFor(WAIT);
    assert.equal(await alert.innerText(), expected.json.badRequest.message);
    await shot('volumes');
  });

  step('creates a snapshot on the volume page and watches it become available', async () => {
    await page.getByRole('link', { name: 'web', exact: true }).click();
    await page.getByRole('heading', { name: /web/ }).waitFor(WAIT);
    const list = await answerFirstAsStillCreating(/\/snapshots\/detail\?/, 'snapshots', 'before');
    await watchStatuses();
    await page.locator('input[name=snapshot-name]').fill('before');
    await page.getByRole('button', { name: 'Create snapshot' }).click();
    await notice.filter({ hasText: 'Creating snapshot before.' }).waitFor(WAIT);
    const entry = page.locator('li.snapshot').filter({ hasText: 'before' });
    await entry.getByText('available', { exact: true }).waitFor(WAIT);
    await entry.getByText('latest').waitFor(WAIT);
    await page.unroute(list);
    assert.ok((await seenStatuses()).includes('creating'), 'the snapshot was shown creating, then available');
  });

  step('reverts the volume to its snapshot', async () => {
    const entry = page.locator('li.snapshot').filter({ hasText: 'before' });
    await entry.getByRole('button', { name: 'Revert to this' }).click();
    await notice.filter({ hasText: 'Reverting to before.' }).waitFor(WAIT);
    await page.getByRole('heading').filter({ hasText: 'available' }).waitFor(WAIT);
    assert.equal(await alert.isVisible(), false);
  });

  step('makes a volume from the snapshot and shows it on the timeline', async () => {
    const entry = page.locator('li.snapshot').filter({ hasText: 'before' });
    await entry.getByRole('button', { name: 'New volume from this' }).click();
    await entry.locator('input[name=clone-name]').fill('restored');
    await entry.getByRole('button', { name: 'Create volume' }).click();
    const made = entry.getByRole('link', { name: /restored/ });
    await made.getByText('available', { exact: true }).waitFor(WAIT);
    await page.locator('.track .dot').first().waitFor(WAIT);
    assert.equal(await page.locator('.track .made-mark').count(), 1);
  });

  step('edits the name, description and metadata', async () => {
    await page.getByRole('button', { name: 'Edit volume' }).click();
    const form = page.getByRole('form', { name: 'Edit volume' });
    await form.locator('input[name=edit-name]').fill('web-1');
    await form.locator('input[name=edit-description]').fill('the web tier');
    await form.locator('textarea[name=edit-metadata]').fill('tier=web\nowner=alice');
    await form.getByRole('button', { name: 'Save' }).click();
    await notice.filter({ hasText: 'Saved web-1.' }).waitFor(WAIT);
    await page.getByText('tier=web').waitFor(WAIT);
    await page.getByText('the web tier').waitFor(WAIT);
    const id = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
    const stored = await call('GET', '/volumes/' + id);
    assert.equal(stored.json.volume.name, 'web-1');
    assert.deepEqual(stored.json.volume.metadata, { tier: 'web', owner: 'alice' });
  });

  step('puts a second snapshot after the first on the timeline', async () => {
    await page.locator('input[name=snapshot-name]').fill('after');
    await page.getByRole('button', { name: 'Create snapshot' }).click();
    const entries = page.locator('li.snapshot');
    await entries.nth(1).filter({ hasText: 'after' }).getByText('available', { exact: true }).waitFor(WAIT);
    await entries.nth(1).getByText('latest').waitFor(WAIT);
    assert.equal(await entries.nth(0).getByText('latest', { exact: true }).isVisible(), false);
    assert.equal(await page.locator('.track .dot').count(), 2);
  });

  step("edits a snapshot's name, description and metadata on the timeline", async () => {
    const entry = page.locator('li.snapshot').nth(1);
    await entry.getByRole('button', { name: 'Edit', exact: true }).click();
    const form = entry.getByRole('form', { name: 'Edit snapshot' });
    await form.locator('input[name=edit-name]').fill('nightly');
    await form.locator('input[name=edit-description]').fill('before the upgrade');
    await form.locator('textarea[name=edit-metadata]').fill('kind=nightly');
    await form.getByRole('button', { name: 'Save' }).click();
    await notice.filter({ hasText: 'Saved nightly.' }).waitFor(WAIT);
    await entry.getByText('before the upgrade').waitFor(WAIT);
    await entry.getByText('kind=nightly').waitFor(WAIT);
    await shot('volume');
  });

  step('pages through 120 snapshots with markers', async () => {
    const volume = await call('POST', '/volumes', { volume: { name: 'many', size: 1 } });
    const id = volume.json.volume.id;
    for (let i = 0; i < 60 && (await call('GET', '/volumes/' + id)).json.volume.status !== 'available'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    for (let i = 0; i < 120; i++) {
      const made = await call('POST', '/snapshots', { snapshot: { volume_id: id, name: 'many-' + String(i).padStart(3, '0') } });
      assert.equal(made.status, 202, JSON.stringify(made.json));
    }
    const first = urls.length;
    await page.getByRole('link', { name: 'Snapshots', exact: true }).click();
    await page.locator('input[name=filter-volume]').fill(id);
    await page.getByRole('button', { name: 'Filter' }).click();
    const seen = new Set();
    const rows = page.locator('tbody tr');
    for (let number = 1; number <= 6; number++) {
      await page.getByText('Page ' + number).waitFor(WAIT);
      await page.waitForFunction(
        ([selector, before]) => {
          const names = [...document.querySelectorAll(selector)].map((cell) => cell.textContent);
          return names.length === 20 && !names.some((name) => before.includes(name));
        },
        ['tbody tr td:first-child', [...seen]],
        WAIT,
      );
      for (const name of await rows.locator('td:first-child').allInnerTexts()) {
        seen.add(name);
      }
      if (number === 1) {
        await shot('snapshots');
      }
      if (number < 6) {
        await page.getByRole('button', { name: 'Next' }).click();
      }
    }
    assert.equal(seen.size, 120);
    assert.ok(await page.getByRole('button', { name: 'Next' }).isDisabled());
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Page 5').waitFor(WAIT);
    const asked = urls.slice(first);
    const markers = asked.filter((url) => url.includes('/snapshots/detail') && url.includes('marker='));
    assert.ok(markers.length >= 5, 'pages after the first are asked for by marker');
    assert.ok(
      asked.filter((url) => url.includes('/snapshots/detail')).every((url) => /[?&]limit=21(&|$)/.test(url)),
      'every page is one page (and one more to tell if a next page exists), never the whole list',
    );
  });

  step('filters snapshots by name', async () => {
    await page.locator('input[name=filter-name]').fill('many-11');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 10, null, WAIT);
    await page.getByText('many-119').waitFor(WAIT);
  });

  step("edits a snapshot's name, description and metadata on the snapshots page", async () => {
    const row = page.getByRole('row').filter({ hasText: 'many-110' });
    await row.getByRole('button', { name: 'Edit', exact: true }).click();
    const form = page.getByRole('form', { name: 'Edit snapshot' });
    await form.locator('input[name=edit-name]').fill('many-110-kept');
    await form.locator('input[name=edit-description]').fill('kept for the audit');
    await form.locator('textarea[name=edit-metadata]').fill('audit=2026');
    await form.getByRole('button', { name: 'Save' }).click();
    await notice.filter({ hasText: 'Saved many-110-kept.' }).waitFor(WAIT);
    await page.getByRole('cell', { name: 'many-110-kept' }).waitFor(WAIT);
    const stored = (await call('GET', '/snapshots/detail?name=many-110-kept')).json.snapshots;
    assert.equal(stored.length, 1);
    assert.equal(stored[0].description, 'kept for the audit');
    assert.deepEqual(stored[0].metadata, { audit: '2026' });
  });

  step('shows quota usage as bars', async () => {
    await page.getByRole('link', { name: 'Quota', exact: true }).click();
    const volumes = page.getByRole('meter', { name: 'volumes', exact: true });
    await volumes.waitFor(WAIT);
    assert.equal(await volumes.getAttribute('aria-valuenow'), '3');
    await page.getByText('3 of 20').waitFor(WAIT);
    await shot('quota');
  });

  step('deletes a snapshot after a confirming second click, and it goes away', async () => {
    await page.getByRole('link', { name: 'Snapshots', exact: true }).click();
    await page.locator('input[name=filter-name]').fill('many-119');
    await page.getByRole('button', { name: 'Filter' }).click();
    const row = page.getByRole('row').filter({ hasText: 'many-119' });
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Confirm delete' }).click();
    await notice.filter({ hasText: 'Deleting many-119.' }).waitFor(WAIT);
    await page.getByText('No snapshots.').waitFor(WAIT);
  });

  step('deletes a volume, and it goes away', async () => {
    await page.getByRole('link', { name: 'Volumes', exact: true }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'restored', exact: true }) });
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Confirm delete' }).click();
    await notice.filter({ hasText: 'Deleting restored.' }).waitFor(WAIT);
    await row.waitFor({ state: 'detached', ...WAIT });
    assert.equal((await call('GET', '/volumes/detail?name=restored')).json.volumes.length, 0);
  });
}

step('signs out, forgetting the token', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
  assert.equal(await page.evaluate(() => JSON.stringify(sessionStorage)), '{}');
});

step('keeps the token out of every URL and breaks no Content-Security-Policy rule', async () => {
  assert.deepEqual(
    urls.filter((url) => url.includes(token) || url.includes(encodeURIComponent(token))),
    [],
  );
  assert.deepEqual(problems, []);
});

step('has the browser enforce the Content-Security-Policy: an injected inline script does not run', async () => {
  await page.addScriptTag({ content: 'window.injected = true;' }).catch(() => {});
  assert.equal(await page.evaluate(() => window.injected), undefined);
  assert.ok(problems.some((problem) => problem.includes('Content Security Policy')), problems.join('\n'));
});

let passed = 0;
let failed = 0;
for (const { name, run } of steps) {
  try {
    await run();
    passed++;
    console.log('ok ' + name);
  } catch (error) {
    failed++;
    console.log('FAILED ' + name + '\n' + (error.stack || error));
    await shot('failure-' + passed).catch(() => {});
    break; // later steps build on this one
  }
}
await context.close();
await rm(profile, { recursive: true, force: true });
console.log('console: ' + passed + ' passed, ' + failed + ' failed');
process.exit(failed === 0 && passed === steps.length ? 0 : 1);
