"""The `cinder` CLI (python3-cinderclient) through a snapshot lifecycle, revert included."""
import uuid

from scenario import PAGE_SIZE, SNAPSHOTS_TO_PAGE, expected_page_sizes, Target, check, run, step, wait_for

target = Target()
if target.auth == "noauth":
    # cinderclient's own noauth: it sends X-Auth-Token user:project, which Cairn's noauth reads like Cinder's.
    AUTH = ["--os-auth-type", "noauth", "--os-user-id", target.user_id, "--os-project-id", target.project_id,
            "--os-endpoint", target.endpoint]
else:
    AUTH = []  # OS_AUTH_URL and friends come from the environment; the endpoint from Keystone's catalog


def cinder(*args, version=None):
    return run(["cinder", *AUTH, *(["--os-volume-api-version", version] if version else []), *args])


def rows(table):
    """The rows of a prettytable as lists of cell texts, the header row first."""
    return [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in table.splitlines() if line.startswith("|")]


def properties(table):
    """A Property/Value table as a dict."""
    return {row[0]: row[1] for row in rows(table)[1:]}


def ids(table):
    header, *body = rows(table)
    return [row[header.index("ID")] for row in body]


suffix = uuid.uuid4().hex[:8]
step("create (volume)")
volume = properties(cinder("create", "--name", "cinder-volume-" + suffix, "1"))
wait_for(lambda: properties(cinder("show", volume["id"]))["status"] == "available", "the volume to be available")

step("snapshot-create, then wait for available")
name = "cinder-snap-" + suffix
snapshot = properties(cinder("snapshot-create", volume["id"], "--name", name, "--description", "first",
                             "--metadata", "purpose=lifecycle"))
wait_for(lambda: properties(cinder("snapshot-show", snapshot["id"]))["status"] == "available", "the snapshot to be available")

step("revert-to-snapshot (microversion 3.40)")
cinder("revert-to-snapshot", snapshot["id"], version="3.40")
wait_for(lambda: properties(cinder("show", volume["id"]))["status"] == "available", "the volume to be available after revert")

step("snapshot-list with filters")
filtered = cinder("snapshot-list", "--name", name, "--status", "available", "--volume-id", volume["id"])
check(ids(filtered) == [snapshot["id"]], "filtered list:\n" + filtered)
check(ids(cinder("snapshot-list", "--name", name, "--status", "error")) == [], "status=error matched")

step("page through %d snapshots, %d at a time" % (SNAPSHOTS_TO_PAGE, PAGE_SIZE))
before = target.visible_snapshot_ids()
extra = target.create_snapshots_directly(volume["id"], SNAPSHOTS_TO_PAGE - 1, "cinder-page-" + suffix)
seen, sizes, marker = [], [], None
while True:
    # Without --sort the CLI prints rows re-sorted by ID, so the last row printed is not the page's last.
    page = ids(cinder("snapshot-list", "--sort", "created_at:desc", "--limit", str(PAGE_SIZE),
                      *(["--marker", marker] if marker else [])))
    sizes.append(len(page))
    if not page:
        break
    seen += page
    marker = page[-1]
check(sizes == expected_page_sizes(len(before) + len(extra)), "page sizes %s" % sizes)
check(sorted(seen) == sorted(before | set(extra)), "paging saw %d ids, %d distinct" % (len(seen), len(set(seen))))

step("snapshot-show, snapshot-metadata-show")
shown = properties(cinder("snapshot-show", snapshot["id"]))
check(shown["name"] == name and shown["description"] == "first", "show: %s" % shown)
check(shown["volume_id"] == volume["id"] and shown["size"] == "1", "show: %s" % shown)
check(properties(cinder("snapshot-metadata-show", snapshot["id"])) == {"purpose": "lifecycle"}, "metadata")

step("snapshot-rename, snapshot-metadata set / unset")
cinder("snapshot-rename", snapshot["id"], name + "-renamed", "--description", "second")
cinder("snapshot-metadata", snapshot["id"], "set", "extra=1")
cinder("snapshot-metadata", snapshot["id"], "unset", "purpose")
shown = properties(cinder("snapshot-show", snapshot["id"]))
check(shown["name"] == name + "-renamed" and shown["description"] == "second", "after rename: %s" % shown)
metadata = properties(cinder("snapshot-metadata-show", snapshot["id"]))
check(metadata == {"extra": "1"}, "metadata after set/unset: %s" % metadata)

step("snapshot-delete, delete (volume)")
cinder("snapshot-delete", snapshot["id"])
target.delete_snapshots_directly(extra + [snapshot["id"]])
cinder("delete", volume["id"])
wait_for(lambda: target.api("GET", "/volumes/" + volume["id"])[0] == 404, "the volume to go")
print("cinder CLI scenario passed (%s)" % target.auth)
