"""Lifts the volume, snapshot and gigabyte quotas of a Keystone project, as its admin (OS_* names the admin).

Usage: unlimited_quota.py PROJECT_NAME     (with CAIRN_URL and OS_AUTH_URL, OS_USERNAME, ... of an admin)
"""
import json
import os
import sys
import urllib.request

from scenario import check, keystone_login

project_name = sys.argv[1]
token, admin_project_id = keystone_login()
request = urllib.request.Request("%s/projects?name=%s" % (os.environ["OS_AUTH_URL"].rstrip("/"), project_name),
                                 headers={"X-Auth-Token": token})
with urllib.request.urlopen(request, timeout=30) as response:
    projects = json.loads(response.read())["projects"]
check(len(projects) == 1, "Keystone has %d projects named %s" % (len(projects), project_name))
url = "%s/v3/%s/os-quota-sets/%s" % (os.environ["CAIRN_URL"].rstrip("/"), admin_project_id, projects[0]["id"])
body = json.dumps({"quota_set": {"volumes": -1, "snapshots": -1, "gigabytes": -1}}).encode()
request = urllib.request.Request(url, data=body, method="PUT",
                                 headers={"X-Auth-Token": token, "Content-Type": "application/json"})
with urllib.request.urlopen(request, timeout=30) as response:
    check(response.status == 200, "PUT %s answered %s" % (url, response.status))
