-- Gives up a lease held under the given token, so another node need not
-- wait for it to lapse.
-- KEYS[1] lease hash   ARGV[1] token
-- Returns 1 released, 0 the lease is gone or another token holds it.
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
