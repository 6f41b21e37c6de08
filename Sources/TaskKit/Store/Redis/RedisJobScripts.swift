/// Job scripts: enqueue, claim, finish, heartbeat, expired leases, cancel, retry, list, purge, and the layout migration.
extension RedisScripts {
    /// ARGV: prefix, now, then `enqueueWidth` plain values per job (see `enqueueFunction`). Returns
    /// [id, created(0|1), …].
    static let enqueue = prelude + enqueueFunction + #"""
    return enqueue_jobs(ARGV[2], ARGV, 3, (#ARGV - 2) / \#(enqueueWidth))
    """#

    /// The job fields a claim reads (one HMGET per job, which also checks the state) and returns, as values in this
    /// order: the client sets what the claim wrote (state, attempt + 1, worker, started_at, lease_until) itself.
    static let claimFields = ["id", "state", "attempt", "name", "task", "args", "queue", "priority", "attempt_offset", "max_retries",
                              "backoff", "retry_delay_ms", "timeout_ms", "run_at", "unique_key", "result", "error", "created_at",
                              "cancel_requested"]

    /// ARGV: prefix, now, limit, worker, lease_until, starting (how many start now: they get started_at), queue
    /// count N, N queues, tasks… Promotes due delayed jobs,
    /// then claims up to `limit` of the given tasks in strict priority, due time, enqueue order across the queues
    /// that are not paused (`queues:paused`).
    /// Returns per job the values of `claimFields` as they were before the claim (absent ones nil).
    static let claim = prelude + "local FIELDS = {" + claimFields.map { "'\($0)'" }.joined(separator: ", ") + "}\n" + #"""
    local now = tonumber(ARGV[2])
    local limit = tonumber(ARGV[3])
    local worker = ARGV[4]
    local lease = ARGV[5]
    local starting = tonumber(ARGV[6])
    local nq = tonumber(ARGV[7])
    -- Promote every due delayed job first, so priority is strict over everything that is due.
    repeat
      local due = redis.call('ZRANGEBYSCORE', P .. ':delayed', '-inf', now, 'LIMIT', 0, 1000)
      for _, m in ipairs(due) do
        local f = redis.call('HMGET', jk(tonumber(m)), 'queue', 'priority', 'run_at', 'task')
        redis.call('ZREM', P .. ':delayed', m)
        if f[1] then redis.call('ZADD', rkey(f[1], f[4]), rscore(f[2], f[3]), m) end
      end
    until #due < 1000
    local cands, sources = {}, 0
    for i = 8, 7 + nq do
      -- A paused queue is skipped in this same script: a pause holds from the next claim on.
      if redis.call('SISMEMBER', P .. ':queues:paused', ARGV[i]) == 0 then
      for j = 8 + nq, #ARGV do
        local key = rkey(ARGV[i], ARGV[j])
        local r = redis.call('ZRANGE', key, 0, limit - 1, 'WITHSCORES')
        if #r > 0 then sources = sources + 1 end
        for c = 1, #r, 2 do cands[#cands + 1] = {r[c], tonumber(r[c + 1]), ARGV[i], key} end
      end
      end
    end
    -- One set's members come in claim order already (score, then member); only a merge of several needs sorting.
    if sources > 1 then
      table.sort(cands, function(a, b) if a[2] ~= b[2] then return a[2] < b[2] end return a[1] < b[1] end)
    end
    local out, running, removed, seen = {}, {}, {}, {}
    local claimed = 0
    for i = 1, #cands do
      if claimed >= limit then break end
      local m, q, key = cands[i][1], cands[i][3], cands[i][4]
      local id = tostring(tonumber(m)) -- the unpadded id, made text once: every use below is a key or a member
      local k = jk(id)
      local taken = removed[key] or {}; taken[#taken + 1] = m; removed[key] = taken
      -- Ready jobs never carry finished_at (retry removes it), so claiming is one read and one write. A member
      -- seen twice (a queue listed twice) or whose job is gone or not waiting is dropped from its set, not claimed.
      local f = redis.call('HMGET', k, unpack(FIELDS))
      if not seen[m] and (f[2] == 'pending' or f[2] == 'scheduled' or f[2] == 'retrying') then
      seen[m] = true
      claimed = claimed + 1
      local attempt = tostring(tonumber(f[3]) + 1)
      -- The first `starting` jobs start now; the rest were claimed ahead of a free slot: no started_at yet.
      local set = {'state', 'running', 'attempt', attempt, 'worker', worker, 'started_at', claimed <= starting and ARGV[2] or '',
                   'lease_until', lease}
      open_attempt(set, attempt, ARGV[2], worker)
      redis.call('HSET', k, unpack(set))
      bmove(id, q, f[2], 'running')
      running[#running + 1] = lease; running[#running + 1] = id
      out[#out + 1] = f
      end
    end
    for key, ms in pairs(removed) do calln('ZREM', key, ms) end
    calln('ZADD', P .. ':running', running)
    bflush()
    return out
    """#

    /// ARGV: prefix, now, then 15 values per engine-decided transition: id, attempt, worker, state, error, result,
    /// run_at, finished_at, refund (0|1), yields (0|1), expired_before, outcome, attempt_error, ended_at, started_at
    /// (when the attempt really started; '' keeps the claim time). Plain
    /// arguments, not JSON, so a batch of a thousand costs no decoding: times as decimal text (Lua numbers are doubles
    /// and print large ones in exponent form), an absent time as '', an absent text as '' and a present one behind
    /// a '=' (so an empty text stays distinct from none). Each applies only while the job is running under the same
    /// worker and attempt (and, with expired_before, its lease expired); one that yields to a requested cancellation
    /// is not applied. Returns {applied ids, cancel-requested ids}.
    static let finish = prelude + #"""
    local function text(v) if v == '' then return nil end return string.sub(v, 2) end
    local function time(v) if v == '' then return nil end return v end
    local applied, cancel_requested, unleased, done = {}, {}, {}, {}
    for i = 3, #ARGV - 14, 15 do
      local id, attempt, worker, state = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
      local expired_before = time(ARGV[i + 10])
      local k = jk(id)
      local f = redis.call('HMGET', k, 'state', 'worker', 'attempt', 'cancel_requested', 'queue', 'priority', 'unique_key',
                           'lease_until', 'task', 'error')
      if f[1] == 'running' and f[2] == worker and tonumber(f[3]) == tonumber(attempt)
         and (expired_before == nil or (tonumber(f[8]) or 0) < tonumber(expired_before)) then
        if ARGV[i + 9] == '1' and f[4] == '1' then
          cancel_requested[#cancel_requested + 1] = id
        else
          unleased[#unleased + 1] = id
          -- lease_until is emptied (read as none) in the same HSET; only an old error needs an HDEL of its own.
          local set = {'state', state, 'lease_until', ''}
          local err, result, run_at, started_at, finished_at =
            text(ARGV[i + 4]), text(ARGV[i + 5]), time(ARGV[i + 6]), time(ARGV[i + 14]), time(ARGV[i + 7])
          if err ~= nil then set[#set + 1] = 'error'; set[#set + 1] = err end
          if result ~= nil then set[#set + 1] = 'result'; set[#set + 1] = result end
          if run_at ~= nil then set[#set + 1] = 'run_at'; set[#set + 1] = run_at end
          if started_at ~= nil then set[#set + 1] = 'started_at'; set[#set + 1] = started_at end
          if finished_at ~= nil then
            set[#set + 1] = 'finished_at'; set[#set + 1] = finished_at
            done[#done + 1] = finished_at; done[#done + 1] = id
          end
          if ARGV[i + 8] == '1' then redis.call('HINCRBY', k, 'attempt_offset', 1) end
          close_attempt(set, attempt, ARGV[i + 13], ARGV[i + 11], text(ARGV[i + 12]), started_at)
          redis.call('HSET', k, unpack(set))
          if err == nil and f[10] then redis.call('HDEL', k, 'error') end
          bmove(id, f[5], 'running', state)
          if finished_at ~= nil then
            finish_unique(id, f[7])
          elseif state == 'pending' then
            make_ready(id, f[5], f[9], f[6], run_at or redis.call('HGET', k, 'run_at'))
          else
            redis.call('ZADD', P .. ':delayed', run_at or redis.call('HGET', k, 'run_at'), member(id))
          end
          applied[#applied + 1] = id
        end
      end
    end
    calln('ZREM', P .. ':running', unleased)
    calln('ZADD', P .. ':finished', done)
    bflush()
    return {applied, cancel_requested}
    """#

    /// ARGV: prefix, worker, lease_until, now, started count S, S started ids, id… Returns {cancel ids, lost ids}.
    static let heartbeat = prelude + #"""
    local cancel, lost = {}, {}
    local ns = tonumber(ARGV[5])
    -- Running jobs the worker claimed ahead and has started since: their start is recorded now.
    for i = 6, 5 + ns do
      local f = redis.call('HMGET', jk(ARGV[i]), 'state', 'worker', 'started_at')
      if f[1] == 'running' and f[2] == ARGV[2] and (not f[3] or f[3] == '') then redis.call('HSET', jk(ARGV[i]), 'started_at', ARGV[4]) end
    end
    for i = 6 + ns, #ARGV do
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

    /// ARGV: prefix, now, limit. Returns one flat HGETALL array per running job whose lease expired before now,
    /// oldest lease first; index entries of jobs no longer running are dropped on the way.
    static let expiredLeases = prelude + #"""
    local now, limit = ARGV[2], tonumber(ARGV[3])
    local out, start = {}, 0
    repeat
      local ms = redis.call('ZRANGEBYSCORE', P .. ':running', '-inf', '(' .. now, 'LIMIT', start, limit)
      for _, m in ipairs(ms) do
        if redis.call('HGET', jk(m), 'state') == 'running' then
          if #out < limit then out[#out + 1] = redis.call('HGETALL', jk(m)) end
          start = start + 1
        else
          redis.call('ZREM', P .. ':running', m)
        end
      end
    until #ms < limit or #out >= limit
    return out
    """#

    /// ARGV: prefix, id, now, error. Returns the state before ('' when there is no such job).
    static let cancel = prelude + #"""
    local id = tonumber(ARGV[2])
    local k = jk(id)
    local f = redis.call('HMGET', k, 'state', 'queue', 'unique_key', 'task')
    local st = f[1]
    if not st then return '' end
    if st == 'scheduled' or st == 'pending' or st == 'retrying' then
      redis.call('ZREM', rkey(f[2], f[4]), member(id))
      redis.call('ZREM', P .. ':delayed', member(id))
      redis.call('HSET', k, 'state', 'cancelled', 'error', ARGV[4])
      bmove(id, f[2], st, 'cancelled')
      set_finished(id, ARGV[3])
      finish_unique(id, f[3])
    elseif st == 'running' then
      redis.call('HSET', k, 'cancel_requested', 1)
    end
    bflush()
    return st
    """#

    /// ARGV: prefix, id, now, allowed states (comma list). Returns {state before, result}: result is
    /// 'retried', 'skip' (state not allowed or not retryable; nothing changed), or the id of the live job holding
    /// the unique key.
    static let retry = prelude + #"""
    local id = tonumber(ARGV[2])
    local now = ARGV[3]
    local k = jk(id)
    local f = redis.call('HMGET', k, 'state', 'queue', 'unique_key', 'priority', 'attempt', 'task')
    local st = f[1]
    if not st then return {'', 'skip'} end
    if not string.find(',' .. ARGV[4] .. ',', ',' .. st .. ',', 1, true) then return {st, 'skip'} end
    if st == 'failed' or st == 'cancelled' or st == 'completed' then
      if f[3] then
        local other = redis.call('HGET', P .. ':unique', f[3])
        if other and other ~= tostring(id) then return {st, other} end
        redis.call('HSET', P .. ':unique', f[3], id)
      end
      redis.call('HSET', k, 'state', 'pending', 'run_at', now, 'attempt_offset', f[5], 'cancel_requested', 0)
      redis.call('HDEL', k, 'finished_at', 'lease_until', 'started_at', 'worker', 'error', 'result')
      redis.call('ZREM', P .. ':finished', id)
    elseif st == 'scheduled' or st == 'retrying' then
      redis.call('ZREM', P .. ':delayed', member(id))
      redis.call('HSET', k, 'state', 'pending', 'run_at', now)
      redis.call('HDEL', k, 'finished_at', 'started_at', 'worker', 'error', 'result')
    else
      return {st, 'skip'}
    end
    bmove(id, f[2], st, 'pending')
    make_ready(id, f[2], f[6], f[4], now)
    bflush()
    return {st, 'retried'}
    """#

    /// ARGV: prefix, index key, before id ('+inf' or '(N'), limit, states (comma list or ''), queue, task, scan
    /// budget. Walks the index newest first, scanning at most the budget; returns {cursor, HGETALL array…} where
    /// the cursor ('(N', or '' at the end of the index) continues the walk in the next call.
    static let list = prelude + #"""
    local index = P .. ':' .. ARGV[2]
    local limit = tonumber(ARGV[4])
    local states = {}
    local any_state = ARGV[5] == ''
    for s in string.gmatch(ARGV[5], '[^,]+') do states[s] = true end
    local queue, task = ARGV[6], ARGV[7]
    local budget = tonumber(ARGV[8])
    local out = {''}
    local max = ARGV[3]
    local scanned = 0
    while true do
      if #out - 1 >= limit or scanned >= budget then out[1] = max; break end
      local ids = redis.call('ZREVRANGEBYSCORE', index, max, '-inf', 'LIMIT', 0, 500)
      if #ids == 0 then break end
      for _, id in ipairs(ids) do
        max = '(' .. id
        scanned = scanned + 1
        local f = redis.call('HMGET', jk(id), 'state', 'queue', 'task')
        if f[1] and (any_state or states[f[1]]) and (queue == '' or f[2] == queue) and (task == '' or f[3] == task) then
          out[#out + 1] = redis.call('HGETALL', jk(id))
          if #out - 1 >= limit then break end
        end
      end
    end
    return out
    """#

    /// ARGV: prefix, finished before, limit, states (comma list). Deletes finished jobs with their history and output.
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
        -- attempts:ID is layout 2's attempt hash: none is left after `taskq migrate`, except what a layout-2 worker
        -- still running during the upgrade wrote (docs/redis.md), which goes with its job.
        redis.call('DEL', jk(id), P .. ':attempts:' .. id)
        -- The job's output: one string per attempt and stream, listed by the fields of its output hash.
        local okey = P .. ':output:' .. id
        for _, field in ipairs(redis.call('HKEYS', okey)) do redis.call('DEL', okey .. ':' .. field) end
        redis.call('DEL', okey)
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

    /// ARGV: prefix, layout version, now, cursor ('-inf' at first, then what the last call returned), chunk size.
    /// Refuses a newer layout; moves the ready sets of layout 1 (one per queue) to layout 2 (one per queue and task);
    /// then, one chunk of `idx:all` per call, moves each job's attempts from layout 2's `attempts:ID` hash into its
    /// job hash (layout 3); the call that finds fewer than a chunk left records the version. Every step can run
    /// again (a moved job has no `attempts:ID` left), so a migration cut short, or two at once, finish the same.
    /// Returns {version before, next cursor ('' when done), 1 when this call recorded the version}.
    static let migrate = prelude + #"""
    local target = tonumber(ARGV[2])
    local current = tonumber(redis.call('HGET', P .. ':meta', 'layout_version') or '0')
    if current > target then return redis.error_reply('NEWER layout ' .. current) end
    if current == target then return {current, '', 0} end
    if current == 1 then
      local queues = {}
      for _, field in ipairs(redis.call('HKEYS', P .. ':counts')) do
        local q = string.match(field, '^(.*)|[^|]*$')
        if q then queues[q] = true end
      end
      -- Two phases: every old set is read and deleted before any new one is written, since an old key
      -- (ready:QUEUE) can spell a new one (ready:LEN:QUEUE:TASK) when queue names hold ':'.
      local moved = {}
      for q in pairs(queues) do
        local old = P .. ':ready:' .. q
        moved[#moved + 1] = {q, redis.call('ZRANGE', old, 0, -1, 'WITHSCORES')}
        redis.call('DEL', old)
      end
      for _, entry in ipairs(moved) do
        local q, r = entry[1], entry[2]
        for i = 1, #r, 2 do
          local t = redis.call('HGET', jk(tonumber(r[i])), 'task')
          if t then redis.call('ZADD', rkey(q, t), r[i + 1], r[i]) end
        end
      end
      redis.call('HSET', P .. ':meta', 'layout_version', 2)
    end
    local limit = tonumber(ARGV[5])
    local ids = redis.call('ZRANGEBYSCORE', P .. ':idx:all', ARGV[4], '+inf', 'LIMIT', 0, limit)
    for _, id in ipairs(ids) do
      local akey = P .. ':attempts:' .. id
      local fields = redis.call('HGETALL', akey)
      if #fields > 0 and redis.call('EXISTS', jk(id)) == 1 then calln('HSET', jk(id), fields) end
      redis.call('DEL', akey)
    end
    if #ids == limit then return {current, '(' .. ids[#ids], 0} end
    redis.call('HSET', P .. ':meta', 'layout_version', target, 'migrated_at', ARGV[3])
    return {current, '', 1}
    """#

}
