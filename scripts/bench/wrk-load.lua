-- The benchmark's load for wrk (scripts/bench/load-generators.ts starts it; see there for why wrk).
--
-- Environment: MANDATE_BENCH_BODIES, a file of request bodies, one per line, sent in turn from a
-- random start; MANDATE_BENCH_PATH, the path to POST to; MANDATE_BENCH_HEADERS, the request's
-- headers as `name: value` lines;
-- MANDATE_BENCH_RATE, requests per second in all (one wrk thread), or empty for as fast as the
-- connections go.
--
-- At a rate, arrivals are open loop: one Poisson schedule for the thread, each connection taking
-- the next arrival when it is free. An arrival that finds every connection busy is sent as soon as
-- one frees up, and wrk times it from then, not from when it was due; those are counted as `late`
-- with how late the latest one was, so a report can say whether that mattered. wrk truncates a
-- delay to whole milliseconds, so a send may go up to 1 ms early or late.
--
-- The latency percentiles are wrk's, and wrk corrects them for coordinated omission before done()
-- runs: for every response slower than twice the average interval per connection (100 ms at
-- 1,000/s over 50 connections), it adds the samples the requests it held back would have had.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } mandate_timespec;
  int clock_gettime(int clock_id, mandate_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("mandate_timespec")
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

local path = os.getenv("MANDATE_BENCH_PATH")
local headers = {}
for name, value in (os.getenv("MANDATE_BENCH_HEADERS") or ""):gmatch("([^:\n]+): ([^\n]*)") do headers[name] = value end

-- Each request formatted once, up front (in init, when wrk knows the Host header): the generator
-- shares the cores with what it measures.
local requests, count = {}, 0
init = function()
  for line in io.lines(os.getenv("MANDATE_BENCH_BODIES")) do
    count = count + 1
    requests[count] = wrk.format("POST", path, headers, line)
  end
end

math.randomseed(os.time())
local cursor = nil
request = function()
  cursor = cursor or math.random(count)
  cursor = cursor % count + 1
  return requests[cursor]
end

statuses = {}
response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end

late, latest_ms = 0, 0
-- The rate is this thread's: load-generators.ts runs wrk with one thread.
local rate = tonumber(os.getenv("MANDATE_BENCH_RATE") or "")
if rate and rate > 0 then
  local mean_gap_ms = 1000 / rate
  local next_arrival = nil
  -- wrk calls this before each request a connection sends and waits that many milliseconds.
  delay = function()
    local now = now_ms()
    next_arrival = (next_arrival or now) - math.log(1 - math.random()) * mean_gap_ms
    local wait = next_arrival - now
    if wait >= 0 then return wait end
    late = late + 1
    if -wait > latest_ms then latest_ms = -wait end
    return 0
  end
end

local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end

-- One line of JSON for load-generators.ts: totals, latency percentiles (µs) and the threads' counters.
done = function(summary, latency)
  local merged, late_total, latest = {}, 0, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses") or {}) do merged[status] = (merged[status] or 0) + n end
    late_total = late_total + (thread:get("late") or 0)
    latest = math.max(latest, thread:get("latest_ms") or 0)
  end
  local parts = {}
  for status, n in pairs(merged) do table.insert(parts, string.format('"%d":%d', status, n)) end
  local e = summary.errors
  io.write(string.format(
    'MANDATE_WRK {"requests":%d,"durationUs":%d,"latencyUs":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d},' ..
    '"statuses":{%s},"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"late":%d,"latestMs":%.1f}\n',
    summary.requests, summary.duration, latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    table.concat(parts, ","), e.connect, e.read, e.write, e.timeout, late_total, latest))
end
