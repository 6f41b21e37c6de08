/// The Redis store's server-side Lua scripts: every state change is one script, so it is atomic and no client can
/// interleave a read-modify-write. Each script takes the key prefix as ARGV[1]. The key layout is in docs/redis.md.
enum RedisScripts {
    /// Shared helpers, prepended to every script.
    static let prelude = #"""
    local P = ARGV[1]
    local function jk(id) return P .. ':job:' .. id end
    local function member(id) return string.format('%015d', tonumber(id)) end
    local function rscore(prio, run_at) return string.format('%.0f', (10 - tonumber(prio)) * 1e13 + tonumber(run_at)) end
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
    local function make_ready(id, q, prio, run_at)
      redis.call('ZADD', P .. ':ready:' .. q, rscore(prio, run_at), member(id))
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
    local function close_attempt(id, attempt, now, outcome, err)
      if err then
        redis.call('HSET', P .. ':attempts:' .. id, attempt .. '.finished_at', now, attempt .. '.outcome', outcome,
          attempt .. '.error', err)
      else
        redis.call('HSET', P .. ':attempts:' .. id, attempt .. '.finished_at', now, attempt .. '.outcome', outcome)
      end
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
      local zsets, woken, uniques = {}, {}, {}
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
        local state = 'pending'
        if tonumber(j.run_at) > now then state = 'scheduled' end
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
        if state == 'scheduled' then
          zadd(P .. ':delayed', j.run_at, member(id))
        else
          zadd(P .. ':ready:' .. j.queue, rscore(j.priority, j.run_at), member(id))
          woken[j.queue] = (woken[j.queue] or 0) + 1
        end
      end
      for key, z in pairs(zsets) do
        for k = 1, #z, 400 do redis.call('ZADD', key, unpack(z, k, math.min(k + 399, #z))) end
      end
      for k = 1, #uniques, 400 do redis.call('HSET', P .. ':unique', unpack(uniques, k, math.min(k + 399, #uniques))) end
      bflush()
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

