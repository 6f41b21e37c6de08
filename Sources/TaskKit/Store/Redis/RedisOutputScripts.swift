/// Job output scripts: append a chunk under the ownership guard, read a stream. Keys (docs/redis.md):
/// `PREFIX:output:ID:N:STREAM` holds the kept tail of attempt N's stream (a binary-safe string) and the hash
/// `PREFIX:output:ID` has one field `N:STREAM` per stream written, the total bytes written to it; purge deletes both.
extension RedisScripts {
    /// ARGV: prefix, id, attempt, stream, worker, cap, skipped, chunk. Appends only while the job is running under
    /// that worker and attempt; keeps the last `cap` bytes (replacing what was kept when `skipped` > 0). Returns 1 when
    /// applied, 0 when the job is not held so.
    static let appendOutput = prelude + #"""
    local id, attempt, stream = ARGV[2], ARGV[3], ARGV[4]
    local f = redis.call('HMGET', jk(id), 'state', 'worker', 'attempt')
    if f[1] ~= 'running' or f[2] ~= ARGV[5] or tonumber(f[3]) ~= tonumber(attempt) then return 0 end
    local cap, skipped, chunk = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
    local okey = P .. ':output:' .. id
    local key = okey .. ':' .. attempt .. ':' .. stream
    if skipped > 0 then redis.call('DEL', key) end
    local kept = chunk
    if #kept > cap then kept = string.sub(kept, -cap) end
    local len = redis.call('APPEND', key, kept)
    if len > cap then redis.call('SET', key, redis.call('GETRANGE', key, len - cap, -1)) end
    redis.call('HINCRBY', okey, attempt .. ':' .. stream, skipped + #chunk)
    return 1
    """#

    /// ARGV: prefix, id, attempt, stream. Returns {kept bytes, total bytes written}, or {} when nothing was written.
    static let readOutput = prelude + #"""
    local okey = P .. ':output:' .. ARGV[2]
    local total = redis.call('HGET', okey, ARGV[3] .. ':' .. ARGV[4])
    if not total then return {} end
    local data = redis.call('GET', okey .. ':' .. ARGV[3] .. ':' .. ARGV[4]) or ''
    return {data, tonumber(total)}
    """#
}
