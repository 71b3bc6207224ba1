-- wrk: a mix of article, home and search pages; counts every response by status and prints
-- "status CODE COUNT" lines when done. Used by bench/faults.
local paths = {}
for n = 0, 99 do
  paths[#paths + 1] = "/articles/bench-story-" .. n .. "/"
end
paths[#paths + 1] = "/"
paths[#paths + 1] = "/search/?q=bench+story"
paths[#paths + 1] = "/sections/world/"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
  i = math.random(#paths)
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, n in pairs(c) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("status %d %d\n", status, n))
  end
  if summary.errors.connect + summary.errors.read + summary.errors.timeout > 0 then
    io.write(string.format("status 0 %d\n",
      summary.errors.connect + summary.errors.read + summary.errors.timeout))
  end
end
