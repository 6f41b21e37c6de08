// The floor for a one-shot PostgreSQL command: what taskq's `create-job` sends (session settings, the schema check,
// one job inserted, counted (migration 0011) and committed, the worker records read), from C through libpq linked at
// build time.
// cc -O2 bench/pq_oneshot.c -o /tmp/pq_oneshot -lpq; TASKQ_DATABASE_URL=postgres://... [PQ_ONESHOT_SCHEMA=taskq] /tmp/pq_oneshot
#include <postgresql/libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

static void run(PGconn *conn, const char *sql) {
    PGresult *result = PQexec(conn, sql);
    ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(conn));
        exit(1);
    }
    PQclear(result);
}

int main(void) {
    const char *url = getenv("TASKQ_DATABASE_URL");
    const char *keywords[] = {"connect_timeout", "application_name", "sslmode", "gssencmode", "dbname", NULL};
    const char *values[] = {"5", "taskq", "allow", "disable", url ? url : "", NULL};
    PGconn *conn = PQconnectdbParams(keywords, values, 1);
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "%s", PQerrorMessage(conn));
        return 1;
    }
    const char *schema = getenv("PQ_ONESHOT_SCHEMA");
    const char *settings = "SELECT set_config('search_path', $1, false), set_config('enable_sort', 'off', false), "
                           "set_config('jit', 'off', false), set_config('taskq.inserts_counted', 'on', false)";
    const char *params[] = {schema ? schema : "taskq"};
    PGresult *set = PQexecParams(conn, settings, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(set) != PGRES_TUPLES_OK) {
        fprintf(stderr, "%s", PQerrorMessage(conn));
        return 1;
    }
    PQclear(set);
    run(conn, "SELECT version, applied_at FROM taskq_migrations");
    run(conn, "WITH inserted AS (INSERT INTO taskq_jobs (name, task, args, queue, priority, state, max_retries, backoff, "
              "retry_delay_ms, run_at, created_at) VALUES ('c', 'noop', '{}', 'default', 5, 'pending', 3, 'exponential', "
              "1000, (extract(epoch FROM now()) * 1000)::bigint, (extract(epoch FROM now()) * 1000)::bigint) "
              "RETURNING id, queue, state), counted AS (INSERT INTO taskq_job_counts AS c (slot, queue, state, n) "
              "SELECT pg_backend_pid(), queue, state, count(*) FROM inserted GROUP BY queue, state "
              "ON CONFLICT (slot, queue, state) DO UPDATE SET n = c.n + excluded.n) SELECT id FROM inserted");
    run(conn, "SELECT id FROM taskq_workers LIMIT 100");
    PQfinish(conn);
    return 0;
}