    /// ARGV: prefix, now, JSON array of jobs. Returns [id, created(0|1), …].
    static let enqueue = prelude + enqueueFunction + #"""
    return enqueue_jobs(ARGV[2], cjson.decode(ARGV[3]))
    """#

    /// ARGV: prefix, now, limit, worker, lease_until, queue… Promotes due delayed jobs, then claims up to `limit`
    /// in strict priority, due time, enqueue order across the queues. Returns one flat HGETALL array per job.
    static let claim = prelude + #"""
    local now = tonumber(ARGV[2])
    local limit = tonumber(ARGV[3])
    local worker = ARGV[4]
    local lease = ARGV[5]
    -- Promote every due delayed job first, so priority is strict over everything that is due.
    repeat
      local due = redis.call('ZRANGEBYSCORE', P .. ':delayed', '-inf', now, 'LIMIT', 0, 1000)
      for _, m in ipairs(due) do
        local f = redis.call('HMGET', jk(tonumber(m)), 'queue', 'priority', 'run_at')
        redis.call('ZREM', P .. ':delayed', m)
        if f[1] then redis.call('ZADD', P .. ':ready:' .. f[1], rscore(f[2], f[3]), m) end
      end
    until #due < 1000
    local cands = {}
    for i = 6, #ARGV do
      local r = redis.call('ZRANGE', P .. ':ready:' .. ARGV[i], 0, limit - 1, 'WITHSCORES')
      for j = 1, #r, 2 do cands[#cands + 1] = {r[j], tonumber(r[j + 1]), ARGV[i]} end
    end
    table.sort(cands, function(a, b) if a[2] ~= b[2] then return a[2] < b[2] end return a[1] < b[1] end)
    local out, running, removed = {}, {}, {}
    for i = 1, math.min(limit, #cands) do
      local m, q = cands[i][1], cands[i][3]
      local id = tonumber(m)
      local k = jk(id)
      local taken = removed[q] or {}; taken[#taken + 1] = m; removed[q] = taken
      -- Ready jobs never carry finished_at (retry removes it), so claiming is one read and one write.
      local f = redis.call('HMGET', k, 'state', 'attempt')
      local attempt = tonumber(f[2]) + 1
      redis.call('HSET', k, 'state', 'running', 'attempt', attempt, 'worker', worker, 'started_at', ARGV[2], 'lease_until', lease)
      bmove(id, q, f[1], 'running')
      running[#running + 1] = lease; running[#running + 1] = id
      open_attempt(id, attempt, ARGV[2], worker)
      out[#out + 1] = redis.call('HGETALL', k)
    end
    for q, ms in pairs(removed) do redis.call('ZREM', P .. ':ready:' .. q, unpack(ms)) end
    if #running > 0 then redis.call('ZADD', P .. ':running', unpack(running)) end
    bflush()
    return out
    """#

    /// ARGV: prefix, now, JSON array of outcomes {id, attempt, worker, kind, result, error, run_at, outcome}.
    /// Each applies only while the job is running under the same worker and attempt. Returns the applied ids.
    static let finish = prelude + #"""
    local applied, unleased, done = {}, {}, {}
    for _, o in ipairs(cjson.decode(ARGV[3])) do
      local now = o.finished_at or ARGV[2]
      local id = o.id
      local k = jk(id)
      local f = redis.call('HMGET', k, 'state', 'worker', 'attempt', 'cancel_requested', 'queue', 'priority', 'unique_key')
      if f[1] == 'running' and f[2] == o.worker and tonumber(f[3]) == o.attempt then
        local cancel = f[4] == '1'
        local kind = o.kind
        local new = 'pending'
        if cancel then new = 'cancelled'
        elseif kind == 'completed' then new = 'completed'
        elseif kind == 'retry' then new = 'retrying'
        elseif kind == 'failed' then new = 'failed'
        elseif kind == 'cancelled' then new = 'cancelled' end
        unleased[#unleased + 1] = id
        local set, del = {'state', new}, {'lease_until'}
        if kind == 'completed' then
          set[#set + 1] = 'result'; set[#set + 1] = o.result
          if cancel then set[#set + 1] = 'error'; set[#set + 1] = 'cancelled while running' else del[#del + 1] = 'error' end
        elseif kind ~= 'released' then
          set[#set + 1] = 'error'; set[#set + 1] = o.error
        end
        if kind == 'retry' then set[#set + 1] = 'run_at'; set[#set + 1] = o.run_at end
        if kind == 'released' then
          set[#set + 1] = 'run_at'; set[#set + 1] = now
          redis.call('HINCRBY', k, 'attempt_offset', 1)
        end
        local finished = new == 'completed' or new == 'failed' or new == 'cancelled'
        if finished then
          set[#set + 1] = 'finished_at'; set[#set + 1] = now
          done[#done + 1] = now; done[#done + 1] = id
        end
        redis.call('HSET', k, unpack(set))
        redis.call('HDEL', k, unpack(del))
        bmove(id, f[5], 'running', new)
        if finished then
          finish_unique(id, f[7])
        elseif new == 'retrying' then
          redis.call('ZADD', P .. ':delayed', o.run_at, member(id))
        else
          make_ready(id, f[5], f[6], now)
        end
        local err = nil
        if o.error ~= cjson.null then err = o.error end
        close_attempt(id, o.attempt, now, o.outcome, err)
        applied[#applied + 1] = id
      end
    end
    if #unleased > 0 then redis.call('ZREM', P .. ':running', unpack(unleased)) end
    if #done > 0 then redis.call('ZADD', P .. ':finished', unpack(done)) end
    bflush()
    return applied
    """#

    /// ARGV: prefix, worker, lease_until, now, id… Returns {cancel ids, lost ids}.
    static let heartbeat = prelude + #"""
    local cancel, lost = {}, {}
    for i = 5, #ARGV do
      local id = ARGV[i]
      local f = redis.call('HMGET', jk(id), 'state', 'worker', 'cancel_requested')
      if f[1] == 'running' and f[2] == ARGV[2] then
        redis.call('HSET', jk(id), 'lease_until', ARGV[3])
        redis.call('ZADD', P .. ':running', ARGV[3], id)
        if f[3] == '1' then cancel[#cancel + 1] = tonumber(id) end
      else
        lost[#lost + 1] = tonumber(id)
      end
    end
    redis.call('HSET', P .. ':workers:seen', ARGV[2], ARGV[4])
    return {cancel, lost}
    """#

    /// ARGV: prefix, now, limit. Returns [id, worker, new state, …] for jobs whose lease expired.
    static let rescue = prelude + #"""
    local now = ARGV[2]
    local out = {}
    for _, m in ipairs(redis.call('ZRANGEBYSCORE', P .. ':running', '-inf', '(' .. now, 'LIMIT', 0, tonumber(ARGV[3]))) do
      local id = tonumber(m)
      local k = jk(id)
      local f = redis.call('HMGET', k, 'worker', 'attempt', 'attempt_offset', 'max_retries', 'cancel_requested', 'queue',
                           'priority', 'unique_key', 'state')
      redis.call('ZREM', P .. ':running', m)
      if f[9] == 'running' then
        local new = 'retrying'
        if f[5] == '1' then new = 'cancelled'
        elseif tonumber(f[2]) - tonumber(f[3]) > tonumber(f[4]) then new = 'failed' end
        local err = 'lease expired: worker ' .. (f[1] or '?') .. ' stopped renewing it (killed or lost)'
        redis.call('HSET', k, 'state', new, 'error', err, 'run_at', now)
        redis.call('HDEL', k, 'lease_until')
        bmove(id, f[6], 'running', new)
        if new == 'retrying' then
          redis.call('ZADD', P .. ':delayed', now, member(id))
          wake(f[6], 1)
        else
          set_finished(id, now)
          finish_unique(id, f[8])
        end
        close_attempt(id, tonumber(f[2]), now, 'lost', err)
        out[#out + 1] = id; out[#out + 1] = f[1] or ''; out[#out + 1] = new
      end
    end
    bflush()
    return out
    """#

    /// ARGV: prefix, id, now. Returns the state before ('' when there is no such job).
    static let cancel = prelude + #"""
    local id = tonumber(ARGV[2])
    local k = jk(id)
    local f = redis.call('HMGET', k, 'state', 'queue', 'unique_key')
    local st = f[1]
    if not st then return '' end
    if st == 'scheduled' or st == 'pending' or st == 'retrying' then
      redis.call('ZREM', P .. ':ready:' .. f[2], member(id))
      redis.call('ZREM', P .. ':delayed', member(id))
      redis.call('HSET', k, 'state', 'cancelled', 'error', 'cancelled before it ran')
      bmove(id, f[2], st, 'cancelled')
      set_finished(id, ARGV[3])
      finish_unique(id, f[3])
    elseif st == 'running' then
      redis.call('HSET', k, 'cancel_requested', 1)
    end
    bflush()
    return st
    """#

    /// ARGV: prefix, id, now, allowed states (comma list; '' for any). Returns {state before, conflicting id or 0},
    /// plus a third element when the state is not allowed (nothing changed).
    static let retry = prelude + #"""
    local id = tonumber(ARGV[2])
    local now = ARGV[3]
    local k = jk(id)
    local f = redis.call('HMGET', k, 'state', 'queue', 'unique_key', 'priority', 'attempt')
    local st = f[1]
    if not st then return {'', 0} end
    if ARGV[4] ~= '' and not string.find(',' .. ARGV[4] .. ',', ',' .. st .. ',', 1, true) then return {st, 0, 'skip'} end
    if st == 'failed' or st == 'cancelled' then
      if f[3] then
        local other = redis.call('HGET', P .. ':unique', f[3])
        if other and other ~= tostring(id) then return {st, tonumber(other)} end
        redis.call('HSET', P .. ':unique', f[3], id)
      end
      redis.call('HSET', k, 'state', 'pending', 'run_at', now, 'attempt_offset', f[5], 'cancel_requested', 0)
      redis.call('HDEL', k, 'finished_at', 'lease_until')
      redis.call('ZREM', P .. ':finished', id)
      bmove(id, f[2], st, 'pending')
      make_ready(id, f[2], f[4], now)
    elseif st == 'scheduled' or st == 'retrying' then
      redis.call('ZREM', P .. ':delayed', member(id))
      redis.call('HSET', k, 'state', 'pending', 'run_at', now)
      bmove(id, f[2], st, 'pending')
      make_ready(id, f[2], f[4], now)
    end
    bflush()
    return {st, 0}
    """#

    /// ARGV: prefix, index key, before id ('+inf' or '(N'), limit, states (comma list or ''), queue, task.
    /// Walks the index newest first and returns one HGETALL array per matching job.
    static let list = prelude + #"""
    local index = P .. ':' .. ARGV[2]
    local limit = tonumber(ARGV[4])
    local states = {}
    local any_state = ARGV[5] == ''
    for s in string.gmatch(ARGV[5], '[^,]+') do states[s] = true end
    local queue, task = ARGV[6], ARGV[7]
    local out = {}
    local max = ARGV[3]
    local scanned = 0
    while #out < limit and scanned < 1000000 do
      local ids = redis.call('ZREVRANGEBYSCORE', index, max, '-inf', 'LIMIT', 0, 500)
      if #ids == 0 then break end
      for _, id in ipairs(ids) do
        local f = redis.call('HMGET', jk(id), 'state', 'queue', 'task')
        if f[1] and (any_state or states[f[1]]) and (queue == '' or f[2] == queue) and (task == '' or f[3] == task) then
          out[#out + 1] = redis.call('HGETALL', jk(id))
          if #out >= limit then break end
        end
      end
      scanned = scanned + #ids
      max = '(' .. ids[#ids]
    end
    return out
    """#

    /// ARGV: prefix, finished before, limit, states (comma list). Deletes finished jobs and their history.
    static let purge = prelude + #"""
    local states = {}
    for s in string.gmatch(ARGV[4], '[^,]+') do states[s] = true end
    local limit = tonumber(ARGV[3])
    local deleted, offset = 0, 0
    while deleted < limit do
    local ids = redis.call('ZRANGEBYSCORE', P .. ':finished', '-inf', '(' .. ARGV[2], 'LIMIT', offset, 500)
    if #ids == 0 then break end
    for _, id in ipairs(ids) do
      if deleted >= limit then break end
      local f = redis.call('HMGET', jk(id), 'state', 'queue', 'task')
      if f[1] and states[f[1]] then
        redis.call('DEL', jk(id), P .. ':attempts:' .. id)
        redis.call('ZREM', P .. ':idx:all', id)
        redis.call('ZREM', P .. ':idx:queue:' .. f[2], id)
        redis.call('ZREM', P .. ':idx:task:' .. f[3], id)
        redis.call('ZREM', P .. ':idx:state:' .. f[1], id)
        redis.call('ZREM', P .. ':finished', id)
        count(f[2], f[1], -1)
        deleted = deleted + 1
      elseif not f[1] then
        redis.call('ZREM', P .. ':finished', id)
      else
        offset = offset + 1
      end
    end
    end
    return deleted
    """#

    /// ARGV: prefix, finished before, cursor score ('-inf' at first), members at that score already seen, page
    /// size, states (comma list). Counts one page of the finished index by state; returns {scanned, cursor score,
    /// seen at it, state, count, …}. The cursor keeps each page's cost independent of how far the scan has got.
    static let purgeableCounts = prelude + #"""
    local states = {}
    for s in string.gmatch(ARGV[6], '[^,]+') do states[s] = true end
    local r = redis.call('ZRANGEBYSCORE', P .. ':finished', ARGV[3], '(' .. ARGV[2], 'WITHSCORES', 'LIMIT',
      tonumber(ARGV[4]), tonumber(ARGV[5]))
    local counts = {}
    local cursor, seen = ARGV[3], tonumber(ARGV[4])
    for i = 1, #r, 2 do
      local st = redis.call('HGET', jk(r[i]), 'state')
      if st and states[st] then counts[st] = (counts[st] or 0) + 1 end
      if r[i + 1] == cursor then seen = seen + 1 else cursor = r[i + 1]; seen = 1 end
    end
    local out = {#r / 2, cursor, seen}
    for st, n in pairs(counts) do out[#out + 1] = st; out[#out + 1] = n end
    return out
    """#

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

    /// ARGV: prefix, name, tick, now. Moves the baseline to the tick (misfire skip) unless the schedule is paused or
    /// already fired or skipped that far. Returns 1 when moved.
    static let skipTicks = prelude + #"""
    local sk = P .. ':schedule:' .. ARGV[2]
    local f = redis.call('HMGET', sk, 'created_at', 'paused', 'last_fire_at', 'baseline_at')
    if not f[1] or f[2] == '1' then return 0 end
    local tick = tonumber(ARGV[3])
    if tick <= tonumber(f[4]) or (f[3] and tick <= tonumber(f[3])) then return 0 end
    redis.call('HSET', sk, 'baseline_at', ARGV[3], 'updated_at', ARGV[4])
    return 1
    """#

    /// ARGV: prefix, now, name, tick, job JSON, fire-key retention. Fires one tick: checks the schedule, adds the
    /// fire key (ZADD NX), enqueues the job and records the fire. Returns {'fired', id, created} or {'already'},
    /// {'paused'}, {'unknown'}.
    static let fireSchedule = prelude + enqueueFunction + #"""
    local name = ARGV[3]
    local sk = P .. ':schedule:' .. name
    local f = redis.call('HMGET', sk, 'created_at', 'paused', 'last_fire_at', 'baseline_at')
    if not f[1] then return {'unknown'} end
    if f[2] == '1' then return {'paused'} end
    local tick = tonumber(ARGV[4])
    local done = tonumber(f[4])
    if f[3] and tonumber(f[3]) > done then done = tonumber(f[3]) end
    if tick <= done then return {'already'} end
    local fires = P .. ':fires:' .. name
    if redis.call('ZADD', fires, 'NX', ARGV[4], ARGV[4]) == 0 then return {'already'} end
    local out = enqueue_jobs(ARGV[2], {cjson.decode(ARGV[5])})
    redis.call('HSET', sk, 'last_fire_at', ARGV[4], 'last_job_id', out[1], 'updated_at', ARGV[2])
    redis.call('ZREMRANGEBYSCORE', fires, '-inf', '(' .. string.format('%.0f', tick - tonumber(ARGV[6])))
    return {'fired', out[1], out[2]}
    """#

    /// ARGV: prefix, layout version, now. Records the layout version; refuses a newer one. Returns the version before (0 if none).
    static let migrate = prelude + #"""
    local current = tonumber(redis.call('HGET', P .. ':meta', 'layout_version') or '0')
    if current > tonumber(ARGV[2]) then return redis.error_reply('NEWER layout ' .. current) end
    if current < tonumber(ARGV[2]) then
      redis.call('HSET', P .. ':meta', 'layout_version', ARGV[2], 'migrated_at', ARGV[3])
    end
    return current
    """#
}
