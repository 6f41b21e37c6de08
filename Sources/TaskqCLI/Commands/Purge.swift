import ArgumentParser
import TaskKit

struct Purge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete finished jobs and their history, in batches.",
        discussion: """
            Deletes jobs that finished (completed, failed or cancelled; --state narrows it) more than --older-than \
            ago, with their attempts. Safe to run from cron, also twice at once. Example: taskq purge --older-than 30d
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Age of the finish time, e.g. 7d, 12h, 90m.", valueName: "duration"))
    var olderThan: String

    @Option(help: ArgumentHelp("Only these finished states (repeatable or comma list): completed, failed, cancelled.", valueName: "state"),
            completion: .list(["completed", "failed", "cancelled"]))
    var state: [String] = []

    @Option(help: ArgumentHelp("Jobs deleted per transaction.", valueName: "n"))
    var batchSize: Int = 1000

    @Flag(help: "Show what would be deleted; delete nothing.")
    var dryRun = false

    @OptionGroup var output: JSONOption

    func validate() throws {
        _ = try age()
        _ = try states()
        guard batchSize >= 1 && batchSize <= 100_000 else { throw ValidationError("--batch-size must be 1-100000") }
    }

    func age() throws -> Millis {
        guard let ms = DurationParser.millis(olderThan) else {
            throw ValidationError("invalid --older-than '\(olderThan)': expected a duration such as 30d, 12h or 90m")
        }
        return ms
    }

    func states() throws -> [JobState] {
        let parsed = try parseStates(state, expected: "completed, failed or cancelled", allowed: [.completed, .failed, .cancelled],
                                     refusal: "purge deletes finished jobs only (completed, failed, cancelled)")
        return parsed.isEmpty ? [.completed, .failed, .cancelled] : parsed
    }

    func run() async throws {
        let states = try states()
        let now = Clock.now()
        let before = now - (try age())
        let (counts, deleted) = try await Context(store).withStore { store -> ([JobState: Int], Int?) in
            let counts = try await store.purgeableCounts(states: states, finishedBefore: before)
            if dryRun { return (counts, nil) }
            let progress = ProgressBar(total: counts.values.reduce(0, +), label: "purge")
            let deleted = try await Maintenance.purge(store: store, states: states, finishedBefore: before, batchSize: batchSize) {
                progress.update($0)
            }
            progress.finish()
            return (counts, deleted)
        }
        let byState = states.compactMap { s in counts[s].map { "\(s.rawValue) \($0)" } }.joined(separator: ", ")
        if output.json {
            var pairs: [(String, JSONValue)] = [
                ("dry_run", .bool(dryRun)), ("finished_before", .time(before)),
                ("states", .array(states.map { .string($0.rawValue) })),
                ("matching", .object(states.map { ($0.rawValue, .int(Int64(counts[$0] ?? 0))) })),
            ]
            if let deleted { pairs.append(("deleted", .int(Int64(deleted)))) }
            Output.json(.object(pairs))
        } else if let deleted {
            Output.line("Deleted \(deleted) job(s) finished before \(TimeFormat.iso8601(before))\(byState.isEmpty ? "" : " (\(byState))").")
        } else {
            let total = counts.values.reduce(0, +)
            Output.line("Would delete \(total) job(s) finished before \(TimeFormat.iso8601(before))\(byState.isEmpty ? "" : " (\(byState))") (dry run).")
        }
    }
}

struct Rescue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Return jobs whose lease expired (worker killed or lost) to the queue now.",
        discussion: """
            Workers do this on their own every few seconds; run it from cron when no worker may be running. Each job \
            goes back to retrying (its attempt counts), or to failed when its retries are spent, or to cancelled \
            when cancellation was requested.
            """)

    @OptionGroup var store: StoreOptions

    @Flag(help: "Show the jobs with expired leases; change nothing.")
    var dryRun = false

    @OptionGroup var output: JSONOption

    func run() async throws {
        let now = Clock.now()
        if dryRun {
            let expired = try await Context(store).withStore { try await Maintenance.expiredLeases(store: $0, now: now) }
            if output.json {
                Output.json(.obj(("dry_run", .bool(true)), ("expired", .array(expired.map { job in
                    .obj(("id", .int(job.id)), ("worker", job.worker.map { .string($0) } ?? .null), ("lease_expired_at", .time(job.leaseUntil)))
                }))))
                return
            }
            if expired.isEmpty { Output.line("No expired leases."); return }
            Output.line("Would rescue \(expired.count) job(s) (dry run):")
            Output.table(["ID", "NAME", "WORKER", "LEASE EXPIRED (UTC)"], expired.map {
                [String($0.id), Output.truncate($0.name, 30), $0.worker ?? "-", $0.leaseUntil.map { TimeFormat.short($0) } ?? "-"]
            })
            return
        }
        let rescued = try await Context(store).withStore { try await Maintenance.rescue(store: $0, now: now) }
        if output.json {
            Output.json(.obj(("dry_run", .bool(false)), ("rescued", .array(rescued.map { r in
                .obj(("id", .int(r.id)), ("worker", r.worker.map { .string($0) } ?? .null), ("state", .string(r.newState.rawValue)))
            }))))
            return
        }
        if rescued.isEmpty { Output.line("No expired leases."); return }
        Output.line("Rescued \(rescued.count) job(s):")
        Output.table(["ID", "WORKER", "NOW"], rescued.map { [String($0.id), $0.worker ?? "-", $0.newState.rawValue] }, stateColumn: 2)
    }
}
