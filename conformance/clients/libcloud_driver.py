"""Apache libcloud (python3-libcloud), its OpenStack driver's block-storage calls, through a snapshot lifecycle.

libcloud reaches Cinder through its compute driver (OpenStack_2_NodeDriver), which talks to the volumev3 service of
the catalog, or to a forced URL. It creates snapshots with force=true, lists them only from /snapshots/detail, and
pages by feeding the query of the next link back as its parameters.
"""
import os
import uuid

from libcloud.compute.providers import get_driver
from libcloud.compute.types import Provider, StorageVolumeState, VolumeSnapshotState

from scenario import PAGE_SIZE, SNAPSHOTS_TO_PAGE, Target, check, step, wait_for

target = Target()
OpenStack = get_driver(Provider.OPENSTACK)
if target.auth == "noauth":
    # A forced token and URL: libcloud then asks no identity service, as with Cinder's noauth. It still wants an
    # identity URL and a project to build (and not use) its Keystone client with.
    driver = OpenStack(target.user_id, "unused", api_version="2.2", ex_force_auth_url="http://127.0.0.1:1",
                       ex_tenant_name=target.project_id, ex_domain_name="Default", ex_force_auth_token=target.token,
                       ex_force_base_url=target.endpoint, ex_force_volume_url=target.endpoint)
else:
    # libcloud appends /v3/auth/tokens to the identity URL itself.
    auth_url = os.environ["OS_AUTH_URL"].rstrip("/")
    driver = OpenStack(os.environ["OS_USERNAME"], os.environ["OS_PASSWORD"], api_version="2.2",
                       ex_force_auth_version="3.x_password",
                       ex_force_auth_url=auth_url[:-len("/v3")] if auth_url.endswith("/v3") else auth_url,
                       ex_tenant_name=os.environ["OS_PROJECT_NAME"], ex_domain_name=os.environ.get("OS_USER_DOMAIN_NAME", "Default"),
                       ex_force_service_region=os.environ.get("OS_REGION_NAME", "RegionOne"))


def snapshots_of(volume):
    return {s.id: s for s in driver.list_volume_snapshots(volume)}


suffix = uuid.uuid4().hex[:8]
step("create_volume, ex_get_volume until available")
volume = driver.create_volume(1, "libcloud-volume-" + suffix)
wait_for(lambda: driver.ex_get_volume(volume.id).state == StorageVolumeState.AVAILABLE, "the volume to be available")
check(volume.id in {v.id for v in driver.list_volumes()}, "list_volumes misses the volume")

step("create_volume_snapshot (force=true), list_volume_snapshots until available")
name = "libcloud-snap-" + suffix
snapshot = driver.create_volume_snapshot(volume, name=name, ex_description="first")
check(snapshot.name == name and snapshot.size == 1, "created: %s" % snapshot.extra)
wait_for(lambda: snapshots_of(volume)[snapshot.id].state == VolumeSnapshotState.AVAILABLE, "the snapshot to be available")
shown = snapshots_of(volume)[snapshot.id]
check(shown.extra["volume_id"] == volume.id and shown.extra["description"] == "first", "listed: %s" % shown.extra)

step("page through %d snapshots, %d at a time (libcloud feeds the next link's query back)" % (SNAPSHOTS_TO_PAGE, PAGE_SIZE))
before = target.visible_snapshot_ids()
extra = target.create_snapshots_directly(volume.id, SNAPSHOTS_TO_PAGE - 1, "libcloud-page-" + suffix)
# ex_list_snapshots asks without a limit, so one page holds them all; with one, the driver's own pager follows the links.
listed = [s["id"] for s in driver._paginated_request("/snapshots/detail", "snapshots", driver._get_volume_connection(),
                                                      params={"limit": PAGE_SIZE})["snapshots"]]
check(sorted(listed) == sorted(before | set(extra) | {snapshot.id}),
      "paging saw %d ids, %d distinct" % (len(listed), len(set(listed))))
check({s.id for s in driver.ex_list_snapshots()} >= set(extra) | {snapshot.id}, "ex_list_snapshots misses snapshots")

step("ex_get_volume_quotas")
usage = driver.ex_get_volume_quotas(target.project_id).snapshots
check(usage.in_use == len(before | set(extra)), "snapshots in use: %s" % vars(usage))

step("destroy_volume_snapshot, destroy_volume")
for listed_snapshot in snapshots_of(volume).values():
    check(driver.destroy_volume_snapshot(listed_snapshot), "destroying %s" % listed_snapshot.id)
wait_for(lambda: not snapshots_of(volume), "the snapshots to go")
check(driver.destroy_volume(volume), "destroying the volume")
wait_for(lambda: volume.id not in {v.id for v in driver.list_volumes()}, "the volume to go")
print("libcloud scenario passed (%s)" % target.auth)
