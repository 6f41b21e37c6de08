-- taskq schema v5 for PostgreSQL: users and API tokens (taskq createsuperuser, taskq user, taskq token).
-- password_hash is a bcrypt string in modular crypt format ($2b$COST$SALT+HASH): algorithm, cost and salt travel
-- with it, so the cost can be raised later. Names are unique (case-sensitive).
CREATE TABLE taskq_users (
    id            bigserial PRIMARY KEY,
    name          text      NOT NULL UNIQUE,
    email         text,
    role          text      NOT NULL CHECK (role IN ('admin','viewer')),
    password_hash text      NOT NULL,
    created_at    bigint    NOT NULL,
    updated_at    bigint    NOT NULL,
    last_login_at bigint
);

-- API tokens, stored only as the SHA-256 of the token (hex); the token itself is shown once. Deleting a user
-- deletes (revokes) its tokens.
CREATE TABLE taskq_tokens (
    id           bigserial PRIMARY KEY,
    user_id      bigint    NOT NULL REFERENCES taskq_users(id) ON DELETE CASCADE,
    name         text,
    token_hash   text      NOT NULL UNIQUE,
    created_at   bigint    NOT NULL,
    expires_at   bigint,
    last_used_at bigint
);
CREATE INDEX taskq_tokens_user ON taskq_tokens (user_id);
