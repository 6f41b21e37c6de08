/// The Redis store's server-side Lua scripts: every state change is one script, so it is atomic and no client can
/// interleave a read-modify-write. Each script takes the key prefix as ARGV[1]. The key layout is in docs/redis.md.
/// Scripts decide nothing: the engine passes each job's state and transition; scripts keep the indexes in step.
/// Job scripts are in RedisJobScripts.swift, schedule scripts in RedisScheduleScripts.swift.
enum RedisScripts {
    /// Shared helpers, prepended to every script.
    static let prelude = #"""
    local P = ARGV[1]
    local MAXP = \#(Priority.range.upperBound)
    local function jk(id) return P .. ':job:' .. id end
    local function member(id) return string.format('%015d', tonumber(id)) end
    -- Ready jobs wait in one sorted set per queue and task, so a worker claims only the tasks it can run.
    local function rkey(q, t) return P .. ':ready:' .. #q .. ':' .. q .. ':' .. t end
    local function rscore(prio, run_at) return string.format('%.0f', (MAXP - tonumber(prio)) * 1e13 + tonumber(run_at)) end
    local function count(q, s, d) redis.call('HINCRBY', P .. ':counts', q .. '|' .. s, d) end
    -- State-index moves (idx:state sets and counts), gathered per script run and written by bflush() with one call
    -- per key and chunk. The job hash's own state field is written by the caller with its other fields.
    local moves = {zadd = {}, zrem = {}, counts = {}}
    local function bmove(id, q, from, to)
      if from then
        local r = moves.zrem[from] or {}; r[#r + 1] = id; moves.zrem[from] = r
        moves.counts[q .. '|' .. from] = (moves.counts[q .. '|' .. from] or 0) - 1
      end
      local a = moves.zadd[to] or {}; a[#a + 1] = id; a[#a + 1] = id; moves.zadd[to] = a
      moves.counts[q .. '|' .. to] = (moves.counts[q .. '|' .. to] or 0) + 1
    end
    local function bflush()
      for st, ids in pairs(moves.zrem) do
        for k = 1, #ids, 400 do redis.call('ZREM', P .. ':idx:state:' .. st, unpack(ids, k, math.min(k + 399, #ids))) end
      end
      for st, z in pairs(moves.zadd) do
        for k = 1, #z, 400 do redis.call('ZADD', P .. ':idx:state:' .. st, unpack(z, k, math.min(k + 399, #z))) end
      end
      for ck, n in pairs(moves.counts) do if n ~= 0 then redis.call('HINCRBY', P .. ':counts', ck, n) end end
    end
    local function wake(q, n)
      local key = P .. ':wake:' .. q
      for i = 1, math.min(n, 16) do redis.call('RPUSH', key, '1') end
      redis.call('LTRIM', key, 0, 63)
    end
    local function make_ready(id, q, t, prio, run_at)
      redis.call('ZADD', rkey(q, t), rscore(prio, run_at), member(id))
      wake(q, 1)
    end
    local function finish_unique(id, key)
      if key and redis.call('HGET', P .. ':unique', key) == tostring(id) then redis.call('HDEL', P .. ':unique', key) end
    end
    -- Attempts live in a hash per job: fields N.started_at, N.worker, N.finished_at, N.outcome, N.error.
    local function open_attempt(id, attempt, now, worker)
      redis.call('HSET', P .. ':attempts:' .. id, attempt .. '.started_at', now, attempt .. '.worker', worker,
        attempt .. '.outcome', 'running')
    end
    local function close_attempt(id, attempt, now, outcome, err, started)
      local f = {attempt .. '.finished_at', now, attempt .. '.outcome', outcome}
      if err then f[#f + 1] = attempt .. '.error'; f[#f + 1] = err end
      if started then f[#f + 1] = attempt .. '.started_at'; f[#f + 1] = started end
      redis.call('HSET', P .. ':attempts:' .. id, unpack(f))
    end
    local function set_finished(id, now)
      redis.call('HSET', jk(id), 'finished_at', now)
      redis.call('ZADD', P .. ':finished', now, id)
    end

    """#

    /// `enqueue_jobs(now_text, jobs)`: inserts decoded jobs, returns [id, created(0|1), …]. Index updates are
    /// gathered and written with one ZADD per key and chunk, so a batch costs about one call per job.
    static let enqueueFunction = #"""
    local function enqueue_jobs(now_text, jobs)
      local now = tonumber(now_text)
      local out = {}
      local fresh, seen = {}, {}
      for i, j in ipairs(jobs) do
        local uk = j.unique_key
        if uk == cjson.null then uk = nil; j.unique_key = nil end
        if uk then
          local existing = seen[uk] or redis.call('HGET', P .. ':unique', uk)
          if existing then j.existing = existing else seen[uk] = true; fresh[#fresh + 1] = i end
        else
          fresh[#fresh + 1] = i
        end
      end
      local last = redis.call('INCRBY', P .. ':seq', #fresh)
      local next_id = last - #fresh + 1
      local zsets, woken, uniques, qtasks = {}, {}, {}, {}
      local function zadd(key, score, m)
        local z = zsets[key]
        if not z then z = {}; zsets[key] = z end
        z[#z + 1] = score; z[#z + 1] = m
      end
      for _, i in ipairs(fresh) do
        local j = jobs[i]
        local id = next_id
        next_id = next_id + 1
        j.id = id
        local state = j.state
        local fields = {'id', id, 'name', j.name, 'task', j.task, 'args', j.args, 'queue', j.queue, 'priority', j.priority,
          'state', state, 'attempt', 0, 'attempt_offset', 0, 'max_retries', j.max_retries, 'backoff', j.backoff,
          'retry_delay_ms', j.retry_delay_ms, 'run_at', j.run_at, 'created_at', now_text, 'cancel_requested', 0}
        if j.timeout_ms ~= cjson.null then fields[#fields + 1] = 'timeout_ms'; fields[#fields + 1] = j.timeout_ms end
        if j.unique_key then
          fields[#fields + 1] = 'unique_key'; fields[#fields + 1] = j.unique_key
          uniques[#uniques + 1] = j.unique_key; uniques[#uniques + 1] = id
          seen[j.unique_key] = id
        end
        redis.call('HSET', jk(id), unpack(fields))
        zadd(P .. ':idx:all', id, id)
        zadd(P .. ':idx:queue:' .. j.queue, id, id)
        zadd(P .. ':idx:task:' .. j.task, id, id)
        bmove(id, j.queue, nil, state)
        local qt = qtasks[j.queue] or {}; qt[j.task] = true; qtasks[j.queue] = qt
        if state == 'scheduled' then
          zadd(P .. ':delayed', j.run_at, member(id))
        else
          zadd(rkey(j.queue, j.task), rscore(j.priority, j.run_at), member(id))
          woken[j.queue] = (woken[j.queue] or 0) + 1
        end
      end
      for key, z in pairs(zsets) do
        for k = 1, #z, 400 do redis.call('ZADD', key, unpack(z, k, math.min(k + 399, #z))) end
      end
      for k = 1, #uniques, 400 do redis.call('HSET', P .. ':unique', unpack(uniques, k, math.min(k + 399, #uniques))) end
      bflush()
      -- The tasks each queue ever had ready, so the oldest waiting job is found without scanning keys.
      for q, ts in pairs(qtasks) do
        local names = {}
        for t in pairs(ts) do names[#names + 1] = t end
        redis.call('SADD', P .. ':qtasks:' .. q, unpack(names))
      end
      for q, n in pairs(woken) do wake(q, n) end
      for _, j in ipairs(jobs) do
        if j.id then out[#out + 1] = j.id; out[#out + 1] = 1
        else
          local e = j.existing
          if e == true then e = seen[j.unique_key] end
          out[#out + 1] = tonumber(e); out[#out + 1] = 0
        end
      end
      return out
    end

    """#
}
