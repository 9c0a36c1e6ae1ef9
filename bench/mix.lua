-- wrk script: a create+delete mix. Each thread creates snapshots of VOLUME_ID, polls each until it is
-- available, then deletes it: every request is one a well-behaved client would send.
local token = os.getenv("TOKEN")
local project = os.getenv("PROJECT")
local volume = os.getenv("VOLUME_ID")
local creating = {}
local ready = {}

request = function()
  local headers = { ["X-Auth-Token"] = token, ["Content-Type"] = "application/json" }
  local path = "/v3/" .. project .. "/snapshots"
  if #ready > 0 then
    return wrk.format("DELETE", path .. "/" .. table.remove(ready, 1), headers, nil)
  elseif #creating > 0 then
    return wrk.format("GET", path .. "/" .. table.remove(creating, 1), headers, nil)
  end
  return wrk.format("POST", path, headers, '{"snapshot":{"volume_id":"' .. volume .. '","name":"mix"}}')
end

response = function(status, headers, body)
  local id, state = (body or ""):match('"snapshot":{"id":"([^"]+)".-"status":"([^"]+)"')
  if state == "available" then
    table.insert(ready, id)
  elseif state == "creating" then
    table.insert(creating, id)
  end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
