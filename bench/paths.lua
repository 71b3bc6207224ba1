-- wrk: each request GETs a random line of the file named after "--" (one path a line), each
-- thread with its own fixed seed. Responses are counted by status and by their X-Cache header
-- (HIT, MISS, or none); done() prints the totals of every thread as lines
--   status CODE COUNT     xcache HIT|MISS|none COUNT     errors COUNT
-- Used by bench/delivery.py:  wrk -s bench/paths.lua URL -- PATHS_FILE
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  paths = {}
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  file:close()
  math.randomseed(20241017 + tid)
  statuses = {}
  caches = {}
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  local state = headers["X-Cache"] or headers["x-cache"] or "none"
  caches[state] = (caches[state] or 0) + 1
end

local function add(total, counts)
  for key, n in pairs(counts) do
    total[key] = (total[key] or 0) + n
  end
end

function done(summary, latency, requests)
  local statuses_total, caches_total = {}, {}
  for _, thread in ipairs(threads) do
    add(statuses_total, thread:get("statuses"))
    add(caches_total, thread:get("caches"))
  end
  for status, n in pairs(statuses_total) do
    io.write(string.format("status %s %d\n", status, n))
  end
  for state, n in pairs(caches_total) do
    io.write(string.format("xcache %s %d\n", state, n))
  end
  local errors = summary.errors
  io.write(string.format("errors %d\n", errors.connect + errors.read + errors.write
    + errors.timeout))
end
