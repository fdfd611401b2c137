-- Takes a café's lease unless another node holds it, with a new fencing token.
-- KEYS[1] lease hash (node, token)   KEYS[2] fencing counter (never expires)
-- ARGV[1] node   ARGV[2] lease length in ms
-- Returns {0, token} taken, {1, holder, holder's token, ms left} held by another.
local holder = redis.call('HGET', KEYS[1], 'node')
if holder and holder ~= ARGV[1] then
  return {1, holder, redis.call('HGET', KEYS[1], 'token'), redis.call('PTTL', KEYS[1])}
end
-- A node that takes the lease again (say, restarted under the same name)
-- gets a new token too, so appends of its earlier life are refused.
local token = redis.call('INCR', KEYS[2])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'node', ARGV[1], 'token', token)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {0, token}
