-- Keeps a snapshot and drops all but the newest two by seq.
-- KEYS[1] meta hash   KEYS[2] snapshots hash
-- ARGV[1] seq (canonical decimal)   ARGV[2] state
-- Returns {0} kept, {1} no such café, {2, last seq} the seq is 0 or past the log.
local last = redis.call('HGET', KEYS[1], 'seq')
if not last then
  return {1}
end
local seq = tonumber(ARGV[1])
if seq < 1 or seq > tonumber(last) then
  return {2, last}
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local fields = redis.call('HKEYS', KEYS[2])
if #fields > 2 then
  table.sort(fields, function(a, b) return tonumber(a) < tonumber(b) end)
  for i = 1, #fields - 2 do
    redis.call('HDEL', KEYS[2], fields[i])
  end
end
return {0}
