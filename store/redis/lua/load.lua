-- Reads what recovery needs besides the tail, in one atomic step.
-- KEYS[1] meta hash   KEYS[2] snapshots hash (field = seq, value = state)
-- Returns {} when the café has no log, else {epoch, last seq, snapshot seq,
-- snapshot state}; snapshot seq '0' and state '' when there is none.
local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
if not meta[1] then
  return {}
end
local best, bestField = 0, nil
for _, f in ipairs(redis.call('HKEYS', KEYS[2])) do
  local n = tonumber(f)
  if n and n > best then
    best, bestField = n, f
  end
end
if not bestField then
  return {meta[1], meta[2], '0', ''}
end
return {meta[1], meta[2], bestField, redis.call('HGET', KEYS[2], bestField)}
