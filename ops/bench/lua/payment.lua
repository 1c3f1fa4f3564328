-- POST /api/v1/payments with confirm=true and tok_visa, a new Idempotency-Key per request.
-- Env: BENCH_KEY, BENCH_PAYMENT_METHOD.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
local common = require("common")
local key = os.getenv("BENCH_KEY")
local method = os.getenv("BENCH_PAYMENT_METHOD")
local counter = 0
local thread_tag = "t"
math.randomseed(os.time())

function setup(thread) thread:set("tag", tostring(math.random(1, 1073741824))) end

function init(args) thread_tag = tag end

request = function()
  counter = counter + 1
  local headers = {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. thread_tag .. "-" .. counter,
  }
  local body = string.format(
    '{"amount":%d,"currency":"usd","payment_method":"%s","confirm":true}',
    1000 + counter % 500, method)
  return wrk.format("POST", "/api/v1/payments", headers, body)
end

done = common.done
