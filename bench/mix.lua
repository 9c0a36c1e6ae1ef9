-- wrk script: a create+delete mix. Each connection creates a snapshot of VOLUME_ID, then deletes the
-- snapshot it created last, alternating.
local token = os.getenv("TOKEN")
local project = os.getenv("PROJECT")
local volume = os.getenv("VOLUME_ID")
local pending = nil
local create = true

request = function()
  local headers = { ["X-Auth-Token"] = token, ["Content-Type"] = "application/json" }
  if create or pending == nil then
    create = false
    return wrk.format("POST", "/v3/" .. project .. "/snapshots", headers,
      '{"snapshot":{"volume_id":"' .. volume .. '","name":"mix"}}')
  end
  create = true
  local id = pending
  pending = nil
  return wrk.format("DELETE", "/v3/" .. project .. "/snapshots/" .. id, headers, nil)
end

response = function(status, headers, body)
  local id = body and body:match('"snapshot":{"id":"([^"]+)"')
  if id then pending = id end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
