-- POST /api/v1/transfers between random pairs of the seeded wallets.
-- Env: BENCH_KEY (API key), BENCH_WALLETS (file, one wallet id a line), BENCH_FEE (0 or more).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
local common = require("common")
local wallets = common.lines(os.getenv("BENCH_WALLETS"))
local fee = tonumber(os.getenv("BENCH_FEE") or "0")
local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY"),
  ["Content-Type"] = "application/json",
}

math.randomseed(os.time())

function setup(thread) thread:set("seed", math.random(1, 1073741824)) end

function init(args) math.randomseed(seed) end

request = function()
  local a = math.random(#wallets)
  local b = math.random(#wallets - 1)
  if b >= a then b = b + 1 end
  local body = string.format(
    '{"source_wallet":"%s","destination_wallet":"%s","amount":2,"currency":"usd",'
    .. '"application_fee_amount":%d}', wallets[a], wallets[b], fee)
  return wrk.format("POST", "/api/v1/transfers", headers, body)
end

done = common.done
