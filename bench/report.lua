-- wrk script: sends the request given in the environment (METHOD, BODY, TOKEN, VERSION) and prints one
-- machine-readable line with throughput, latency percentiles and the count of non-2xx answers. With OFFSET_FROM,
-- OFFSET_TO and OFFSET_STEP set, each thread walks the pages from its own start instead: it appends
-- "&offset=N" to the path, N moving on by OFFSET_STEP and wrapping from OFFSET_TO back to OFFSET_FROM.
local token = os.getenv("TOKEN")
local version = os.getenv("VERSION") or "3.0"
local from, to, step = tonumber(os.getenv("OFFSET_FROM")), tonumber(os.getenv("OFFSET_TO")), tonumber(os.getenv("OFFSET_STEP"))
local bad = 0
local threads = 0

function setup(thread)
  thread:set("bad", 0)
  if from then
    thread:set("offset", from + threads * 10 * step) -- threads start apart, so their pages differ
    threads = threads + 1
  end
end

request = function()
  local headers = { ["X-Auth-Token"] = token, ["OpenStack-API-Version"] = "volume " .. version }
  if not from then
    return wrk.format("GET", nil, headers, nil)
  end
  local path = wrk.path .. "&offset=" .. offset
  offset = offset + step
  if offset > to then offset = from end
  return wrk.format("GET", path, headers, nil)
end

response = function(status, headers, body)
  if status >= 300 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
