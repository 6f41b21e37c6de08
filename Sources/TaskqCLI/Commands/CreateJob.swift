import ArgumentParser
import TaskKit
#if canImport(Glibc)
import Glibc
#endif

struct CreateJob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-job",
        abstract: "Enqueue a job and print its id.",
        discussion: """
            Examples:
              taskq create-job send-report --task echo --args '{"to":"ops"}' --priority high
              taskq create-job nightly-backup --in 2h -- pg_dump -f /backups/db.sql mydb
              taskq create-job --from-file jobs.jsonl      (one JSON object per line; - reads stdin)
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "Job name (a label). Defaults to the task name with --from-file.")
    var name: String?

    @Option(help: ArgumentHelp("Task to run (see list-tasks). Implied 'shell' with a command after --.", valueName: "task"),
            completion: .list(BuiltinTasks.all.map(\.name)))
    var task: String?

    @Option(help: ArgumentHelp("Arguments as a JSON object.", valueName: "json"))
    var args: String?

    @Option(help: ArgumentHelp("0-10 (higher runs first) or low|normal|high|critical. Default 5.", valueName: "priority"),
            completion: .list(["low", "normal", "high", "critical"]))
    var priority: String?

    @Option(help: ArgumentHelp("Queue name. Default 'default'.", valueName: "queue"))
    var queue: String?

    @Option(help: ArgumentHelp("Retries after the first attempt. Default 3.", valueName: "n"))
    var maxRetries: Int?

    @Option(help: ArgumentHelp("Base delay before a retry, e.g. 10s. Default 10s.", valueName: "duration"))
    var retryDelay: String?

    @Option(help: ArgumentHelp("Retry back-off: exponential (default, with jitter), fixed or linear.", valueName: "kind"),
            completion: .list(Backoff.allCases.map(\.rawValue)))
    var backoff: String?

    @Option(help: ArgumentHelp("Hard time limit per attempt, e.g. 30s or 5m.", valueName: "duration"))
    var timeout: String?

    @Option(help: ArgumentHelp("Run at this time: ISO 8601 with Z or offset, or 'YYYY-MM-DD HH:MM:SS' local time.", valueName: "time"))
    var scheduleAt: String?

    @Option(name: .customLong("in"), help: ArgumentHelp("Run after this delay, e.g. 90s, 5m, 2h.", valueName: "duration"))
    var runIn: String?

    @Option(help: ArgumentHelp("If a live job has this key, return its id instead of enqueueing another.", valueName: "key"))
    var uniqueKey: String?

    @Flag(help: "Accept a task name that neither this process nor any worker has announced.")
    var force = false

    @Option(help: ArgumentHelp("Enqueue many jobs from JSON lines (- for stdin); prints one id per line.", valueName: "file"),
            completion: .file(extensions: ["jsonl", "json"]))
    var fromFile: String?

    @Flag(help: "Print the job as JSON (with --from-file: a JSON array of ids).")
    var json = false

    @Argument(parsing: .postTerminator, help: ArgumentHelp("Command and arguments for a shell task, after --.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        if fromFile != nil {
            if name != nil || !command.isEmpty || task != nil || args != nil {
                throw ValidationError("--from-file takes jobs from the file; do not also give a name, --task, --args or a command")
            }
        } else if name == nil {
            throw ValidationError("missing job name (usage: taskq create-job NAME --task TASK, or --from-file FILE)")
        }
        if let priority, Priority.parse(priority) == nil { throw ValidationError(Priority.invalidMessage(priority)) }
    }

    func run() async throws {
        let context = try Context(store)
        if let fromFile {
            try await enqueueFile(fromFile, context: context)
            return
        }
        var request = JobRequest()
        request.name = name
        request.task = task
        if let args { request.args = try JSONValue.parse(args, what: "--args") }
        request.queue = queue
        request.priority = priority
        request.maxRetries = maxRetries
        request.retryDelay = retryDelay
        request.backoff = backoff
        request.timeout = timeout
        request.scheduleAt = scheduleAt
        request.runIn = runIn
        request.uniqueKey = uniqueKey
        request.command = command.isEmpty ? nil : command

        try await context.withStore { store in
            let builder = try await makeBuilder(context, store: store, tasks: [request.task ?? (command.isEmpty ? "" : "shell")])
            var warnings: [String] = []
            let now = Clock.now()
            let job = try builder.build(request, now: now, warnings: &warnings)
            let result = try await store.enqueue([job], now: now)[0]
            warnings.forEach(Output.warning)
            if !result.created { Output.note("a live job with unique key '\(job.uniqueKey ?? "")' exists: \(result.id)") }
            if json, let stored = try await store.job(id: result.id) {
                Output.json(stored.jsonObject())
            } else {
                Output.line(String(result.id))
            }
        }
    }

    /// Reads and checks every line first (nothing is written when any line is bad), then enqueues in batches,
    /// one transaction each.
    private func enqueueFile(_ path: String, context: Context) async throws {
        let requests = try await BulkEnqueue.parse(lines: try readLines(path), source: path == "-" ? "stdin" : path)
        try await context.withStore { store in
            let tasks = Set(requests.map { $0.request.task ?? ($0.request.command == nil ? "" : "shell") })
            let builder = try await makeBuilder(context, store: store, tasks: tasks)
            let now = Clock.now()
            let (jobs, warnings) = try BulkEnqueue.build(requests, source: path == "-" ? "stdin" : path, builder: builder, now: now)
            Set(warnings).sorted().forEach(Output.warning)
            let progress = ProgressBar(total: jobs.count, label: "enqueue")
            var ids: [Int64] = []
            ids.reserveCapacity(jobs.count)
            try await BulkEnqueue.enqueue(jobs, store: store, now: now) { batch in
                ids += batch.map(\.id)
                progress.update(ids.count)
                if !json {
                    // Ids of committed batches go out at once: a later failure cannot hide them.
                    var out = ""
                    out.reserveCapacity(batch.count * 8)
                    for result in batch { out += String(result.id); out += "\n" }
                    fputs(out, stdout)
                    fflush(stdout)
                }
            }
            if json { Output.json(.array(ids.map { .int($0) })) }
        }
    }

    /// A builder that also accepts task names workers have announced (asked only when some name is unknown here).
    private func makeBuilder(_ context: Context, store: JobStore, tasks: Set<String>) async throws -> JobBuilder {
        let needStore = !force && tasks.contains { !$0.isEmpty && !context.registry.contains($0) }
        let storeTasks: Set<String> = needStore ? Set(try await store.knownTasks().map(\.name)) : []
        return JobBuilder(config: context.config, registry: context.registry, storeTasks: storeTasks, force: force)
    }

    private func readLines(_ path: String) throws -> [String] {
        let file: UnsafeMutablePointer<FILE>?
        if path == "-" { file = stdin } else { file = fopen(path, "r") }
        guard let file else { throw TaskqError.usage("cannot read '\(path)': \(String(cString: strerror(errno)))") }
        defer { if path != "-" { fclose(file) } }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }
}
