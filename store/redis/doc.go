// Package redis is the store that several worldcafe nodes share: every
// café's log, its snapshots, the join-code and token indexes, the timers to
// re-arm and the owner leases live in one Redis server (a primary, with
// replicas if wanted), so any node can load any café, and when the node
// running a café dies another takes over from the log. It implements
// store.Store (and passes store/storetest) plus the two optional abilities
// that store.go describes for shared stores: store.Fenced (owner leases
// with fencing tokens) and store.Subscriber (the events of every append,
// pushed to every node).
//
// The package never logs and never deletes events. go-redis, underneath,
// has a process-wide logger that writes connection failures to stderr;
// ClientLog lets the program's wiring send them to its slog.Logger instead.
//
// # Which Redis
//
// A single Redis 6 or later (tested with 7.0) (a primary, optionally with replicas), not
// Redis Cluster: an append touches the café's keys and the shared wakes and
// cafés sets in one script, and Redis Cluster runs a script only when all
// its keys sit in one slot. Several deployments can share a server: every
// key and channel starts with Config.Prefix ("worldcafe:" by default).
//
// # Key layout
//
// With the default prefix P = "worldcafe:":
//
//	P meta:<café>    hash: epoch (drawn at seq 1, never changed), seq (the log's last seq)
//	P log:<café>     stream: one entry per event, id 0-<seq>, field e = JSON of protocol.Event
//	P snap:<café>    hash: <seq> → opaque snapshot state; only the newest two are kept
//	P cafes          set: every café with a log (Cafes)
//	P wakes          sorted set: café → Unix ms its timer fires, only cafés with a timer (Wakes)
//	P code:<code>    string: café id of a join code (SET NX, never expires)
//	P grant:<hash>   string: JSON of store.Grant, under the token's hash (SET NX, never expires)
//	P lease:<café>   hash with a TTL: node, token of the node that runs the café
//	P fence:<café>   string: the café's fencing counter (INCR), never expires
//	P events:<café>  Pub/Sub channel: a JSON array of the events of each append
//	P mail:<node>    list: messages for a node (commands forwarded to a café's owner, their results); expires a minute after the last
//
// Every kind has its own word after the prefix, so no café id, code or hash
// can make two kinds of key meet. Stream ids 0-1, 0-2, … make the stream's
// order the seq order, so Events(after, limit) is one XRANGE from
// 0-<after+1>, and a duplicate or out-of-order id is impossible: XADD
// refuses an id not above the last.
//
// # An append is one script
//
// lua/append.lua does, atomically (Redis runs one script at a time and
// nothing else meanwhile): check the fencing token when one is given, check
// that the first seq is the log's last + 1, draw the epoch and add the café
// to the cafés set when it is seq 1, XADD the events, set the last seq, set
// or clear the café's wake, and PUBLISH the events on the café's channel. A
// refused append (ErrConflict, ErrFenced) has written nothing and published
// nothing. The events' JSON is made by the caller's goroutine; the script
// only joins it.
//
// Loads read the epoch, last seq and newest snapshot in one script
// (lua/load.lua), then the tail by seq in pages of 1,000 entries. That is
// consistent without a transaction because the log only grows: what is
// below the last seq read never changes.
//
// # What an acknowledged append means
//
// Append returns nil only after Redis has answered the script, and Redis
// answers only after the write is in its append-only file as far as the
// server's appendfsync setting goes:
//
//   - appendonly yes, appendfsync always (what deploy/ and the tests use):
//     Redis fsyncs the AOF before it sends the replies of the commands it
//     ran in that turn of its event loop, so an acknowledged append
//     survives a crash of Redis, of its machine or a power cut. All appends
//     of one loop turn share one fsync: group commit, as bolt does.
//   - appendfsync everysec (Redis's default when the AOF is on): the reply
//     is sent after the write to the file but before the fsync, which runs
//     once a second; a crash of Redis's machine (a power cut, a kernel
//     panic) loses up to about one second of acknowledged appends. A crash
//     of the Redis process alone loses nothing, since the kernel has the
//     writes, except while the disk stalls: Redis then holds writes back
//     for up to two seconds while still replying, and those are lost.
//   - appendonly no, or RDB snapshots only: a Redis restart loses every
//     append since the last snapshot. Do not run worldcafe like that.
//
// The store does not read the server's settings (managed services often
// forbid CONFIG); the operator's configuration is the promise. With
// Config.Replicas = N the store also runs WAIT N on the connection that
// wrote, after a successful script, and returns an error when fewer than N
// replicas had the write within Config.ReplicaTimeout (1s by default). Such
// an append is on the primary although it reported an error, like any
// append whose reply was lost on the network: the caller learns the truth
// by reading the log (its next append at the same seq is ErrConflict). The
// same holds when go-redis retries an append whose reply was lost: the
// retry is refused as a conflict, never written twice.
//
// # Owner leases and fencing
//
// Exactly one node should run a café's state machine. AcquireLease sets
// P lease:<café> to (node, token) with a TTL, where token = INCR
// P fence:<café>: tokens only grow, across lapsed leases and Redis
// restarts, since the counter is in the AOF like everything else and never
// expires. AcquireLease fails with ErrConflict while another node's lease
// runs; the same node taking its lease again gets a new token, so the
// writes of an earlier life of that node are refused. RenewLease and
// ReleaseLease act only under the current token.
//
// AppendFenced checks, inside the append script and before the seq, that
// its token is the lease's current one. A node that was paused or cut off
// past its lease, and resumes believing it still owns the café, is refused
// with store.ErrFenced before it writes anything, even when its seq fits
// the log exactly; so is an append after the lease lapsed with nobody
// taking it (the owner must renew in time). Plain Append checks no lease:
// it is for one node and for tools. The lease clock is Redis's: a lease's
// TTL is counted by the server, so nodes' clocks need not agree. Lease
// lengths and renewal periods are the caller's (the runner's) choice.
//
// # Subscriptions are not the record
//
// Subscribe delivers the events of every later append to the café, from any
// node, over Redis Pub/Sub, for the relay of events to devices connected to
// other nodes. Pub/Sub delivers at most once and only while connected, so
// the channel is closed at the first doubt: a connection error or a
// resubscription after a reconnect, an append too big for the free buffer
// (1,024 events; the Redis connection never waits for a slow reader), a
// failed ping (a quiet subscription pings every 15s, so a dead connection
// is found within 30s), ctx done or Close. Events carry their seq: a
// consumer that sees a gap, or a closed channel, reads the stream from the
// seq it has (Events) and subscribes again, subscribing first and reading
// second so that nothing falls between. A periodic check of the log's last
// seq against the seq delivered catches the loss of a last message that no
// later one reveals.
//
// # Snapshots, codes, grants
//
// SaveSnapshot keeps the newest two snapshots by seq (an unreadable newest
// one still leaves an older one; the log covers the rest) and refuses a seq
// of 0 or past the log's end, in one script against the meta hash. Codes
// and grants are SET NX, so the first writer wins and a second gets
// ErrConflict; the store only ever sees a token's hash.
package redis
