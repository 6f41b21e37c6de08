import ArgumentParser
import TaskKit

struct Rescue: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "rescue",
        abstract: "Return jobs whose lease expired (worker killed or lost) to the queue now.",
        discussion: """
            Workers do this on their own every few seconds; run it from cron when no worker may be running. Each job \
            goes back to retrying (its attempt counts), or to failed when its retries are spent, or to cancelled \
            when cancellation was requested. A job the dead worker had claimed ahead and whose start was never \
            recorded goes back to pending without using an attempt.
            """)

    @OptionGroup var store: StoreOptions

    @Flag(help: "Show the jobs with expired leases; change nothing.")
    var dryRun = false

    @OptionGroup var output: JSONOption

    func run(registry: TaskRegistry) async throws {
        let now = Clock.now()
        if dryRun {
            let expired = try await Context(store, registry: registry).withStore { try await Maintenance.expiredLeases(store: $0, now: now) }
            if output.json {
                Output.json(.obj(("dry_run", .bool(true)), ("count", .int(Int64(expired.count))), ("jobs", .array(expired.map { job in
                    .obj(("id", .int(job.id)), ("worker", job.worker.map { .string($0) } ?? .null),
                         ("lease_expires_at", .time(job.leaseUntil)), ("state", .string(job.state.rawValue)))
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
        let rescued = try await Context(store, registry: registry).withStore { try await Maintenance.rescue(store: $0, now: now) }
        if output.json {
            Output.json(.obj(("dry_run", .bool(false)), ("count", .int(Int64(rescued.count))), ("jobs", .array(rescued.map { r in
                .obj(("id", .int(r.id)), ("worker", r.worker.map { .string($0) } ?? .null),
                     ("lease_expires_at", .time(r.leaseExpiredAt)), ("state", .string(r.newState.rawValue)))
            }))))
            return
        }
        if rescued.isEmpty { Output.line("No expired leases."); return }
        Output.line("Rescued \(rescued.count) job(s):")
        Output.table(["ID", "WORKER", "NOW"], rescued.map { [String($0.id), $0.worker ?? "-", $0.newState.rawValue] }, stateColumn: 2)
    }
}
