-- wrk script: POST OTLP/JSON log batches of RECORDS records (default 500) to /v1/logs.
-- Every record has a unique event id and the same timestamp (so concurrent batches never trip
-- the stream's clock-order check). Events/s = requests/s × RECORDS.
-- Usage: TOKEN=lad_... RECORDS=500 wrk -t1 -c1 -d10s -s bench/otlp.lua http://127.0.0.1:8080
local counter = 0
local id = 0
local threads = {}
local records = tonumber(os.getenv("RECORDS") or "500")

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.path = "/v1/logs"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
end

local function attr(k, v)
  return string.format('{"key":"%s","value":{"stringValue":"%s"}}', k, v)
end

local resource = '{"attributes":[' .. table.concat({
  attr("device.id", "robot-0023"), attr("user.id", "eng-2040"), attr("maint.auth", "mfa"),
  attr("session.id", "sess-1"), attr("maint.access", "vpn"), attr("maint.site", "Plant Leipzig"),
}, ",") .. ']}'

function request()
  counter = counter + 1
  local recs = {}
  for i = 1, records do
    recs[i] = string.format(
      '{"timeUnixNano":"1795338000000000000","severityNumber":9,"body":{"stringValue":"parameter set"},"attributes":[%s,%s,%s]}',
      attr("maint.event_id", string.format("wrk-%d-%d-%d-%d", id, os.time(), counter, i)),
      attr("maint.category", "configuration-changes"), attr("maint.action", "parameter.set"))
  end
  local body = '{"resourceLogs":[{"resource":' .. resource .. ',"scopeLogs":[{"logRecords":[' .. table.concat(recs, ",") .. ']}]}]}'
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx or errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
