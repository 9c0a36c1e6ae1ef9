// The console's only way to Cairn's data: the public Cinder v3 API, with the signed-in user's token in the
// X-Auth-Token header (never in a URL, never in a cookie, so a forged cross-site request carries nothing) and the
// microversion revert needs (3.40) on every call, which also gives the "name~" filters (3.34).
const MICROVERSION = 'volume 3.40';
const SESSION_KEY = 'cairn.console.session';

/** A refused request, with the API's own fault message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The signed-in session ({token, projectId, user, project}) of this tab, or null. */
export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

function keep(value) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
  return value;
}

export function signOut() {
  sessionStorage.removeItem(SESSION_KEY);
}

/** How this server signs people in: {sign_in: "noauth" | "keystone" | "none", keystone_domain}. */
export async function settings() {
  const response = await fetch('/console/settings.json', { cache: 'no-store', credentials: 'omit' });
  return response.json();
}

/**
 * noauth's token is "user:project" (an admin of that project). One call checks it, so a project id the API cannot
 * use is refused here with the API's answer rather than on the first page.
 */
export async function signInNoauth(user, projectId) {
  const candidate = { token: user + ':' + projectId, projectId, user, project: projectId };
  await request(candidate, 'GET', '/volumes?limit=1');
  return keep(candidate);
}

/**
 * A Keystone password sign-in, scoped to a project by name, through the console's same-origin relay: Keystone
 * itself answers no cross-origin request unless its operator set CORS up for this origin.
 */
export async function signInKeystone(user, password, project, domain) {
  const body = {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: domain } } } },
      scope: { project: { name: project, domain: { name: domain } } },
    },
  };
  const response = await fetch('/console/keystone/auth/tokens', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
  const answer = await readBody(response);
  if (!response.ok) {
    throw new ApiError(response.status, faultMessage(answer, response.status));
  }
  const token = response.headers.get('X-Subject-Token');
  const scope = answer.json && answer.json.token && answer.json.token.project;
  if (!token || !scope) {
    throw new ApiError(response.status, 'Keystone answered without a project-scoped token.');
  }
  return keep({ token, projectId: scope.id, user, project: scope.name || project });
}

/** Calls the API as the signed-in user; {@code path} is below /v3/{project_id}. Resolves to the JSON body. */
export function call(method, path, body) {
  const current = session();
  if (!current) {
    return Promise.reject(new ApiError(401, 'Sign in first.'));
  }
  return request(current, method, path, body);
}

async function request(current, method, path, body) {
  const headers = { 'X-Auth-Token': current.token, 'OpenStack-API-Version': MICROVERSION, Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch('/v3/' + encodeURIComponent(current.projectId) + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
  const answer = await readBody(response);
  if (!response.ok) {
    throw new ApiError(response.status, faultMessage(answer, response.status));
  }
  return answer.json;
}

async function readBody(response) {
  const text = await response.text();
  try {
    return { text, json: text ? JSON.parse(text) : null };
  } catch {
    return { text, json: null };
  }
}

/**
 * The message of a fault: Cinder's {"badRequest": {"message": ..., "code": 400}}, EVS's and Keystone's
 * {"error": {"message": ...}}, or webob's plain-text pages ("404 Not Found\n\nThe resource could not be found.").
 */
function faultMessage(answer, status) {
  const json = answer.json;
  if (json && typeof json === 'object') {
    for (const value of Object.values(json)) {
      if (value && typeof value === 'object' && typeof value.message === 'string') {
        return value.message;
      }
    }
  }
  const lines = answer.text.split('\n').map((line) => line.trim()).filter((line) => line);
  return lines.length > 1 ? lines.slice(1).join(' ') : lines[0] || 'The request failed with status ' + status + '.';
}

/** Whether a volume or snapshot status is on its way to another (creating, deleting, reverting, ...). */
export function transitional(status) {
  return /ing$/.test(status || '') || status === 'maintenance';
}
