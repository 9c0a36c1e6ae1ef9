"""The `openstack` CLI (python3-openstackclient) through a snapshot lifecycle. It has no revert command."""
import json
import uuid

from scenario import PAGE_SIZE, SNAPSHOTS_TO_PAGE, expected_page_sizes, Target, check, run, step, wait_for

target = Target()
if target.auth == "noauth":
    # What works against real Cinder without Keystone (see the README): a fixed token and the endpoint.
    AUTH = ["--os-auth-type", "admin_token", "--os-token", target.token, "--os-endpoint", target.endpoint]
else:
    AUTH = []  # OS_AUTH_URL and friends come from the environment; the endpoint from Keystone's catalog


def osc(*args):
    output = run(["openstack", *AUTH, "--os-volume-api-version", "3", *args])
    return json.loads(output) if "-f" in args and "json" in args else output


suffix = uuid.uuid4().hex[:8]
step("volume create")
volume = osc("volume", "create", "--size", "1", "osc-volume-" + suffix, "-f", "json")
wait_for(lambda: osc("volume", "show", volume["id"], "-f", "json")["status"] == "available", "the volume to be available")

step("volume snapshot create, then wait for available")
name = "osc-snap-" + suffix
snapshot = osc("volume", "snapshot", "create", "--volume", volume["id"], "--description", "first",
               "--property", "purpose=lifecycle", name, "-f", "json")
wait_for(lambda: osc("volume", "snapshot", "show", snapshot["id"], "-f", "json")["status"] == "available",
         "the snapshot to be available")

step("volume snapshot list with filters")
listed = osc("volume", "snapshot", "list", "--name", name, "--status", "available", "--volume", volume["id"], "--long", "-f", "json")
check([s["ID"] for s in listed] == [snapshot["id"]], "filtered list: %s" % listed)
check(osc("volume", "snapshot", "list", "--name", name, "--status", "error", "-f", "json") == [], "status=error matched")

step("page through %d snapshots, %d at a time" % (SNAPSHOTS_TO_PAGE, PAGE_SIZE))
before = target.visible_snapshot_ids()
extra = target.create_snapshots_directly(volume["id"], SNAPSHOTS_TO_PAGE - 1, "osc-page-" + suffix)
seen, sizes, marker = [], [], None
while True:
    page = osc("volume", "snapshot", "list", "--limit", str(PAGE_SIZE), *(["--marker", marker] if marker else []), "-f", "json")
    sizes.append(len(page))
    if not page:
        break
    seen += [s["ID"] for s in page]
    marker = page[-1]["ID"]
check(sizes == expected_page_sizes(len(before) + len(extra)), "page sizes %s" % sizes)
check(sorted(seen) == sorted(before | set(extra)), "paging saw %d ids, %d distinct" % (len(seen), len(set(seen))))

step("volume snapshot show")
shown = osc("volume", "snapshot", "show", snapshot["id"], "-f", "json")
check(shown["name"] == name and shown["description"] == "first", "show: %s" % shown)
check(shown["volume_id"] == volume["id"] and shown["size"] == 1, "show: %s" % shown)
check(shown["properties"] == {"purpose": "lifecycle"}, "properties: %s" % shown["properties"])

step("volume snapshot set / unset (name, description, properties)")
osc("volume", "snapshot", "set", "--name", name + "-renamed", "--description", "second", "--property", "extra=1", snapshot["id"])
osc("volume", "snapshot", "unset", "--property", "purpose", snapshot["id"])
shown = osc("volume", "snapshot", "show", snapshot["id"], "-f", "json")
check(shown["name"] == name + "-renamed" and shown["description"] == "second", "after set: %s" % shown)
check(shown["properties"] == {"extra": "1"}, "properties after set/unset: %s" % shown["properties"])

step("volume snapshot delete, volume delete")
osc("volume", "snapshot", "delete", snapshot["id"])
target.delete_snapshots_directly(extra + [snapshot["id"]])
osc("volume", "delete", volume["id"])
wait_for(lambda: target.api("GET", "/volumes/" + volume["id"])[0] == 404, "the volume to go")
print("openstack CLI scenario passed (%s)" % target.auth)
