import ArgumentParser
import TaskKit

/// The root command: only the subcommand list.
///
/// Every command states its `commandName`: without one, argument-parser derives it with `String(describing:)`, a
/// reflection that scans every protocol conformance in the binary once per command type, 1.5 ms of each start
/// (`taskq --version` 6.0 → 4.3 ms, BENCHMARKS.md "create-job: where a one-shot command's time goes").
public struct TaskqCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: ProgramName.current,
        abstract: "A durable background-job system: queue, run and inspect jobs.",
        discussion: """
            The database is chosen by --database-url, else TASKQ_DATABASE_URL, else database_url in taskq.toml, \
            else sqlite:taskq.sqlite3 in the working directory. Backends: sqlite:PATH (embedded), \
            postgres://user@host/db?schema=taskq (libpq; key=value strings and PG* variables work too), \
            redis://[user:password@]host:port/db?prefix=taskq or unix:///path/redis.sock.
            Exit codes: 0 ok, 1 operation not possible, 64 usage, 65 bad input data, 69 backend unavailable, \
            75 temporary failure, 130 interrupted.
            """,
        version: TaskqVersion.current,
        subcommands: [
            Migrate.self, CreateJob.self, ListJobs.self, ShowJob.self, Logs.self, ListTasks.self, Cancel.self, Retry.self,
            Stats.self, Workers.self, Queue.self, RunWorker.self, BeatCommand.self, Schedule.self, Purge.self, Rescue.self,
            CreateSuperuser.self, ChangePassword.self, User.self, Token.self, Serve.self,
        ]
    )

    public init() {}
}

public enum TaskqVersion {
    public static let current = "0.1.0"
}
