-- Appends events to a café's log, all or nothing.
-- KEYS[1] meta hash (epoch, seq)   KEYS[2] log stream   KEYS[3] wakes zset
-- KEYS[4] cafés set                KEYS[5] lease hash (node, token)
-- ARGV[1] café id   ARGV[2] first seq   ARGV[3] epoch to draw if the log is new
-- ARGV[4] wake in Unix ms, '' for none   ARGV[5] fencing token, '' for none
-- ARGV[6] Pub/Sub channel   ARGV[7..] the events, JSON, seqs first, first+1, ...
-- Returns {0} written, {1, last seq} the append does not continue the log,
-- {2, current token or ''} the fencing token is not the lease's.
local meta, log, wakes, cafes, lease = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local cafe, first, epoch, wake, fence, channel = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5], ARGV[6]

if fence ~= '' then
  local token = redis.call('HGET', lease, 'token')
  if token ~= fence then
    return {2, token or ''}
  end
end

local last = tonumber(redis.call('HGET', meta, 'seq') or '0')
if first ~= last + 1 then
  return {1, string.format('%d', last)}
end

if last == 0 then
  redis.call('HSET', meta, 'epoch', epoch)
  redis.call('SADD', cafes, cafe)
end
local n = #ARGV - 6
for i = 1, n do
  redis.call('XADD', log, string.format('0-%d', first + i - 1), 'e', ARGV[6 + i])
end
redis.call('HSET', meta, 'seq', string.format('%d', last + n))

if wake == '' then
  redis.call('ZREM', wakes, cafe)
else
  redis.call('ZADD', wakes, wake, cafe)
end

-- Pub/Sub is the fast path to other nodes, never the record: a node that
-- misses this message finds the gap by seq and reads the stream.
redis.call('PUBLISH', channel, '[' .. table.concat(ARGV, ',', 7) .. ']')
return {0}
