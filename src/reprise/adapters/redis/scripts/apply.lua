-- Apply a batch of read-model updates atomically.
-- ARGV: model_prefix, generation ('' = current), n_updates, then per update:
--   aggregate_id, version, position, n_writes, then per write: version, op, key, a, b
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
local i = 4
for _ = 1, tonumber(ARGV[3]) do
  local agg, ver, pos, nw = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
  i = i + 4
  local cur = tonumber(redis.call('HGET', versions, agg) or '0')
  for _ = 1, nw do
    local wv, op, key, a, b = tonumber(ARGV[i]), ARGV[i + 1], base .. ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
    i = i + 5
    if wv > cur then
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
  if ver > cur then redis.call('HSET', versions, agg, ver) end
  if pos > maxpos then maxpos = pos end
end
redis.call('SET', base .. 'position', maxpos)
return maxpos
