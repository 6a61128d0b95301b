-- Read from a model's current (or given) generation in one round trip.
-- ARGV: model_prefix, generation ('' = current), what, args...
local prefix = ARGV[1]
local gen = ARGV[2]
if gen == '' then gen = redis.call('GET', prefix .. ':current') or 'g0' end
local base = prefix .. ':' .. gen .. ':'
local what = ARGV[3]
if what == 'get' then return redis.call('GET', base .. ARGV[4]) end
if what == 'position' then return redis.call('GET', base .. 'position') end
if what == 'versions' then
  local ids = {}
  for j = 4, #ARGV do ids[#ids + 1] = ARGV[j] end
  return redis.call('HMGET', base .. 'versions', unpack(ids))
end
if what == 'due' then
  return redis.call('ZRANGEBYSCORE', base .. ARGV[4], '-inf', ARGV[5], 'WITHSCORES', 'LIMIT', 0, ARGV[6])
end
if what == 'hgetall' then return redis.call('HGETALL', base .. ARGV[4]) end
if what == 'smembers' then return redis.call('SMEMBERS', base .. ARGV[4]) end
return redis.error_reply('unknown read ' .. what)
