-- Extends a lease held under the given token.
-- KEYS[1] lease hash   ARGV[1] token   ARGV[2] lease length in ms
-- Returns 1 renewed, 0 the lease is gone or another token holds it.
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
