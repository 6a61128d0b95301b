-- Apply a batch of read-model updates atomically.
-- ARGV: model_prefix, generation ('' = current), then the updates as one JSON array:
--   [[aggregate_id, version, position, [[version, op, key, a, b], ...]], ...]
-- (one argument, so a batch of many writes costs the client one string to send).
-- A generation that was dropped (in `{model}:retired`) takes no writes: a batch pinned to it
-- before a swap must not leave keys behind once the rebuild has removed it. Returns -1 then.
local prefix = ARGV[1]
local gen = ARGV[2]
if gen == '' then
  gen = redis.call('GET', prefix .. ':current') or 'g0'
elseif redis.call('SISMEMBER', prefix .. ':retired', gen) == 1 then
  return -1
end
local base = prefix .. ':' .. gen .. ':'
local versions = base .. 'versions'
local maxpos = tonumber(redis.call('GET', base .. 'position') or '0')
for _, update in ipairs(cjson.decode(ARGV[3])) do
  local agg, ver, pos = update[1], update[2], update[3]
  local cur = tonumber(redis.call('HGET', versions, agg) or '0')
  for _, w in ipairs(update[4]) do
    if w[1] > cur then
      local op, key, a, b = w[2], base .. w[3], w[4], w[5]
      if op == 'set' then redis.call('SET', key, a)
      elseif op == 'del' then redis.call('DEL', key)
      elseif op == 'zadd' then redis.call('ZADD', key, b, a)
      elseif op == 'zrem' then redis.call('ZREM', key, a)
      elseif op == 'hincr' then redis.call('HINCRBY', key, a, b)
      elseif op == 'sadd' then redis.call('SADD', key, a)
      elseif op == 'srem' then redis.call('SREM', key, a)
      end
    end
  end
  if ver > cur then redis.call('HSET', versions, agg, string.format('%d', ver)) end
  if pos > maxpos then maxpos = pos end
end
redis.call('SET', base .. 'position', string.format('%d', maxpos))
return maxpos
