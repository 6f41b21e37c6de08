import ArgumentParser
import TaskKit
#if canImport(Glibc)
import Glibc
#endif

struct Stats: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count jobs per queue and state; --watch for a live view.",
        discussion: """
            With --watch, redraws every --interval in the manner of top: per queue jobs per state, throughput \
            (completed and failed per second since the previous snapshot), the oldest waiting job's age and the \
            live workers; q or Ctrl-C quits (exit 0). When stdout is not a terminal, prints one plain snapshot per \
            interval; with --json, one JSON object per line per interval.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption

    @Flag(help: "Keep redrawing until q, Ctrl-C or SIGTERM.")
    var watch = false

    @Option(help: ArgumentHelp("Between snapshots with --watch (default 1s, at least 100ms).", valueName: "duration"))
    var interval: String?

    func validate() throws {
        if interval != nil && !watch { throw ValidationError("--interval needs --watch") }
        _ = try intervalMillis()
    }

    func intervalMillis() throws -> Millis {
        guard let interval else { return 1_000 }
        guard let ms = DurationParser.millis(interval), ms >= 100 else {
            throw ValidationError("invalid --interval '\(TerminalText.escaped(interval))': expected a duration of at least 100ms, such as 1s or 500ms")
        }
        return ms
    }

    func run(registry: TaskRegistry) async throws {
        let context = try Context(store, registry: registry)
        if watch {
            try await context.withStore { try await watchLoop($0, interval: try intervalMillis()) }
            return
        }
        let counts = JobCounts(try await context.withStore { try await $0.counts() })
        if output.json {
            Output.json(counts.jsonObject())
            return
        }
        let states = JobState.allCases
        var rows: [[String]] = counts.queues.map { queue in
            [TerminalText.escaped(queue)] + states.map { String(counts.count(queue: queue, state: $0)) } + [String(counts.total(queue: queue))]
        }
        rows.append(["TOTAL"] + states.map { String(counts.count(state: $0)) } + [String(counts.total)])
        Output.table(["QUEUE"] + states.map { $0.rawValue.uppercased() } + ["TOTAL"], rows)
    }

    /// Draws a frame per interval until q, SIGINT or SIGTERM; the terminal is restored on every way out.
    private func watchLoop(_ store: TaskqStore, interval: Millis) async throws {
        let stop = AsyncEvent()
        let stopped = Locked(false)
        func quit() { stopped.withLock { $0 = true }; stop.signal() }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { quit() }
        defer { signals.cancel() }
        let interactive = Output.stdoutIsTerminal && !output.json
        let terminal = interactive ? TerminalMode { key in if key == UInt8(ascii: "q") || key == UInt8(ascii: "Q") { quit() } } : nil
        defer { terminal?.restore() }
        var watch = StatsWatch()
        var outage: String?
        while !stopped.withLock({ $0 }) {
            let frame: StatsFrame
            do {
                frame = try await watch.next(from: store, now: Clock.now())
                if outage != nil, !interactive { Output.note("note: the store answers again") }
                outage = nil
            } catch let error as TaskqError where error.exitCode == 69 || error.exitCode == 75 {
                // A server restarting (or a lock held a while) is waited out, as workers and serve do: the last
                // frame kept, asked again every interval; one warning per outage on stderr (its reason changes as
                // the server goes from "lost" to "refused"), the terminal's top line showing the latest reason.
                if outage != error.description {
                    if interactive {
                        fputs("\u{1B}[H\u{1B}[K" + TerminalText.escaped("taskq: \(error.description); retrying") + "\n", stdout)
                    } else if outage == nil {
                        Output.warning("\(error.description); retrying every \(DurationParser.format(interval))")
                    }
                    outage = error.description
                    fflush(stdout)
                }
                await pause(interval, until: stop)
                continue
            }
            if output.json {
                fputs(frame.jsonObject().serialized() + "\n", stdout)
            } else if interactive {
                var lines = StatsView.lines(frame, interval: interval, interactive: true)
                if let rows = TerminalMode.rows, lines.count > rows - 1 { lines = Array(lines.prefix(max(1, rows - 1))) }
                // Cursor home, each line cleared to its end, then the rest of the screen cleared: no flicker.
                fputs("\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\n") + "\n\u{1B}[J", stdout)
            } else {
                fputs(StatsView.lines(frame, interval: interval, interactive: false).joined(separator: "\n") + "\n\n", stdout)
            }
            fflush(stdout)
            await pause(interval, until: stop)
        }
    }

    /// Sleeps `interval`, or less when `stop` is signalled.
    private func pause(_ interval: Millis, until stop: AsyncEvent) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await stop.wait() }
            group.addTask { try? await Task.sleep(nanoseconds: UInt64(interval) * 1_000_000) }
            await group.next()
            group.cancelAll()
        }
    }
}
