import ArgumentParser
import Dispatch
import Logging
import TaskKit
#if canImport(Glibc)
import Glibc
#endif

struct RunWorker: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "run-worker",
        abstract: "Run jobs: strict priority then FIFO, with retries, timeouts, leases and rescue.",
        discussion: """
            SIGTERM, SIGINT or SIGHUP stops claiming and lets running jobs finish within --grace-period, then releases \
            what is left and exits 0; a second signal releases at once. Logs go to stderr.
            """)

    @OptionGroup var store: StoreOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Queue to take jobs from (repeatable). Default 'default'.", valueName: "queue"),
            completion: DynamicCompletion.queues)
    var queue: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Jobs run at once. Default 10.", valueName: "n"))
    var concurrency: Int?

    @Flag(help: "Exit when no job is due (on a terminal, with a progress line below the log).")
    var burst = false

    @Option(help: ArgumentHelp("Exit after this many jobs.", valueName: "n"))
    var maxTasks: Int?

    @Option(help: ArgumentHelp("Most jobs claimed ahead of the free slots while jobs finish fast (about 25 ms of work); 0 claims only for free slots. Default 1000.",
                               valueName: "n"))
    var prefetch: Int?

    @Option(help: ArgumentHelp("Lease per claim, renewed by heartbeats; an expired lease is rescued. Default 15s.", valueName: "duration"))
    var lease: String?

    @Option(help: ArgumentHelp("Longest idle wait between looks for work. Default 1s.", valueName: "duration"))
    var pollInterval: String?

    @Option(help: ArgumentHelp("Time running jobs get to finish after SIGTERM/SIGINT. Default 30s.", valueName: "duration"))
    var gracePeriod: String?

    @Option(help: ArgumentHelp("Between SIGTERM and SIGKILL for a stopped shell task. Default 5s.", valueName: "duration"))
    var killGrace: String?

    @Option(help: ArgumentHelp("Output kept per attempt and stream (stdout, stderr) of shell jobs; past it the tail is kept. Default 1MiB.",
                               valueName: "size"))
    var outputCap: String?

    @Option(help: ArgumentHelp("Worker id (default host:pid:random).", valueName: "id"))
    var workerID: String?

    @OptionGroup var logging: LogOptions

    func validate() throws {
        do { _ = try options(config: TaskqConfig()) } catch let error as TaskqError { throw ValidationError(error.description) }
    }

    /// Flags over `[worker]` in taskq.toml over defaults.
    func options(config: TaskqConfig) throws -> WorkerOptions {
        var options = WorkerOptions()
        let file = config.worker
        options.queues = queue.isEmpty ? (file.queues ?? ["default"]) : queue.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        options.concurrency = concurrency ?? file.concurrency ?? options.concurrency
        options.burst = burst
        options.maxTasks = maxTasks
        if let prefetch { options.prefetchLimit = prefetch } else if let p = file.prefetch { options.prefetchLimit = p }
        if let lease { options.leaseMillis = try DurationParser.require(lease, option: "--lease") } else if let l = file.leaseMillis { options.leaseMillis = l }
        if let pollInterval { options.pollIntervalMillis = try DurationParser.require(pollInterval, option: "--poll-interval") }
        else if let p = file.pollIntervalMillis { options.pollIntervalMillis = p }
        if let gracePeriod { options.gracePeriodMillis = try DurationParser.require(gracePeriod, option: "--grace-period") }
        else if let g = file.gracePeriodMillis { options.gracePeriodMillis = g }
        if let killGrace { options.killGraceMillis = try DurationParser.require(killGrace, option: "--kill-grace") }
        else if let k = file.killGraceMillis { options.killGraceMillis = k }
        if let outputCap { options.outputCapBytes = try ByteSize.require(outputCap, option: "--output-cap") }
        else if let cap = file.outputCapBytes { options.outputCapBytes = cap }
        if let workerID { options.workerID = workerID }
        try options.validate()
        return options
    }

    func run(registry: TaskRegistry) async throws {
        let context = try Context(store, registry: registry)
        let options = try options(config: context.config)
        logging.bootstrap()
        let logger = Logger(label: "taskq.worker")
        let store = try await context.openStore()
        let worker = Worker(store: store, registry: context.registry, options: options, logger: logger)
        SignalWatcher.keepRunningWhenOutputCloses()
        let signals = SignalWatcher(signals: SignalWatcher.stopSignals) { worker.stop() }
        defer { signals.cancel() }
        let progress = DrainProgress.wanted(burst: burst, logFormat: logging.logFormat)
            ? DrainProgress.start(worker: worker, store: store, queues: options.queues) : nil
        var failure: Error?
        do { _ = try await worker.run() } catch { failure = error }
        progress?.cancel()
        await progress?.value
        await store.close()
        if let failure { throw failure }
    }
}

/// Turns SIGTERM/SIGINT into calls of `handler` on a dispatch queue (the default actions are disabled).
final class SignalWatcher {
    private var sources: [DispatchSourceSignal] = []

    /// What stops a long-running command gracefully: SIGTERM, Ctrl-C, and SIGHUP (its terminal or ssh session
    /// closed), so none of them leaves a job `running` until its lease is rescued.
    static let stopSignals = [SIGTERM, SIGINT, SIGHUP]

    /// For long-running commands: a closed stdout or stderr (a log reader that went away: `| head`, a dead `tee`)
    /// must not kill the process with SIGPIPE and leave its jobs running; the write fails and the work goes on.
    /// Child processes get SIGPIPE's default action back (`ChildProcess`).
    static func keepRunningWhenOutputCloses() { signal(SIGPIPE, SIG_IGN) }

    init(signals: [Int32], handler: @escaping () -> Void) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue(label: "taskq.signals"))
            source.setEventHandler(handler: handler)
            source.resume()
            sources.append(source)
        }
    }

    func cancel() { sources.forEach { $0.cancel() } }
}
