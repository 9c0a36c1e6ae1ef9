// The gophercloud scenario: Debian's golang-github-gophercloud-gophercloud-dev (0.12), unchanged, through a
// snapshot lifecycle with microversion 3.30 on every request, its filters, its sorted list and its paging, which
// follows the snapshots_links Cairn returns. Built offline against the Debian package (GOPATH mode).
//
// Environment: CAIRN_URL, SCENARIO_AUTH (noauth or keystone), and for keystone OS_AUTH_URL, OS_USERNAME,
// OS_PASSWORD, OS_PROJECT_NAME, OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME, OS_REGION_NAME.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud"
	"github.com/gophercloud/gophercloud/openstack"
	"github.com/gophercloud/gophercloud/openstack/blockstorage/noauth"
	"github.com/gophercloud/gophercloud/openstack/blockstorage/v3/snapshots"
	"github.com/gophercloud/gophercloud/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/pagination"
)

const (
	pageSize        = 50
	snapshotsToPage = 120
	waitSeconds     = 60
	serviceType     = "volumev3"
	microversion    = "3.30"
)

func main() {
	client := connect()
	suffix := randomHex(4)

	step("volumes.Create, WaitForStatus")
	volume, err := volumes.Create(client, volumes.CreateOpts{Size: 1, Name: "gophercloud-volume-" + suffix}).Extract()
	must(err, "creating the volume")
	must(volumes.WaitForStatus(client, volume.ID, "available", waitSeconds), "waiting for the volume")

	step("snapshots.Create, WaitForStatus")
	name := "gophercloud-snap-" + suffix
	snapshot, err := snapshots.Create(client, snapshots.CreateOpts{VolumeID: volume.ID, Name: name, Description: "first",
		Metadata: map[string]string{"purpose": "lifecycle"}}).Extract()
	must(err, "creating the snapshot")
	must(snapshots.WaitForStatus(client, snapshot.ID, "available", waitSeconds), "waiting for the snapshot")

	step("snapshots.List with name, status and volume_id filters")
	filtered := listAll(client, snapshots.ListOpts{Name: name, Status: "available", VolumeID: volume.ID})
	check(len(filtered) == 1 && filtered[0].ID == snapshot.ID, "filtered list: %v", ids(filtered))
	check(len(listAll(client, snapshots.ListOpts{Name: name, Status: "error"})) == 0, "status=error matched")

	step("snapshots.Get")
	shown, err := snapshots.Get(client, snapshot.ID).Extract()
	must(err, "showing the snapshot")
	check(shown.Name == name && shown.Description == "first" && shown.VolumeID == volume.ID && shown.Size == 1, "show: %+v", shown)
	check(shown.Metadata["purpose"] == "lifecycle", "metadata: %v", shown.Metadata)

	step(fmt.Sprintf("page through %d snapshots, %d at a time (gophercloud follows snapshots_links)", snapshotsToPage, pageSize))
	before := listAll(client, snapshots.ListOpts{Limit: 1000})
	pagePrefix := "gophercloud-page-" + suffix
	var extra []string
	for i := 0; i < snapshotsToPage-1; i++ {
		created, err := snapshots.Create(client, snapshots.CreateOpts{VolumeID: volume.ID, Name: fmt.Sprintf("%s-%03d", pagePrefix, i)}).Extract()
		must(err, "creating snapshot %d to page through", i)
		extra = append(extra, created.ID)
	}
	for _, id := range extra {
		// WaitForStatus sleeps a second before it first looks; the workers are done with most of these by now.
		waitFor(func() bool {
			current, err := snapshots.Get(client, id).Extract()
			return err == nil && current.Status == "available"
		}, "snapshot "+id+" to be available")
	}
	var pages []int
	seen := map[string]bool{}
	err = snapshots.List(client, snapshots.ListOpts{Limit: pageSize}).EachPage(func(page pagination.Page) (bool, error) {
		items, err := snapshots.ExtractSnapshots(page)
		for _, item := range items {
			seen[item.ID] = true
		}
		pages = append(pages, len(items))
		return true, err
	})
	must(err, "paging")
	total := len(before) + len(extra)
	check(len(seen) == total, "paging saw %d distinct ids of %d, pages %v", len(seen), total, pages)
	check(pages[0] == pageSize && sum(pages) == total, "page sizes %v for %d snapshots", pages, total)

	step("snapshots.List sorted by name (a sort key from 3.30)")
	var names []string
	for _, item := range listAll(client, snapshots.ListOpts{Sort: "name:asc", Limit: 1000}) {
		if strings.HasPrefix(item.Name, pagePrefix) {
			names = append(names, item.Name)
		}
	}
	check(len(names) == len(extra) && sort.StringsAreSorted(names), "sorted by name: %d names, sorted %v", len(names),
		sort.StringsAreSorted(names))

	step("snapshots.UpdateMetadata")
	_, err = snapshots.UpdateMetadata(client, snapshot.ID, snapshots.UpdateMetadataOpts{
		Metadata: map[string]interface{}{"extra": "1"}}).ExtractMetadata()
	must(err, "replacing the metadata")
	shown, err = snapshots.Get(client, snapshot.ID).Extract()
	must(err, "showing the snapshot")
	check(len(shown.Metadata) == 1 && shown.Metadata["extra"] == "1", "metadata after update: %v", shown.Metadata)

	step("snapshots.Delete, volumes.Delete")
	for _, id := range append(extra, snapshot.ID) {
		must(snapshots.Delete(client, id).ExtractErr(), "deleting snapshot %s", id)
	}
	for _, id := range append(extra, snapshot.ID) {
		waitGone(func() error { return snapshots.Get(client, id).Err }, "snapshot "+id)
	}
	must(volumes.Delete(client, volume.ID, volumes.DeleteOpts{}).ExtractErr(), "deleting the volume")
	waitGone(func() error { return volumes.Get(client, volume.ID).Err }, "volume "+volume.ID)
	fmt.Printf("gophercloud scenario passed (%s)\n", os.Getenv("SCENARIO_AUTH"))
}

