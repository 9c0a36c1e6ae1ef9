"""What the client scenarios share: where Cairn is, how to authenticate, and small checking helpers.

A scenario drives one real client (unchanged, from Debian's packages) through a whole snapshot lifecycle.
Only the setup that no client offers in bulk -- the 119 extra snapshots to page through -- goes straight
to the API. Run with Debian's /usr/bin/python3, which sees the Debian packages.

Environment:
  CAIRN_URL           Cairn's root, e.g. http://127.0.0.1:18777
  SCENARIO_AUTH       noauth (default) or keystone
  for keystone: OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME (and *_DOMAIN_NAME, default Default)
"""
import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid

PAGE_SIZE = 50
SNAPSHOTS_TO_PAGE = 120


class Target:
    """One Cairn and one project, with a token for it."""

    def __init__(self):
        self.cairn_url = os.environ.get("CAIRN_URL", "http://127.0.0.1:8776").rstrip("/")
        self.auth = os.environ.get("SCENARIO_AUTH", "noauth")
        if self.auth == "keystone":
            self.token, self.project_id = keystone_login()
            self.user_id = None
        elif self.auth == "noauth":
            # A fresh project per run, so the paging counts are exact whatever ran before.
            self.project_id = uuid.uuid4().hex
            self.user_id = "scenario"
            self.token = "%s:%s" % (self.user_id, self.project_id)
        else:
            sys.exit("SCENARIO_AUTH must be noauth or keystone, not %r" % self.auth)
        self.endpoint = "%s/v3/%s" % (self.cairn_url, self.project_id)

    def api(self, method, path, body=None, version=None):
        """Calls Cairn directly; returns (status, parsed body or None)."""
        request = urllib.request.Request(self.endpoint + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("X-Auth-Token", self.token)
        request.add_header("Content-Type", "application/json")
        if version:
            request.add_header("OpenStack-API-Version", "volume " + version)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read()
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            text = error.read()
            return error.code, json.loads(text) if text else None

    def create_snapshots_directly(self, volume_id, count, prefix):
        ids = []
        for i in range(count):
            status, body = self.api("POST", "/snapshots", {"snapshot": {"volume_id": volume_id, "name": "%s-%03d" % (prefix, i)}})
            check(status == 202, "creating snapshot %d directly answered %s %s" % (i, status, body))
            ids.append(body["snapshot"]["id"])
        for snapshot_id in ids:
            wait_for(lambda: self.api("GET", "/snapshots/" + snapshot_id)[1]["snapshot"]["status"] == "available",
                     "snapshot %s to become available" % snapshot_id)
        return ids

    def delete_snapshots_directly(self, ids):
        for snapshot_id in ids:
            status, body = self.api("DELETE", "/snapshots/" + snapshot_id)
            check(status in (202, 404), "deleting snapshot %s answered %s %s" % (snapshot_id, status, body))
        for snapshot_id in ids:
            wait_for(lambda: self.api("GET", "/snapshots/" + snapshot_id)[0] == 404, "snapshot %s to go" % snapshot_id)

    def visible_snapshot_ids(self):
        """Every snapshot the project has (a Keystone project may hold leftovers of an interrupted run)."""
        status, body = self.api("GET", "/snapshots?limit=1000")
        check(status == 200, "listing snapshots answered %s" % status)
        return {s["id"] for s in body["snapshots"]}


def expected_page_sizes(total):
    """The page sizes a marker-following client sees for {total} snapshots: full pages, the rest, then an empty one."""
    sizes = [PAGE_SIZE] * (total // PAGE_SIZE)
    if total % PAGE_SIZE:
        sizes.append(total % PAGE_SIZE)
    return sizes + [0]


def keystone_login():
    """A project-scoped token for OS_USERNAME, and its project id."""
    domain = os.environ.get("OS_USER_DOMAIN_NAME", "Default")
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": os.environ["OS_USERNAME"], "password": os.environ["OS_PASSWORD"], "domain": {"name": domain}}}},
        "scope": {"project": {"name": os.environ["OS_PROJECT_NAME"],
                              "domain": {"name": os.environ.get("OS_PROJECT_DOMAIN_NAME", "Default")}}}}}
    request = urllib.request.Request(os.environ["OS_AUTH_URL"].rstrip("/") + "/auth/tokens?nocatalog", method="POST",
                                     data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers["X-Subject-Token"], json.loads(response.read())["token"]["project"]["id"]


def run(command, env=None):
    """Runs a client command; fails the scenario, showing its output, unless it exits 0. Returns stdout."""
    merged = dict(os.environ)
    merged.update(env or {})
    result = subprocess.run(command, capture_output=True, text=True, env=merged, timeout=120)
    if result.returncode != 0:
        fail("%s exited %d\nstdout: %s\nstderr: %s" % (" ".join(command), result.returncode, result.stdout, result.stderr))
    return result.stdout


def wait_for(condition, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    fail("timed out waiting for " + what)


def check(condition, message):
    if not condition:
        fail(message)


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def step(message):
    print("  - " + message, flush=True)
