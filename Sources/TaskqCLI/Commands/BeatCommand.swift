import ArgumentParser
import Logging
import TaskKit
#if canImport(Glibc)
import Glibc
#endif

struct BeatCommand: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "beat",
        abstract: "Fire periodic schedules: continuously, or what is due now with --once (for a cron line).",
        discussion: """
            Any number of beats may run against one database, on any hosts: each tick fires once (a unique fire key \
            in the store). After downtime a schedule's misfire policy decides: fire once for the missed ticks \
            (fire-once, the default) or skip them. `* * * * * taskq beat --once` is a complete scheduler. \
            SIGTERM, SIGINT or SIGHUP stops a continuous beat. Logs go to stderr. See docs/cron.md.
            """)

    @OptionGroup var store: StoreOptions

    @Flag(help: "Fire what is due now and exit; prints the jobs it enqueued.")
    var once = false

    @Flag(help: "With --once: print what happened to each due schedule as JSON.")
    var json = false

    @OptionGroup var logging: LogOptions

    func validate() throws {
        if json && !once { throw ValidationError("--json needs --once (a continuous beat logs; see --log-format json)") }
    }

    func run(registry: TaskRegistry) async throws {
        let context = try Context(store, registry: registry)
        logging.bootstrap(defaultLevel: once ? .warning : .info)
        let logger = Logger(label: "taskq.beat")
        try await context.withStore { store in
            let beat = Beat(store: store, config: context.config, registry: context.registry, logger: logger)
            if once {
                let reports: [BeatReport]
                do {
                    reports = try await beat.tick(now: Clock.now())
                } catch let stopped as BeatInterrupted {
                    // What fired before the store stopped answering is printed all the same (its ids are news).
                    print(stopped.reports)
                    throw stopped.error
                }
                print(reports)
                let failed = reports.filter { if case .failed = $0.outcome { return true } else { return false } }
                if !failed.isEmpty {
                    throw TaskqError.failed("\(failed.count) schedule(s) could not fire: \(failed.map(\.schedule).joined(separator: ", "))")
                }
                return
            }
            SignalWatcher.keepRunningWhenOutputCloses()
            let signals = SignalWatcher(signals: SignalWatcher.stopSignals) { beat.stop() }
            defer { signals.cancel() }
            await beat.run()
        }
    }

    private func print(_ reports: [BeatReport]) {
        if json {
            Output.json(.array(reports.map { $0.jsonObject() }))
            return
        }
        for report in reports {
            if case let .fired(jobID, created) = report.outcome {
                let note = created ? "" : " (a live job with its unique key)"
                Output.line("\(report.schedule): fired \(TimeFormat.iso8601(report.tick)) as job \(jobID)\(note)")
            }
        }
    }
}

extension BeatReport {
    func jsonObject() -> JSONValue {
        var pairs: [(String, JSONValue)] = [("schedule", .string(schedule)), ("tick", .time(tick)), ("due_ticks", .int(Int64(dueTicks)))]
        switch outcome {
        case let .fired(jobID, created):
            pairs += [("outcome", .string("fired")), ("job_id", .int(jobID)), ("created", .bool(created))]
        case .alreadyFired: pairs.append(("outcome", .string("already_fired")))
        case .skippedMisfire: pairs.append(("outcome", .string("skipped_misfire")))
        case let .failed(message): pairs += [("outcome", .string("failed")), ("error", .string(message))]
        }
        return .object(pairs)
    }
}
