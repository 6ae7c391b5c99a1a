-- wrk script for bench/load/run.sh: POSTs one hook request (the file named by BODY_FILE) on every request,
-- counts answers that are not 200 (or not a CDS Hooks response), optionally waits DELAY_MS before each request
-- (steady-rate soak), and prints one machine-readable RESULT line at the end.
local body_file = os.getenv("BODY_FILE") or error("BODY_FILE is not set")
local f = assert(io.open(body_file, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0      -- non-200 answers
  nocards = 0  -- 200 without a "cards" member
  ok = 0
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  elseif not string.find(body, '"cards"', 1, true) then
    nocards = nocards + 1
  else
    ok = ok + 1
  end
end

function done(summary, latency, requests)
  local bad_total, nocards_total, ok_total = 0, 0, 0
  for _, t in ipairs(threads) do
    bad_total = bad_total + (t:get("bad") or 0)
    nocards_total = nocards_total + (t:get("nocards") or 0)
    ok_total = ok_total + (t:get("ok") or 0)
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d ok=%d non200=%d nocards=%d socket_errors=%d timeouts=%d seconds=%.1f rps=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f mean_ms=%.1f\n",
    summary.requests, ok_total, bad_total, nocards_total, socket_errors, e.timeout, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000))
end
