-- wrk script: POST one job per request to /api/v1/jobs with the token in $TASKQ_BENCH_TOKEN (keep-alive).
-- Every request gets its own job name; any status but 201 is counted and reported at the end.
local token = os.getenv("TASKQ_BENCH_TOKEN")
local counter = 0
local bad = 0

function setup(thread)
  thread:set("id", tostring(thread))
end

request = function()
  counter = counter + 1
  local body = '{"name":"web-' .. counter .. '","task":"noop"}'
  return wrk.format("POST", "/api/v1/jobs",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  if status ~= 201 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("non-201 responses (all threads, approximate): %d\n", summary.errors.status))
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