// connect gives a block-storage client that sends "OpenStack-API-Version: volumev3 3.30", as gophercloud does
// for its volumev3 service type.
func connect() *gophercloud.ServiceClient {
	cairn := strings.TrimRight(env("CAIRN_URL", "http://127.0.0.1:8776"), "/")
	var client *gophercloud.ServiceClient
	switch auth := env("SCENARIO_AUTH", "noauth"); auth {
	case "noauth":
		// gophercloud's own noauth client: the token user:project, the project appended to the endpoint. It leaves
		// the service type empty, so it is set to what NewBlockStorageV3 names it, for the microversion header.
		provider, err := noauth.NewClient(gophercloud.AuthOptions{Username: "scenario", TenantName: randomHex(16)})
		must(err, "making the noauth provider")
		client, err = noauth.NewBlockStorageNoAuth(provider, noauth.EndpointOpts{CinderEndpoint: cairn + "/v3"})
		must(err, "making the noauth client")
		client.Type = serviceType
	case "keystone":
		provider, err := openstack.AuthenticatedClient(gophercloud.AuthOptions{
			IdentityEndpoint: os.Getenv("OS_AUTH_URL"), Username: os.Getenv("OS_USERNAME"), Password: os.Getenv("OS_PASSWORD"),
			DomainName: env("OS_USER_DOMAIN_NAME", "Default"),
			Scope: &gophercloud.AuthScope{ProjectName: os.Getenv("OS_PROJECT_NAME"),
				DomainName: env("OS_PROJECT_DOMAIN_NAME", "Default")}})
		must(err, "logging in to Keystone")
		client, err = openstack.NewBlockStorageV3(provider, gophercloud.EndpointOpts{Region: env("OS_REGION_NAME", "RegionOne")})
		must(err, "finding volumev3 in the catalog")
	default:
		fail("SCENARIO_AUTH must be noauth or keystone, not %q", auth)
	}
	client.Microversion = microversion
	return client
}

func listAll(client *gophercloud.ServiceClient, opts snapshots.ListOpts) []snapshots.Snapshot {
	pages, err := snapshots.List(client, opts).AllPages()
	must(err, "listing snapshots with %+v", opts)
	items, err := snapshots.ExtractSnapshots(pages)
	must(err, "reading the snapshot list")
	return items
}

func waitGone(get func() error, what string) {
	waitFor(func() bool {
		_, gone := get().(gophercloud.ErrDefault404)
		return gone
	}, what+" to go")
}

func waitFor(condition func() bool, what string) {
	deadline := time.Now().Add(waitSeconds * time.Second)
	for time.Now().Before(deadline) {
		if condition() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	fail("timed out waiting for %s", what)
}

func ids(items []snapshots.Snapshot) []string {
	var out []string
	for _, item := range items {
		out = append(out, item.ID)
	}
	return out
}

func sum(values []int) int {
	total := 0
	for _, value := range values {
		total += value
	}
	return total
}

func randomHex(bytes int) string {
	buffer := make([]byte, bytes)
	if _, err := rand.Read(buffer); err != nil {
		fail("no randomness: %v", err)
	}
	return hex.EncodeToString(buffer)
}

func env(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

func step(message string) {
	fmt.Println("  - " + message)
}

func check(condition bool, format string, args ...interface{}) {
	if !condition {
		fail(format, args...)
	}
}

func must(err error, format string, args ...interface{}) {
	if err != nil {
		fail("%s: %v", fmt.Sprintf(format, args...), err)
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintln(os.Stderr, "FAIL: "+fmt.Sprintf(format, args...))
	os.Exit(1)
}
