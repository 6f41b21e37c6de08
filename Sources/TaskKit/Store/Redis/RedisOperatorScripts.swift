/// Worker and queue scripts behind `taskq workers`, `taskq queue` and `taskq stats --watch` (keys in docs/redis.md).
extension RedisScripts {
    /// ARGV: prefix, worker, now, completed, failed, retried. Returns 1, or 0 when the worker has no record.
    static let touchWorker = prelude + #"""
    if redis.call('HEXISTS', P .. ':workers', ARGV[2]) == 0 then return 0 end
    redis.call('HSET', P .. ':workers:seen', ARGV[2], ARGV[3])
    redis.call('HSET', P .. ':workers:tally', ARGV[2], ARGV[4] .. ',' .. ARGV[5] .. ',' .. ARGV[6])
    return 1
    """#

    /// ARGV: prefix. Returns {workers HGETALL, workers:seen HGETALL, workers:tally HGETALL}.
    static let workers = prelude + #"""
    return {redis.call('HGETALL', P .. ':workers'), redis.call('HGETALL', P .. ':workers:seen'),
            redis.call('HGETALL', P .. ':workers:tally')}
    """#

    /// ARGV: prefix. Returns {worker, running jobs, …} over the `running` set (running jobs only).
    static let runningByWorker = prelude + #"""
    local counts = {}
    for _, id in ipairs(redis.call('ZRANGE', P .. ':running', 0, -1)) do
      local f = redis.call('HMGET', jk(id), 'state', 'worker')
      if f[1] == 'running' and f[2] then counts[f[2]] = (counts[f[2]] or 0) + 1 end
    end
    local out = {}
    for w, n in pairs(counts) do out[#out + 1] = w; out[#out + 1] = n end
    return out
    """#

    /// ARGV: prefix, id, last seen, id, last seen, … Deletes each worker whose last heartbeat is still the one
    /// given. Returns how many were deleted.
    static let removeWorkers = prelude + #"""
    local removed = 0
    for i = 2, #ARGV - 1, 2 do
      if redis.call('HGET', P .. ':workers:seen', ARGV[i]) == ARGV[i + 1] then
        redis.call('HDEL', P .. ':workers', ARGV[i])
        redis.call('HDEL', P .. ':workers:seen', ARGV[i])
        redis.call('HDEL', P .. ':workers:tally', ARGV[i])
        removed = removed + 1
      end
    end
    return removed
    """#

    /// ARGV: prefix, queue, paused (1|0), now. Returns 1 when the state changed. A resume pushes a wake token.
    static let setQueuePaused = prelude + #"""
    local q = ARGV[2]
    if ARGV[3] == '1' then
      if redis.call('SADD', P .. ':queues:paused', q) == 0 then return 0 end
      redis.call('HSET', P .. ':queues:paused_at', q, ARGV[4])
    else
      if redis.call('SREM', P .. ':queues:paused', q) == 0 then return 0 end
      redis.call('HDEL', P .. ':queues:paused_at', q)
      wake(q, 1)
    end
    return 1
    """#

    /// ARGV: prefix, now, delayed scan budget, queues… For each queue: the lowest-score member of each priority
    /// band of each ready set (the score is (10 - priority) × 10¹³ + run_at, so a band's first member is its oldest),
    /// over the tasks the queue ever had ready (`qtasks:QUEUE`) and the announced ones; then due jobs still in
    /// `delayed` (by run_at, at most the budget). Returns {queue, earliest run_at, …}.
    static let oldestWaiting = prelude + #"""
    local now = tonumber(ARGV[2])
    local budget = tonumber(ARGV[3])
    local oldest, wanted, left = {}, {}, 0
    local announced = redis.call('HKEYS', P .. ':tasks')
    for i = 4, #ARGV do
      local q = ARGV[i]
      wanted[q] = true
      left = left + 1
      local tasks = {}
      for _, t in ipairs(redis.call('SMEMBERS', P .. ':qtasks:' .. q)) do tasks[t] = true end
      for _, t in ipairs(announced) do tasks[t] = true end
      for t in pairs(tasks) do
        local key = rkey(q, t)
        if redis.call('EXISTS', key) == 1 then
          for p = 0, MAXP do
            local lo = (MAXP - p) * 1e13
            local r = redis.call('ZRANGEBYSCORE', key, string.format('%.0f', lo), string.format('%.0f', lo + now),
              'WITHSCORES', 'LIMIT', 0, 1)
            if #r > 0 then
              local at = tonumber(r[2]) - lo
              if not oldest[q] or at < oldest[q] then oldest[q] = at end
            end
          end
        end
      end
    end
    -- Due jobs not yet promoted by a claim (no worker claiming): the delayed set is in run_at order, so the first
    -- one seen per queue is its oldest there.
    local seen, offset = {}, 0
    while left > 0 and offset < budget do
      local ms = redis.call('ZRANGEBYSCORE', P .. ':delayed', '-inf', now, 'WITHSCORES', 'LIMIT', offset, 200)
      if #ms == 0 then break end
      for i = 1, #ms, 2 do
        local q = redis.call('HGET', jk(tonumber(ms[i])), 'queue')
        if q and wanted[q] and not seen[q] then
          seen[q] = true
          left = left - 1
          local at = tonumber(ms[i + 1])
          if not oldest[q] or at < oldest[q] then oldest[q] = at end
        end
      end
      offset = offset + #ms / 2
    end
    local out = {}
    for q, at in pairs(oldest) do out[#out + 1] = q; out[#out + 1] = string.format('%.0f', at) end
    return out
    """#
}
