"""Creates Tempest's pre-provisioned accounts in Keystone and writes their accounts.yaml.

Pre-provisioned accounts cost Keystone one login per test class, where dynamic credentials cost a project,
a user, role assignments and their deletion: on a small machine that is most of Tempest's run time.
Tempest locks an account per running test class, so there are enough for TEMPEST_CONCURRENCY classes that
each want a primary and an alternate member account, and an admin one.

Usage: provision_accounts.py ACCOUNTS_YAML       (Keystone's admin: OS_AUTH_URL, OS_PASSWORD; user admin)
Env:   TEMPEST_CONCURRENCY (4), KS_ADMIN_PASSWORD (the password given to every account; secret)
"""
import json
import os
import sys
import urllib.error
import urllib.request

KEYSTONE = os.environ.get("KEYSTONE_URL", "http://127.0.0.1:5000/v3").rstrip("/")
PASSWORD = os.environ.get("KS_ADMIN_PASSWORD", "secret")
CONCURRENCY = int(os.environ.get("TEMPEST_CONCURRENCY", "4"))


def call(method, path, token=None, body=None, expect=(200, 201, 204)):
    request = urllib.request.Request(KEYSTONE + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read()
            return response.headers, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        sys.exit("%s %s answered %s: %s" % (method, path, error.code, error.read()[:300]))


def admin_token():
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "password": PASSWORD, "domain": {"name": "Default"}}}},
        "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}}
    headers, _ = call("POST", "/auth/tokens?nocatalog", body=body)
    return headers["X-Subject-Token"]


def main(accounts_path):
    token = admin_token()
    roles = {role["name"]: role["id"] for role in call("GET", "/roles", token)[1]["roles"]}
    entries = []
    wanted = [("tempest-member-%d" % i, ["member", "reader"]) for i in range(1, 2 * CONCURRENCY + 3)]
    wanted += [("tempest-admin-%d" % i, ["admin"]) for i in range(1, CONCURRENCY + 2)]
    for name, role_names in wanted:
        project = call("POST", "/projects", token, {"project": {"name": name, "domain_id": "default"}})[1]["project"]
        user = call("POST", "/users", token, {"user": {"name": name, "password": PASSWORD, "domain_id": "default",
                                                        "default_project_id": project["id"]}})[1]["user"]
        for role in role_names:
            call("PUT", "/projects/%s/users/%s/roles/%s" % (project["id"], user["id"], roles[role]), token)
        entries.append(
            "- username: '%s'\n  project_name: '%s'\n  password: '%s'\n  user_domain_name: 'Default'\n"
            "  project_domain_name: 'Default'\n" % (name, name, PASSWORD)
            + ("  types: ['admin']\n" if role_names == ["admin"] else "  roles: [%s]\n" % ", ".join("'%s'" % r for r in role_names)))
    with open(accounts_path, "w") as accounts:
        accounts.write("# Written by conformance/tempest/provision_accounts.py\n" + "".join(entries))


if __name__ == "__main__":
    main(sys.argv[1])
