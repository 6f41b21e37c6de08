// The floor for a one-shot PostgreSQL command: what taskq's `create-job` sends (session settings, the schema check,
// one job inserted and committed, the worker records read), from C through libpq linked at build time.
// cc -O2 bench/pq_oneshot.c -o /tmp/pq_oneshot -lpq; TASKQ_DATABASE_URL=postgres://... /tmp/pq_oneshot
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
    run(conn, "SELECT set_config('search_path', 'taskq', false), set_config('enable_sort', 'off', false), "
              "set_config('jit', 'off', false)");
    run(conn, "SELECT version, applied_at FROM taskq_migrations");
    run(conn, "INSERT INTO taskq_jobs (name, task, args, queue, priority, state, max_retries, backoff, retry_delay_ms, "
              "run_at, created_at) VALUES ('c', 'noop', '{}', 'default', 5, 'pending', 3, 'exponential', 1000, "
              "(extract(epoch FROM now()) * 1000)::bigint, (extract(epoch FROM now()) * 1000)::bigint) RETURNING id");
    run(conn, "SELECT id FROM taskq_workers LIMIT 100");
    PQfinish(conn);
    return 0;
}
