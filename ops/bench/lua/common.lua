-- Shared by the benchmark scripts: a JSON summary line in done(), and response checks.
local M = {}

function M.done(summary, latency, requests)
  local non_2xx = summary.errors.status or 0
  local errors = (summary.errors.connect or 0) + (summary.errors.read or 0)
    + (summary.errors.write or 0) + (summary.errors.timeout or 0)
  io.write(string.format(
    '{"bench": {"requests": %d, "errors": %d, "non_2xx": %d, "duration_us": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}}\n',
    summary.requests, errors, non_2xx, summary.duration,
    latency:percentile(50.0), latency:percentile(95.0), latency:percentile(99.0)))
end

function M.lines(path)
  local items = {}
  for line in io.lines(path) do items[#items + 1] = line end
  return items
end

return M
