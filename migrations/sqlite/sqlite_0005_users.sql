-- taskq schema v5 for SQLite: users and API tokens (taskq createsuperuser, taskq user, taskq token).
-- password_hash is a bcrypt string in modular crypt format ($2b$COST$SALT+HASH): algorithm, cost and salt travel
-- with it, so the cost can be raised later. Names are unique (case-sensitive).
CREATE TABLE taskq_users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    email         TEXT,
    role          TEXT    NOT NULL CHECK (role IN ('admin','viewer')),
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    last_login_at INTEGER
);

-- API tokens, stored only as the SHA-256 of the token (hex); the token itself is shown once. Deleting a user
-- deletes (revokes) its tokens.
CREATE TABLE taskq_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES taskq_users(id) ON DELETE CASCADE,
    name         TEXT,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    last_used_at INTEGER
);
CREATE INDEX taskq_tokens_user ON taskq_tokens (user_id);
