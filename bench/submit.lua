-- wrk script: POST a unique raw entry per request to /v1/logs/registry/entries.
-- Usage: TOKEN=lad_... wrk -t2 -cN -d10s -s bench/submit.lua --latency http://127.0.0.1:8080
local counter = 0
local id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.path = "/v1/logs/registry/entries"
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
end

function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, string.format("wrk entry %d/%d/%d/%d", os.time(), id, counter, math.random(1e9)))
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx or errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
