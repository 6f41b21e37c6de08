/// Schedule scripts: records, pause/resume, misfire skips, and one-tick fires with unique fire keys.
extension RedisScripts {
    /// ARGV: prefix. Every schedule record in one round trip: {name, HGETALL, name, HGETALL, …}.
    static let schedules = prelude + #"""
    local out = {}
    for _, name in ipairs(redis.call('SMEMBERS', P .. ':schedules')) do
      out[#out + 1] = name
      out[#out + 1] = redis.call('HGETALL', P .. ':schedule:' .. name)
    end
    return out
    """#

    /// ARGV: prefix, name, definition JSON, now. Stores a schedule unless a stored one has the name (a state-only
    /// record is replaced). Returns 1 when stored.
    static let addSchedule = prelude + #"""
    local sk = P .. ':schedule:' .. ARGV[2]
    local f = redis.call('HMGET', sk, 'created_at', 'definition')
    if f[2] then return 0 end
    redis.call('DEL', sk, P .. ':fires:' .. ARGV[2])
    redis.call('HSET', sk, 'definition', ARGV[3], 'paused', 0, 'baseline_at', ARGV[4], 'created_at', ARGV[4], 'updated_at', ARGV[4])
    redis.call('SADD', P .. ':schedules', ARGV[2])
    return 1
    """#

    /// ARGV: prefix, name. Deletes a stored schedule, its state and fire keys. Returns 1 when deleted.
    static let removeSchedule = prelude + #"""
    local sk = P .. ':schedule:' .. ARGV[2]
    if not redis.call('HGET', sk, 'definition') then return 0 end
    redis.call('DEL', sk, P .. ':fires:' .. ARGV[2])
    redis.call('SREM', P .. ':schedules', ARGV[2])
    return 1
    """#

    /// ARGV: prefix, now, name… Creates state records for taskq.toml schedules that have none.
    static let registerSchedules = prelude + #"""
    for i = 3, #ARGV do
      local sk = P .. ':schedule:' .. ARGV[i]
      if redis.call('EXISTS', sk) == 0 then
        redis.call('HSET', sk, 'paused', 0, 'baseline_at', ARGV[2], 'created_at', ARGV[2], 'updated_at', ARGV[2])
        redis.call('SADD', P .. ':schedules', ARGV[i])
      end
    end
    return 0
    """#

    /// ARGV: prefix, name, paused (0|1), now. Resuming a paused schedule moves its baseline to now. Returns 1 when
    /// the schedule exists.
    static let pauseSchedule = prelude + #"""
    local sk = P .. ':schedule:' .. ARGV[2]
    local was = redis.call('HGET', sk, 'paused')
    if not was then return 0 end
    if was == '1' and ARGV[3] == '0' then redis.call('HSET', sk, 'baseline_at', ARGV[4]) end
    redis.call('HSET', sk, 'paused', ARGV[3], 'updated_at', ARGV[4])
    return 1
    """#

    /// ARGV: prefix, name, tick, now, seen baseline, seen last fire ('' for none). Moves the baseline to the tick
    /// (misfire skip) unless the schedule is paused or its record changed since it was read. Returns 1 when moved.
    static let skipTicks = prelude + #"""
    local sk = P .. ':schedule:' .. ARGV[2]
    local f = redis.call('HMGET', sk, 'created_at', 'paused', 'last_fire_at', 'baseline_at')
    if not f[1] or f[2] == '1' then return 0 end
    if f[4] ~= ARGV[5] or (f[3] or '') ~= ARGV[6] then return 0 end
    redis.call('HSET', sk, 'baseline_at', ARGV[3], 'updated_at', ARGV[4])
    return 1
    """#

    /// ARGV: prefix, now, name, tick, fire-key retention, seen baseline, seen last fire ('' for none), then the job's
    /// `enqueueWidth` plain values (see `enqueueFunction`).
    /// Fires one tick: checks the schedule is there, not paused and unchanged since it was read, adds the fire key
    /// (ZADD NX), enqueues the job and records the fire. Returns {'fired', id, created} or {'already'}, {'paused'},
    /// {'unknown'}.
    static let fireSchedule = prelude + enqueueFunction + #"""
    local name = ARGV[3]
    local sk = P .. ':schedule:' .. name
    local f = redis.call('HMGET', sk, 'created_at', 'paused', 'last_fire_at', 'baseline_at')
    if not f[1] then return {'unknown'} end
    if f[2] == '1' then return {'paused'} end
    local tick = tonumber(ARGV[4])
    if f[4] ~= ARGV[6] or (f[3] or '') ~= ARGV[7] then return {'already'} end
    local fires = P .. ':fires:' .. name
    if redis.call('ZADD', fires, 'NX', ARGV[4], ARGV[4]) == 0 then return {'already'} end
    local out = enqueue_jobs(ARGV[2], ARGV, 8, 1)
    redis.call('HSET', sk, 'last_fire_at', ARGV[4], 'last_job_id', out[1], 'updated_at', ARGV[2])
    redis.call('ZREMRANGEBYSCORE', fires, '-inf', '(' .. string.format('%.0f', tick - tonumber(ARGV[5])))
    return {'fired', out[1], out[2]}
    """#
}
