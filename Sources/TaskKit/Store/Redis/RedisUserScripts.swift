/// User and token scripts behind `taskq user`, `taskq token` and `taskq createsuperuser` (keys in docs/redis.md).
/// Names hold no `:` (`CredentialRules`), so `user:NAME` and `user:NAME:tokens` never collide.
extension RedisScripts {
    /// Helpers for the user scripts (they need none of the job prelude).
    static let userPrelude = #"""
    local P = ARGV[1]
    local function uk(name) return P .. ':user:' .. name end
    local function tk(id) return P .. ':token:' .. id end
    local function setopt(key, field, value)
      if value ~= '' then redis.call('HSET', key, field, value) end
    end

    """#

    /// ARGV: prefix, name, email ('' for none), role, password hash, now. Returns the new id, or 0 when the name is
    /// taken.
    static let addUser = userPrelude + #"""
    local key = uk(ARGV[2])
    if redis.call('EXISTS', key) == 1 then return 0 end
    local id = redis.call('INCR', P .. ':users:seq')
    redis.call('HSET', key, 'id', id, 'name', ARGV[2], 'role', ARGV[4], 'password_hash', ARGV[5],
      'created_at', ARGV[6], 'updated_at', ARGV[6])
    setopt(key, 'email', ARGV[3])
    redis.call('ZADD', P .. ':users', id, ARGV[2])
    return id
    """#

    /// ARGV: prefix, name. Deletes the user and its tokens. Returns how many tokens were revoked, or -1 when there
    /// is no such user.
    static let removeUser = userPrelude + #"""
    local key = uk(ARGV[2])
    if redis.call('EXISTS', key) == 0 then return -1 end
    local ids = redis.call('SMEMBERS', key .. ':tokens')
    for _, id in ipairs(ids) do
      local hash = redis.call('HGET', tk(id), 'hash')
      if hash then redis.call('HDEL', P .. ':tokens:by_hash', hash) end
      redis.call('DEL', tk(id))
      redis.call('ZREM', P .. ':tokens', id)
    end
    redis.call('DEL', key, key .. ':tokens')
    redis.call('ZREM', P .. ':users', ARGV[2])
    return #ids
    """#

    /// ARGV: prefix, name, field, value[, field, value]. Sets fields of an existing user. Returns 1, or 0 when there
    /// is no such user.
    static let updateUser = userPrelude + #"""
    local key = uk(ARGV[2])
    if redis.call('EXISTS', key) == 0 then return 0 end
    for i = 3, #ARGV - 1, 2 do redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end
    return 1
    """#

    /// ARGV: prefix, user, name ('' for none), token hash, now, expires_at ('' for never). Returns the new id, or 0
    /// when there is no such user.
    static let addToken = userPrelude + #"""
    local user = uk(ARGV[2])
    if redis.call('EXISTS', user) == 0 then return 0 end
    local id = redis.call('INCR', P .. ':tokens:seq')
    local key = tk(id)
    redis.call('HSET', key, 'id', id, 'user', ARGV[2], 'hash', ARGV[4], 'created_at', ARGV[5])
    setopt(key, 'name', ARGV[3])
    setopt(key, 'expires_at', ARGV[6])
    redis.call('HSET', P .. ':tokens:by_hash', ARGV[4], id)
    redis.call('ZADD', P .. ':tokens', id, id)
    redis.call('SADD', user .. ':tokens', id)
    return id
    """#

    /// ARGV: prefix, id. Returns 1, or 0 when there is no such token.
    static let revokeToken = userPrelude + #"""
    local key = tk(ARGV[2])
    local f = redis.call('HMGET', key, 'user', 'hash')
    if not f[1] then return 0 end
    redis.call('HDEL', P .. ':tokens:by_hash', f[2])
    redis.call('SREM', uk(f[1]) .. ':tokens', ARGV[2])
    redis.call('ZREM', P .. ':tokens', ARGV[2])
    redis.call('DEL', key)
    return 1
    """#

    /// ARGV: prefix, id, now. Returns 1, or 0 when the token is gone.
    static let recordTokenUse = userPrelude + #"""
    local key = tk(ARGV[2])
    if redis.call('EXISTS', key) == 0 then return 0 end
    redis.call('HSET', key, 'last_used_at', ARGV[3])
    return 1
    """#

    /// ARGV: prefix, token hash. Returns {token HGETALL, user HGETALL}, or {} when no token has that hash.
    static let tokenByHash = userPrelude + #"""
    local id = redis.call('HGET', P .. ':tokens:by_hash', ARGV[2])
    if not id then return {} end
    local token = redis.call('HGETALL', tk(id))
    if #token == 0 then return {} end
    local user = redis.call('HGET', tk(id), 'user')
    return {token, redis.call('HGETALL', uk(user))}
    """#

    /// ARGV: prefix, user ('' for all). Returns every token's HGETALL, oldest first.
    static let tokens = userPrelude + #"""
    local out = {}
    for _, id in ipairs(redis.call('ZRANGE', P .. ':tokens', 0, -1)) do
      local f = redis.call('HGETALL', tk(id))
      if #f > 0 and (ARGV[2] == '' or redis.call('HGET', tk(id), 'user') == ARGV[2]) then out[#out + 1] = f end
    end
    return out
    """#

    /// ARGV: prefix. Returns every user's HGETALL, in the order they were added.
    static let users = userPrelude + #"""
    local out = {}
    for _, name in ipairs(redis.call('ZRANGE', P .. ':users', 0, -1)) do
      local f = redis.call('HGETALL', uk(name))
      if #f > 0 then out[#out + 1] = f end
    end
    return out
    """#
}
