-- taskq schema v10 for SQLite: user and token ids are never handed out again.
--
-- Without AUTOINCREMENT SQLite gives a new row the largest id in the table plus one, so after the newest token was
-- revoked (or the newest user removed) the next one got its id back, and a `taskq token revoke 2` typed from shell
-- history would revoke someone else's token. PostgreSQL and Redis draw ids from sequences that never go back;
-- AUTOINCREMENT makes SQLite do the same (its sqlite_sequence row remembers the largest id ever used, counting the
-- rows copied here). An id freed before this migration can still be reused once.
--
-- SQLite cannot add AUTOINCREMENT to a table, so both are rebuilt. The new token table refers to the new user table
-- from the start: dropping the old user table must not cascade to any token (taskq's connections enforce foreign
-- keys), and renaming the new user table rewrites the token table's reference to the final name.
CREATE TABLE taskq_users_next (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL UNIQUE,
    email         TEXT,
    role          TEXT    NOT NULL CHECK (role IN ('admin','viewer')),
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    last_login_at INTEGER
);
INSERT INTO taskq_users_next (id, name, email, role, password_hash, created_at, updated_at, last_login_at)
    SELECT id, name, email, role, password_hash, created_at, updated_at, last_login_at FROM taskq_users;

CREATE TABLE taskq_tokens_next (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES taskq_users_next(id) ON DELETE CASCADE,
    name         TEXT,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    last_used_at INTEGER
);
INSERT INTO taskq_tokens_next (id, user_id, name, token_hash, created_at, expires_at, last_used_at)
    SELECT id, user_id, name, token_hash, created_at, expires_at, last_used_at FROM taskq_tokens;

DROP TABLE taskq_tokens;
DROP TABLE taskq_users;
ALTER TABLE taskq_users_next RENAME TO taskq_users;
ALTER TABLE taskq_tokens_next RENAME TO taskq_tokens;
CREATE INDEX taskq_tokens_user ON taskq_tokens (user_id);
