import Foundation
import Testing
import TaskqTestSupport

/// A server backend the binary runs against: a throwaway PostgreSQL cluster or redis-server on a free loopback port.
enum ServerBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case postgres, redis
    var testDescription: String { rawValue }

    /// A CLI on a fresh schema (PostgreSQL) or key prefix (Redis) of the shared server.
    func cli() throws -> CLI {
        let cli = try CLI()
        let name = "e2e" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        switch self {
        case .postgres: cli.databaseURL = try TestServers.postgresURL() + "?schema=\(name)"
        case .redis: cli.databaseURL = try TestServers.redisURL() + "?prefix=\(name)"
        }
        return cli
    }

    /// A server of the test's own, which it may restart.
    func dedicated() throws -> DedicatedServer {
        switch self {
        case .postgres: return try TestServers.dedicatedPostgres()
        case .redis: return try TestServers.dedicatedRedis()
        }
    }

    /// A server of the test's own and a CLI on it, migrated.
    func dedicatedCLI() throws -> (server: DedicatedServer, cli: CLI) {
        let server = try dedicated()
        let cli = try CLI()
        cli.databaseURL = server.url
        try cli.run(["migrate"])
        return (server, cli)
    }
}

/// The binary against real, throwaway PostgreSQL and Redis servers (started by the tests on free loopback ports).
@Suite("End to end: PostgreSQL and Redis")
struct ServerBackendEndToEndTests {
    @Test(arguments: ServerBackend.allCases)
    func commandsWorkTheSame(backend: ServerBackend) throws {
        let cli = try backend.cli()
        #expect(try cli.run(["migrate"]).status == 0)
        // Nothing but taskq's own line: PostgreSQL's notices ("schema … already exists, skipping") stay out of stderr.
        // (The test cluster runs with fsync and the like off: taskq warns about those, and only those.)
        let again = try cli.run(["migrate"])
        let warnings = again.stderr.split(separator: "\n")
        #expect(again.stdout.contains("No migrations to apply"))
        #expect(backend == .postgres ? warnings.count == 3 && warnings.allSatisfy { $0.hasPrefix("taskq: warning: PostgreSQL at ") }
                                     : warnings.isEmpty, "\(again.stderr)")
        let id = try cli.run(["create-job", "hello", "--task", "echo", "--args", #"{"n":1}"#, "--priority", "critical"]).stdout.trimmed
        #expect(id == "1")
        #expect(try cli.run(["create-job", "again", "--task", "noop", "--unique-key", "k"]).stdout == cli.run(["create-job", "x", "--task", "noop", "--unique-key", "k"]).stdout)
        #expect(try cli.run(["run-worker", "--burst"]).status == 0)
        let job = try cli.object(["show-job", id, "--json"])
        #expect(job["state"] as? String == "completed" && job["result"] as? [String: Int] == ["n": 1] && job["priority"] as? Int == 10)
        #expect(((job["history"] as? [[String: Any]])?.first?["outcome"] as? String) == "completed")
        #expect((try cli.object(["stats", "--json"])["by_state"] as? [String: Int])?["completed"] == 2)
        #expect(try cli.run(["cancel", id]).status == 1)
        #expect(try cli.run(["show-job", "999"]).status == 1)
    }

    @Test(arguments: ServerBackend.allCases)
    func concurrentMigratesFromManyProcessesAreSafe(backend: ServerBackend) throws {
        let cli = try backend.cli()
        let runs = try (0..<4).map { _ in try cli.start(["migrate", "--json"]) }
        let results = try runs.map { try $0.wait(timeout: 60) }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        let applied = results.compactMap { ($0.json as? [String: Any])?["migrations"] as? [Any] }.map(\.count)
        // One process applied every migration (PostgreSQL: the SQL files; Redis: the key-layout version); the others none.
        let known = (try cli.object(["migrate", "--list", "--json"])["migrations"] as? [Any])?.count ?? -1
        let expected = backend == .postgres ? known : 1
        #expect(applied.sorted() == [0, 0, 0, expected], "\(applied)")
        if backend == .postgres {
            let sql = try cli.run(["migrate", "--sql"])
            #expect(sql.status == 0 && sql.stdout.contains("CREATE TABLE taskq_jobs") && sql.stdout.contains("pg_namespace"))
        }
    }

    @Test func idlePostgresWorkersUseOneConnectionEachAndWakeOnNotify() throws {
        // A cluster of its own: its connections are only these workers'.
        let server = try TestServers.dedicatedPostgres().url
        let cli = try CLI()
        cli.databaseURL = server
        try cli.run(["migrate"])
        func sql(_ query: String) -> String { commandOutput("psql \(shellQuoted(server)) -Atc \(shellQuoted(query))") }
        let count = 10
        // Polling every minute and rescuing every 15 s: only a NOTIFY can start the job within a few seconds.
        let workers = try (0..<count).map { i in
            try cli.start(["run-worker", "--worker-id", "idle\(i)", "--poll-interval", "60s", "--lease", "60s"])
        }
        defer { for worker in workers { worker.signal(SIGKILL) } }
        try cli.waitUntil(30, "the workers to register") {
            Int(sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'taskq'")) == count
        }
        Thread.sleep(forTimeInterval: 1.5)
        let id = try cli.run(["create-job", "wake", "--task", "noop"]).stdout.trimmed
        try cli.waitUntil(3, "a NOTIFY to wake an idle worker") { try cli.jobState(id) == "completed" }
        #expect(Int(sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'taskq'")) == count)
    }

    /// A Redis without AOF loses every job written since its last snapshot when it stops: `migrate` (and a worker,
    /// beat or serve as it starts) says so, and still does its work.
    @Test func redisWithoutAOFIsWarnedAbout() throws {
        let (redis, port, cli) = try dedicatedRedisCLI()
        func configSet(_ name: String, _ value: String) { _ = commandOutput("redis-cli -p \(port) CONFIG SET \(name) \(value)") }
        configSet("appendonly", "no")
        let migrate = try cli.run(["migrate"])
        #expect(migrate.status == 0 && migrate.stdout.contains("up to date"))
        #expect(migrate.stderr == "taskq: warning: Redis at \(redis.url) runs without AOF (appendonly no): a restart or crash loses every job written since its last snapshot; set appendonly yes (docs/redis.md)\n")
        let worker = try cli.run(["run-worker", "--burst"])
        #expect(worker.status == 0 && worker.stderr.contains("runs without AOF"), "\(worker.stderr)")
        configSet("appendonly", "yes")
        configSet("appendfsync", "no")
        #expect(try cli.run(["migrate"]).stderr.contains("has appendfsync no"))
        configSet("appendfsync", "everysec")
        #expect(try cli.run(["migrate"]).stderr.isEmpty)
        // A memory limit with an allkeys policy evicts jobs (and the id counter) when full; noeviction refuses writes.
        configSet("maxmemory", "1gb")
        configSet("maxmemory-policy", "allkeys-lru")
        #expect(try cli.run(["migrate"]).stderr.contains("evicts keys when it reaches maxmemory (maxmemory-policy allkeys-lru)"))
        configSet("maxmemory-policy", "volatile-lru")
        #expect(try cli.run(["migrate"]).stderr.isEmpty, "taskq sets no expiry, so volatile policies evict none of its keys")
        configSet("maxmemory-policy", "noeviction")
        #expect(try cli.run(["migrate"]).stderr.isEmpty)
    }

    /// Redis dropping taskq's connection mid-enqueue (CLIENT KILL, a restart) is an error with a count, never a
    /// death by SIGPIPE (hiredis writes with write(): a sweep saw exit 141 and nothing on stderr in 5 runs of 7).
    @Test func aRedisConnectionKilledMidEnqueueIsAnErrorNotSIGPIPE() throws {
        let (_, port, cli) = try dedicatedRedisCLI()
        #expect(try cli.run(["migrate"]).status == 0)
        // Batches of megabytes, so a kill often lands while one is being written (the write that then fails).
        let pad = String(repeating: "x", count: 2_000)
        try (1...20_000).map { #"{"task":"noop","args":{"i":\#($0),"pad":"\#(pad)"}}"# }.joined(separator: "\n")
            .write(toFile: cli.path("jobs.jsonl"), atomically: true, encoding: .utf8)
        for round in 0..<8 {
            let run = try cli.start(["create-job", "--from-file", "jobs.jsonl"])
            Thread.sleep(forTimeInterval: 0.1 * Double(round + 1))
            _ = commandOutput("redis-cli -p \(port) CLIENT KILL TYPE normal SKIPME yes")
            let ended = try run.wait(timeout: 120)
            #expect(!ended.signaled, "round \(round): killed by signal \(ended.status), stderr: \(ended.stderr)")
            #expect([0, 69, 75].contains(ended.status) && ended.stderr.split(separator: "\n").count <= 1, "round \(round): \(ended.status) \(ended.stderr)")
        }
    }

    /// A store that is read-only for now (a Redis replica) makes `beat --once` exit 75 at the first schedule, as every
    /// other command does, instead of trying each schedule and exiting 1; once writable, the next run fires them.
    @Test func beatOnceOnAReadOnlyStoreIsATemporaryFailure() throws {
        let (_, port, cli) = try dedicatedRedisCLI()
        #expect(try cli.run(["migrate"]).status == 0)
        for name in ["a", "b"] {
            #expect(try cli.run(["schedule", "add", name, "--cron", "@every 1s", "--task", "noop", "--force"]).status == 0)
        }
        Thread.sleep(forTimeInterval: 1.2)
        _ = commandOutput("redis-cli -p \(port) replicaof 127.0.0.1 1")
        let readOnly = try cli.run(["beat", "--once", "--json"])
        _ = commandOutput("redis-cli -p \(port) replicaof no one")
        #expect(readOnly.status == 75, "\(readOnly.stderr)")
        // The first schedule is reported failed; the second, busy too, ends the look (what came before is printed).
        let reported = readOnly.json as? [[String: Any]] ?? []
        #expect(reported.count == 1 && reported.first?["outcome"] as? String == "failed" && reported.first?["due_ticks"] as? Int ?? 0 >= 1,
                "\(readOnly.stdout)")
        let lastLine = readOnly.stderr.split(separator: "\n").last ?? ""
        #expect(lastLine.hasPrefix("taskq: error: ") && lastLine.contains("READONLY"), "\(readOnly.stderr)")
        let fired = try cli.run(["beat", "--once", "--json"])
        #expect(fired.status == 0, "\(fired.stderr)")
        let outcomes = (fired.json as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
        #expect(outcomes == ["fired", "fired"], "\(fired.stdout)")
    }

    @Test func redisMigrateRefusesANewerKeyLayout() throws {
        let cli = try ServerBackend.redis.cli()
        #expect(try cli.run(["migrate"]).status == 0)
        let url = cli.databaseURL!
        let port = url.split(separator: ":")[2].split(separator: "/")[0]
        let prefix = url.split(separator: "=").last!
        _ = commandOutput("redis-cli -p \(port) HSET \(shellQuoted("\(prefix):meta")) layout_version 99")
        let refused = try cli.run(["migrate"])
        #expect(refused.status == 69 && refused.stderr.contains("newer"))
        #expect(try cli.run(["list-jobs"]).status == 69)
    }

    /// A typo in the connection string is a usage error (64), not a server that is down (69): a script that
    /// retries on 69 must not loop on it. None of the messages shows the password.
    @Test func malformedPostgresURLsAreUsageErrors() throws {
        let server = try TestServers.postgresURL()   // postgres://postgres@127.0.0.1:PORT/postgres
        let hostPort = server.split(separator: "@")[1].split(separator: "/")[0]
        let cli = try CLI()
        let cases = ["\(server)?foo=bar", "\(server)?sslmode=bogus", "host=127.0.0.1 port=abc password=Zs3cret",
                     "host=127.0.0.1 password='Zs3cret", "\(server)?schema=pg_catalog", "\(server)?schema=a&schema=b",
                     "postgres://tq:Zs3/cret@\(hostPort)/postgres", "postgres://tq:Zs3cret@[::1:5432/postgres",
                     "postgres://tq:Zs3cret@[]:5432/postgres", "postgres://tq:Zs3cret@\(hostPort)/postgres?connect_timeout=abc",
                     "postgres://tq:Zs3cret@\(hostPort)/app%00db", "service=no-such-service"]
        for url in cases {
            let result = try cli.run(["stats", "--database-url", url])
            #expect(result.status == 64 && result.stderr.split(separator: "\n").count == 1 && !result.stderr.contains("s3"),
                    "\(url): \(result.status) \(result.stderr)")
        }
    }

    /// An application's role that owns its schema but may not create schemas in the database can still run
    /// `migrate` (CREATE SCHEMA IF NOT EXISTS would need that privilege even for a schema that exists).
    @Test func migrateNeedsNoCreatePrivilegeWhenTheSchemaExists() throws {
        let server = try TestServers.postgresURL()
        let role = "app" + UUID().uuidString.prefix(8).lowercased()
        _ = commandOutput("psql \(shellQuoted(server)) -Atc \(shellQuoted("CREATE ROLE \(role) LOGIN; CREATE SCHEMA \(role)q AUTHORIZATION \(role)"))")
        let cli = try CLI()
        cli.databaseURL = server.replacingOccurrences(of: "postgres@", with: "\(role)@") + "?schema=\(role)q"
        let migrate = try cli.run(["migrate"])
        #expect(migrate.status == 0 && migrate.stdout.contains("Applied 0001_init"), "\(migrate.stderr)")
        #expect(try cli.run(["create-job", "x", "--task", "noop"]).status == 0)
        let other = try cli.run(["migrate", "--database-url", server.replacingOccurrences(of: "postgres@", with: "\(role)@") + "?schema=\(role)other"])
        #expect(other.status == 69 && other.stderr.contains("permission denied"), "\(other.stderr)")
        // A schema another role migrated and this one may not use: said so, not "run `taskq migrate`".
        let foreign = try cli.run(["migrate", "--database-url", server + "?schema=\(role)foreign"])
        #expect(foreign.status == 0, "\(foreign.stderr)")
        let unusable = try cli.run(["migrate", "--database-url", server.replacingOccurrences(of: "postgres@", with: "\(role)@") + "?schema=\(role)foreign"])
        #expect(unusable.status == 69 && unusable.stderr.contains("no USAGE on schema") && !unusable.stderr.contains("run `taskq migrate`"),
                "\(unusable.stderr)")
        // A role out of connections is a temporary failure (75), as once connected, not a server that is down.
        _ = commandOutput("psql \(shellQuoted(server)) -Atc \(shellQuoted("ALTER ROLE \(role) CONNECTION LIMIT 0"))")
        let full = try cli.run(["list-jobs"])
        #expect(full.status == 75 && full.stderr.contains("no connection free"), "\(full.stderr)")
        _ = commandOutput("psql \(shellQuoted(server)) -Atc \(shellQuoted("ALTER ROLE \(role) CONNECTION LIMIT -1"))")
        // The script `migrate --sql` prints runs as that role too, in a schema the administrator made for it.
        _ = commandOutput("psql \(shellQuoted(server)) -Atc \(shellQuoted("CREATE SCHEMA \(role)s AUTHORIZATION \(role)"))")
        let script = try cli.run(["migrate", "--sql", "--database-url", "postgres://x@h/db?schema=\(role)s"])
        try script.stdout.write(toFile: cli.path("schema.sql"), atomically: true, encoding: .utf8)
        let roleURL = server.replacingOccurrences(of: "postgres@", with: "\(role)@")
        let applied = commandOutput("psql \(shellQuoted(roleURL)) -q -v ON_ERROR_STOP=1 -f \(shellQuoted(cli.path("schema.sql"))) >/dev/null 2>&1 && echo applied")
        #expect(applied.contains("applied"), "\(applied)")
    }

    @Test func downServerAndBadPasswordsExit69WithoutShowingThePassword() throws {
        let cli = try CLI()
        let port = try TestServers.postgresURL().split(separator: ":").last!.split(separator: "/").first!
        for url in ["postgres://app:s3cr3t-pw@127.0.0.1:1/app", "host=127.0.0.1 port=1 user=app password=s3cr3t-pw dbname=app",
                    "postgres://nobody:s3cr3t-pw@127.0.0.1:\(port)/nosuchdb"] {
            let result = try cli.run(["list-jobs", "--database-url", url])
            #expect(result.status == 69, "\(result.stderr)")
            #expect(!result.stderr.contains("s3cr3t") && !result.stdout.contains("s3cr3t"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        for backend in ServerBackend.allCases {
            let missing = try backend.cli().run(["list-jobs"])
            #expect(missing.status == 69 && missing.stderr.contains("taskq migrate"), "\(missing.stderr)")
        }
        for url in ["redis://:s3cr3t-pw@127.0.0.1:1/0", "redis://app:s3cr3t-pw@127.0.0.1:1/0"] {
            let result = try cli.run(["list-jobs", "--database-url", url])
            #expect(result.status == 69 && !result.stderr.contains("s3cr3t"), "\(result.stderr)")
        }
    }

    /// `--from-file` opens a server store while it checks the lines: a line that is not a job (bad JSON, an
    /// unknown field) is still reported first (exit 65, nothing written), also when the server is down or the
    /// schema missing; a good file against a down server or a missing schema exits 69 as before. (A bad value,
    /// such as priority 11, is checked once the store is open, as before.)
    @Test(arguments: ServerBackend.allCases)
    func fromFileChecksLinesWhileConnecting(backend: ServerBackend) throws {
        let cli = try backend.cli()
        let good = (0..<3_000).map { #"{"name":"n\#($0)","task":"noop"}"# }
        var bad = good
        bad[2_500] = #"{"name":"x","task":"noop","priorty":1}"#
        let missing = try cli.run(["create-job", "--from-file", "-"], stdin: bad.joined(separator: "\n"))
        #expect(missing.status == 65 && missing.stderr.contains("stdin line 2501: unknown field 'priorty'"), "\(missing.status) \(missing.stderr)")
        #expect(try cli.run(["create-job", "--from-file", "-"], stdin: good.joined(separator: "\n")).status == 69)
        try cli.run(["migrate"])
        let refused = try cli.run(["create-job", "--from-file", "-"], stdin: bad.joined(separator: "\n"))
        #expect(refused.status == 65 && refused.stderr.contains("stdin line 2501:") && refused.stdout.isEmpty, "\(refused.stderr)")
        var badValue = good
        badValue[2_600] = #"{"name":"x","task":"noop","priority":11}"#
        let value = try cli.run(["create-job", "--from-file", "-"], stdin: badValue.joined(separator: "\n"))
        #expect(value.status == 65 && value.stderr.contains("stdin line 2601:") && value.stdout.isEmpty, "\(value.stderr)")
        #expect(try cli.object(["stats", "--json"])["total"] as? Int == 0)
        let down = backend == .postgres ? "postgres://app@127.0.0.1:1/app" : "redis://127.0.0.1:1/0"
        let downBad = try cli.run(["create-job", "--from-file", "-", "--database-url", down], stdin: bad.joined(separator: "\n"))
        #expect(downBad.status == 65 && downBad.stderr.contains("stdin line 2501:"), "\(downBad.status) \(downBad.stderr)")
        let downGood = try cli.run(["create-job", "--from-file", "-", "--database-url", down], stdin: good.joined(separator: "\n"))
        #expect(downGood.status == 69, "\(downGood.stderr)")
        let ok = try cli.run(["create-job", "--from-file", "-"], stdin: good.joined(separator: "\n"), timeout: 120)
        #expect(ok.status == 0 && ok.lines.count == 3_000 && ok.lines == ok.lines.sorted { Int($0)! < Int($1)! }, "\(ok.stderr)")
        #expect(try cli.object(["stats", "--json"])["total"] as? Int == 3_000)
    }

    @Test(arguments: ServerBackend.allCases)
    func fourWorkersTimesEightRunTwentyThousandJobsExactlyOnceDespiteAKill(backend: ServerBackend) throws {
        let cli = try backend.cli()
        try cli.run(["migrate"])
        let total = 20_000
        let lines = (0..<total).map { #"{"name":"n\#($0)","task":"noop","priority":\#($0 % 11)}"# }.joined(separator: "\n")
        #expect(try cli.run(["create-job", "--from-file", "-"], stdin: lines, timeout: 120).lines.count == total)
        // One slow job makes sure a worker is mid-job when it is killed.
        let slow = try cli.run(["create-job", "slow", "--task", "sleep", "--args", #"{"seconds":5}"#, "--priority", "critical"]).stdout.trimmed
        let workers = try (0..<4).map { i in
            try cli.start(["run-worker", "--concurrency", "8", "--lease", "2s", "--poll-interval", "100ms", "--worker-id", "w\(i)", "--log-level", "error"])
        }
        // Started, and its start recorded: a job still in a worker's backlog (claimed ahead; "running" too) would be
        // given back uncounted when its worker dies, not lost.
        try cli.waitUntil(60, "the slow job to start") {
            let job = try cli.object(["show-job", slow, "--json"])
            return job["state"] as? String == "running" && job["started_at"] is String
        }
        let victim = try cli.object(["show-job", slow, "--json"])["worker"] as? String
        let index = Int(victim?.dropFirst() ?? "0") ?? 0
        workers[index].signal(SIGKILL)
        try cli.waitUntil(240, "every job to complete") {
            (try cli.object(["stats", "--json"])["by_state"] as? [String: Int])?["completed"] == total + 1
        }
        for (i, worker) in workers.enumerated() where i != index { worker.signal(SIGTERM); _ = try worker.wait(timeout: 60) }
        let stats = try cli.object(["stats", "--json"])["by_state"] as? [String: Int] ?? [:]
        #expect(stats["running"] == 0 && stats["pending"] == 0 && stats["failed"] == 0)
        // Exactly once: every no-op job has exactly one attempt; the killed worker's jobs were rescued (two attempts).
        let jobs = try cli.run(["list-jobs", "--json", "--limit", "100000", "--task", "noop"]).json as? [[String: Any]] ?? []
        #expect(jobs.count == total)
        let multi = jobs.filter { ($0["attempts"] as? Int ?? 0) != 1 }
        #expect(multi.allSatisfy { $0["worker"] as? String != victim }, "only jobs the killed worker held may run twice")
        let slowJob = try cli.object(["show-job", slow, "--json"])
        let outcomes = (slowJob["history"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
        #expect(outcomes.first == "lost" && outcomes.last == "completed")
    }

    /// `logs --follow` waits out a store restart, as `stats --watch` does, and still exits by how the attempt ended
    /// (an operator following a job through a failover was cut off with 69 while the job ran on).
    @Test(arguments: ServerBackend.allCases)
    func followingAJobWaitsOutAServerRestart(backend: ServerBackend) throws {
        let (server, cli) = try backend.dedicatedCLI()
        let id = try cli.run(["create-job", "long", "--", "sh", "-c", "for i in $(seq 1 40); do echo line$i; sleep 0.1; done"]).stdout.trimmed
        let worker = try cli.start(["run-worker", "--poll-interval", "100ms", "--log-level", "error"])
        let follow = try cli.start(["logs", id, "--follow"])
        try cli.waitUntil(60, "the first lines") { follow.stdoutText.contains("line3\n") }
        try server.restart()
        let ended = try follow.wait(timeout: 120)
        worker.signal(SIGTERM)
        _ = try worker.wait(timeout: 60)
        #expect(ended.status == 0 && ended.stdout.contains("line40\n"), "\(backend): \(ended.status) \(ended.stderr)")
        #expect(ended.stderr.contains("retrying every") && ended.stderr.contains("the store answers again"), "\(backend): \(ended.stderr)")
    }

    @Test(arguments: ServerBackend.allCases)
    func aServerRestartMidDrainLosesNothing(backend: ServerBackend) throws {
        let (server, cli) = try backend.dedicatedCLI()
        let total = 3_000
        let lines = (0..<total).map { #"{"name":"r\#($0)","task":"sleep","args":{"seconds":0.002}}"# }.joined(separator: "\n")
        #expect(try cli.run(["create-job", "--from-file", "-"], stdin: lines, timeout: 120).lines.count == total)
        let worker = try cli.start(["run-worker", "--concurrency", "4", "--lease", "5s", "--poll-interval", "100ms", "--log-level", "error"])
        try cli.waitUntil(60, "the drain to get going") {
            (try cli.object(["stats", "--json"])["by_state"] as? [String: Int])?["completed"] ?? 0 > 200
        }
        // A `stats --watch` open across the restart waits it out too, saying so, instead of exiting 69.
        let watcher = try cli.start(["stats", "--watch", "--json", "--interval", "100ms"])
        try cli.waitUntil(30, "the watcher's first line") { watcher.stdoutText.contains("\n") }
        try server.restart()
        try cli.waitUntil(240, "every job to complete after the restart") {
            (try? cli.run(["stats", "--json"]).json as? [String: Any]).flatMap { $0?["by_state"] as? [String: Int] }?["completed"] == total
        }
        worker.signal(SIGTERM)
        let result = try worker.wait(timeout: 60)
        #expect(result.status == 0)
        let stats = try cli.object(["stats", "--json"])["by_state"] as? [String: Int] ?? [:]
        #expect(stats["completed"] == total && stats["running"] == 0 && stats["failed"] == 0)
        try cli.waitUntil(30, "the watcher's view to catch up") { watcher.stdoutText.hasSuffix("\n") && watcher.stdoutText.contains("\"completed\":\(total)") }
        #expect(watcher.isRunning, "stats --watch exited: \(watcher.stderrText)")
        watcher.signal(SIGINT)
        let watched = try watcher.wait(timeout: 20)
        #expect(watched.status == 0, "\(watched.stderr)")
        #expect(!watched.stderr.contains("retrying") || watched.stderr.contains("note: the store answers again"), "\(watched.stderr)")
    }
}

/// A Redis server of the test's own, its port (for `redis-cli -p`) and a CLI pointed at it (not migrated).
func dedicatedRedisCLI() throws -> (redis: DedicatedServer, port: Substring, cli: CLI) {
    let redis = try TestServers.dedicatedRedis()
    let port = redis.url.split(separator: ":")[2].split(separator: "/")[0]
    let cli = try CLI()
    cli.databaseURL = redis.url
    return (redis, port, cli)
}
