-- POST /api/v1/transfers/batch with 1000 transfers between random pairs (independent mode).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
local common = require("common")
local wallets = common.lines(os.getenv("BENCH_WALLETS"))
local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY"),
  ["Content-Type"] = "application/json",
}

math.randomseed(os.time())

function setup(thread) thread:set("seed", math.random(1, 1073741824)) end

function init(args) math.randomseed(seed) end

request = function()
  local items = {}
  for i = 1, 1000 do
    local a = math.random(#wallets)
    local b = math.random(#wallets - 1)
    if b >= a then b = b + 1 end
    items[i] = string.format(
      '{"source_wallet":"%s","destination_wallet":"%s","amount":1,"currency":"usd"}',
      wallets[a], wallets[b])
  end
  local body = '{"atomic":false,"transfers":[' .. table.concat(items, ",") .. ']}'
  return wrk.format("POST", "/api/v1/transfers/batch", headers, body)
end

done = common.done
