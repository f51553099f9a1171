-- wrk script: cycles through the request paths in the file named by PATHS_FILE (one per
-- line), each thread starting at a different offset, and prints one JSON summary line.
local paths = {}
local counter = 0

local function load_paths()
  local file = assert(io.open(os.getenv("PATHS_FILE") or "paths.txt", "r"))
  for line in file:lines() do
    if line ~= "" then paths[#paths + 1] = line end
  end
  file:close()
end

local thread_id = 0
function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  load_paths()
  counter = (id or 0) * 7
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  return wrk.format("GET", path, { ["Accept"] = "application/json" })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_s":%.1f,"rps":%.1f,"socket_errors":%d,"non_2xx_3xx":%d,' ..
    '"timeouts":%d,"p50_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    e.connect + e.read + e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
