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
    -- Calls cmd on key with the values of list, 4,000 at most per call (an even number, so score/member and
    -- field/value pairs stay together): Lua's unpack refuses more than 8,000 values, and a claim or enqueue can be larger.
    local function calln(cmd, key, list)
      for k = 1, #list, 4000 do redis.call(cmd, key, unpack(list, k, math.min(k + 3999, #list))) end
    end
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
      for st, ids in pairs(moves.zrem) do calln('ZREM', P .. ':idx:state:' .. st, ids) end
      for st, z in pairs(moves.zadd) do calln('ZADD', P .. ':idx:state:' .. st, z) end
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
    -- Attempts live in the job's own hash (layout 3), as fields N.started_at, N.worker, N.outcome, N.finished_at,
    -- N.error: no job field starts with a digit. These append an attempt's fields to a job's HSET list `f`, so
    -- opening or closing an attempt costs no call of its own.
    local function open_attempt(f, attempt, now, worker)
      f[#f + 1] = attempt .. '.started_at'; f[#f + 1] = now
      f[#f + 1] = attempt .. '.worker'; f[#f + 1] = worker
      f[#f + 1] = attempt .. '.outcome'; f[#f + 1] = 'running'
    end
    local function close_attempt(f, attempt, now, outcome, err, started)
      f[#f + 1] = attempt .. '.finished_at'; f[#f + 1] = now
      f[#f + 1] = attempt .. '.outcome'; f[#f + 1] = outcome
      if err then f[#f + 1] = attempt .. '.error'; f[#f + 1] = err end
      if started then f[#f + 1] = attempt .. '.started_at'; f[#f + 1] = started end
    end
    local function set_finished(id, now)
      redis.call('HSET', jk(id), 'finished_at', now)
      redis.call('ZADD', P .. ':finished', now, id)
    end

    """#

    /// Values per job in the enqueue scripts' arguments (`RedisStore.enqueueArguments` lays them out).
    static let enqueueWidth = 13

    /// `enqueue_jobs(now_text, a, first, n)`: inserts n jobs given as runs of `enqueueWidth` plain values in table
    /// `a` from index `first` — name, task, args, queue, priority, max_retries, backoff, retry_delay_ms, timeout_ms
    /// ('' for none), run_at, unique_key ('' for none), state (`pending` or `scheduled`), score (the ready set's
    /// score, or run_at for `delayed`) — and returns [id, created(0|1), …]. Plain values, not JSON: nothing to decode,
    /// and numbers stay the client's decimal text (Lua numbers are doubles and print large ones in exponent form).
    /// Every index is written with one ZADD per key and chunk of 2,000 members (`calln`), so a batch of thousands
    /// costs one HSET per job and a few dozen other calls.
    static let enqueueFunction = #"""
    local function enqueue_jobs(now_text, a, first, n)
      local W = \#(enqueueWidth)
      local existing, seen = {}, {}
      local fresh = n
      for i = 0, n - 1 do
        local uk = a[first + i * W + 10]
        if uk ~= '' then
          local e = seen[uk] or redis.call('HGET', P .. ':unique', uk)
          if e then existing[i] = e; fresh = fresh - 1 else seen[uk] = true end
        end
      end
      local next_id = redis.call('INCRBY', P .. ':seq', fresh) - fresh + 1
      local PAD = '000000000000000'
      -- Per queue: its jobs for idx:queue, its ready sets by task, its tasks, its count moves by state, how many to wake.
      local queues, tasks, states, all, delayed, uniques, out = {}, {}, {}, {}, {}, {}, {}
      for i = 0, n - 1 do
        local b = first + i * W
        local e = existing[i]
        if e then
          if e == true then e = seen[a[b + 10]] end
          out[#out + 1] = tonumber(e); out[#out + 1] = 0
        else
          local id = tostring(next_id)
          out[#out + 1] = next_id; out[#out + 1] = 1
          next_id = next_id + 1
          local t, q, st = a[b + 1], a[b + 3], a[b + 11]
          -- attempt_offset and cancel_requested are left absent (0) until set: every reader takes absent as 0.
          local f = {'id', id, 'name', a[b], 'task', t, 'args', a[b + 2], 'queue', q, 'priority', a[b + 4], 'state', st,
            'attempt', '0', 'max_retries', a[b + 5], 'backoff', a[b + 6], 'retry_delay_ms', a[b + 7], 'run_at', a[b + 9],
            'created_at', now_text}
          if a[b + 8] ~= '' then f[#f + 1] = 'timeout_ms'; f[#f + 1] = a[b + 8] end
          local uk = a[b + 10]
          if uk ~= '' then
            f[#f + 1] = 'unique_key'; f[#f + 1] = uk
            uniques[#uniques + 1] = uk; uniques[#uniques + 1] = id
            seen[uk] = id
          end
          redis.call('HSET', P .. ':job:' .. id, unpack(f))
          all[#all + 1] = id; all[#all + 1] = id
          local qs = queues[q]
          if not qs then qs = {ids = {}, ready = {}, tasks = {}, counts = {}, woken = 0}; queues[q] = qs end
          qs.tasks[t] = true
          qs.ids[#qs.ids + 1] = id; qs.ids[#qs.ids + 1] = id
          qs.counts[st] = (qs.counts[st] or 0) + 1
          local ts = tasks[t]
          if not ts then ts = {}; tasks[t] = ts end
          ts[#ts + 1] = id; ts[#ts + 1] = id
          local ss = states[st]
          if not ss then ss = {}; states[st] = ss end
          ss[#ss + 1] = id; ss[#ss + 1] = id
          local m = string.sub(PAD, #id + 1) .. id
          if st == 'scheduled' then
            delayed[#delayed + 1] = a[b + 12]; delayed[#delayed + 1] = m
          else
            local r = qs.ready[t]
            if not r then r = {}; qs.ready[t] = r end
            r[#r + 1] = a[b + 12]; r[#r + 1] = m
            qs.woken = qs.woken + 1
          end
        end
      end
      calln('ZADD', P .. ':idx:all', all)
      calln('ZADD', P .. ':delayed', delayed)
      for t, z in pairs(tasks) do calln('ZADD', P .. ':idx:task:' .. t, z) end
      for st, z in pairs(states) do calln('ZADD', P .. ':idx:state:' .. st, z) end
      calln('HSET', P .. ':unique', uniques)
      for q, qs in pairs(queues) do
        calln('ZADD', P .. ':idx:queue:' .. q, qs.ids)
        -- The tasks each queue ever had jobs of, so the oldest waiting job is found without scanning keys.
        local names = {}
        for t in pairs(qs.tasks) do names[#names + 1] = t end
        for t, z in pairs(qs.ready) do calln('ZADD', rkey(q, t), z) end
        calln('SADD', P .. ':qtasks:' .. q, names)
        for st, c in pairs(qs.counts) do redis.call('HINCRBY', P .. ':counts', q .. '|' .. st, c) end
        if qs.woken > 0 then wake(q, qs.woken) end
      end
      return out
    end

    """#
}
