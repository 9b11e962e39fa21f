-- wrk script: POST /entries (SCRAPI) with pre-signed SCITT statements, each once per thread
-- cycle. Make them with bench/scitt_statements.py; a statement sent twice is answered 200
-- (already registered) after the same checks, so use more statements than requests.
-- Usage: TOKEN=lad_... STATEMENTS=file wrk -t2 -cN -d5s -s bench/scitt_register.lua --latency URL
local statements = {}
local next_index = 1
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(os.getenv("STATEMENTS"), "rb"))
  local data = f:read("*a")
  f:close()
  local pos = 1
  while pos <= #data do
    local a, b, c, d = data:byte(pos, pos + 3)
    local n = ((a * 256 + b) * 256 + c) * 256 + d
    table.insert(statements, data:sub(pos + 4, pos + 3 + n))
    pos = pos + 4 + n
  end
  -- Two threads (-t2) start half the file apart so they do not send the same statements.
  next_index = (id * math.floor(#statements / 2)) % #statements + 1
  wrk.method = "POST"
  wrk.path = "/entries"
  wrk.headers["Content-Type"] = "application/cose"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
end

function request()
  local body = statements[next_index]
  next_index = next_index % #statements + 1
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx or errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
