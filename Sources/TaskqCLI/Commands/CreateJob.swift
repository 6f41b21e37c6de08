import ArgumentParser
import Logging
import TaskKit
#if canImport(Glibc)
import Glibc
#endif

struct CreateJob: TaskqSubcommand {
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

    @OptionGroup var job: JobOptions

    @Option(help: ArgumentHelp("Run at this time: ISO 8601 (2026-12-01T09:30:00Z or +01:00; no offset means local time) or 'YYYY-MM-DD HH:MM:SS' (local time).", valueName: "time"))
    var scheduleAt: String?

    @Option(name: .customLong("in"), help: ArgumentHelp("Run after this delay, e.g. 90s, 5m, 2h.", valueName: "duration"))
    var runIn: String?

    @Option(help: ArgumentHelp("Enqueue many jobs from JSON lines (- for stdin); prints one id per line.", valueName: "file"),
            completion: .file(extensions: ["jsonl", "json"]))
    var fromFile: String?

    @Flag(help: "Print the job as JSON (with --from-file: a JSON array of ids).")
    var json = false

    @Argument(parsing: .postTerminator, help: ArgumentHelp("Command and arguments for a shell task, after --.", valueName: "command"))
    var command: [String] = []

    /// `--log-level debug` logs the write of a job (`writing job NAME`, just before it starts: the enqueue end of an
    /// enqueue-to-start measurement, µs timestamps) and its commit.
    @OptionGroup var logging: LogOptions

    func validate() throws {
        if fromFile != nil {
            if name != nil || !command.isEmpty || job.task != nil || job.args != nil {
                throw ValidationError("--from-file takes jobs from the file; do not also give a name, --task, --args or a command")
            }
            // Each line says its own queue, priority, time and so on (docs/json.md): a flag would be silently ignored.
            let flags: [(name: String, given: Bool)] = [
                ("--queue", job.queue != nil), ("--priority", job.priority != nil), ("--max-retries", job.maxRetries != nil),
                ("--retry-delay", job.retryDelay != nil), ("--backoff", job.backoff != nil), ("--timeout", job.timeout != nil),
                ("--unique-key", job.uniqueKey != nil), ("--schedule-at", scheduleAt != nil), ("--in", runIn != nil),
            ]
            let given = flags.filter(\.given).map(\.name)
            if !given.isEmpty {
                throw ValidationError("--from-file takes each job's settings from its line; \(given.joined(separator: ", ")) "
                                      + "cannot apply to it (put \"queue\", \"priority\", \"run_at\", … in the lines)")
            }
        } else if name == nil {
            throw ValidationError("missing job name (usage: taskq create-job NAME --task TASK, or --from-file FILE)")
        }
        if let runIn {
            do { _ = try DurationParser.require(runIn, option: "--in") } catch let error as TaskqError { throw ValidationError(error.description) }
        }
    }

    func run(registry: TaskRegistry) async throws {
        let context = try Context(store, registry: registry)
        logging.bootstrap(defaultLevel: .warning)
        let logger = Logger(label: "taskq.create-job")
        if let fromFile {
            try await BatchInterruption.run { interruption in
                try await enqueueFile(fromFile, context: context, logger: logger, interruption: interruption)
            }
            return
        }
        var request = try job.request(name: name, command: command)
        request.scheduleAt = scheduleAt
        request.runIn = runIn

        try await context.withStore { store in
            let builder = try await job.builder(context, store: store, tasks: [request.task ?? (command.isEmpty ? "" : "shell")])
            var warnings: [String] = []
            let now = Clock.now()
            logger.debug("writing job \(request.name ?? "")")
            let result = try await JobActions.create([request], builder: builder, in: store, now: now, warnings: &warnings)[0]
            logger.debug("job \(result.id) \(result.created ? "created" : "exists (unique key)") in queue \(result.queue)")
            warnings.forEach(Output.warning)
            if result.created {
                await warnIfUnread([result.queue], store: store, now: now)
            } else {
                // The existing job (its unique key was live) stays where it is: no warning about the queue asked for.
                Output.note("note: " + JobMessages.uniqueKeyExists(request.uniqueKey ?? "", id: result.id))
            }
            if json, let stored = try await store.job(id: result.id) {
                Output.json(stored.jsonObject())
            } else {
                Output.line(String(result.id))
            }
        }
    }

    /// Reads and checks every line first (nothing is written when any line is bad), then enqueues in batches,
    /// one transaction each (`BulkFile`: a large file streams, so memory holds the file and one batch). The ids of
    /// committed batches reach stdout even when a later batch fails or the user interrupts (with `--json`, as one
    /// array of them before the error).
    private func enqueueFile(_ path: String, context: Context, logger: Logger, interruption: BatchInterruption) async throws {
        let source = path == "-" ? "stdin" : path
        Output.status("reading \(source)…")
        let file = BulkFile(bytes: try readBytes(path), source: source)
        Output.status("checking \(file.lineCount) line(s)…")
        // A server store is opened while the lines are parsed. Its errors count only once every line is good, so a
        // bad file still reports its bad line first and writes nothing.
        let early = context.openingServerStore()
        let parsed: ParsedBulk
        do {
            parsed = try await file.parse()
        } catch {
            Output.clearStatus()
            Context.discard(early)
            throw error
        }
        do {
            try await context.withStore(opened: early) { store in
                let builder = try await job.builder(context, store: store, tasks: parsed.tasks, keyNames: true)
                let now = Clock.now()
                let checked = try await file.check(parsed, builder: builder, now: now)
                Output.clearStatus()
                Set(checked.warnings).sorted().forEach(Output.warning)
                let progress = ProgressBar(total: checked.count, label: "enqueue")
                var ids: [Int64] = []
                if json { ids.reserveCapacity(checked.count) }
                var written = 0
                interruption.beginWriting()
                do {
                    try await file.enqueue(checked, store: store) { batch in
                        logger.debug("committed \(batch.count) job(s): ids \(batch.first?.id ?? 0)…\(batch.last?.id ?? 0)")
                        written += batch.count
                        progress.update(written)
                        if json {
                            ids += batch.map(\.id)
                        } else {
                            // Ids of committed batches go out at once: a later failure cannot hide them.
                            var out = ""
                            out.reserveCapacity(batch.count * 8)
                            for result in batch { out += String(result.id); out += "\n" }
                            fputs(out, stdout)
                            fflush(stdout)
                        }
                    }
                } catch {
                    // The committed batches' ids, as text mode has printed them already.
                    if json && !ids.isEmpty { Output.json(.array(ids.map { .int($0) })) }
                    throw error
                }
                if json { Output.json(.array(ids.map { .int($0) })) }
                await warnIfUnread(checked.queues.sorted(), store: store, now: now)
            }
        } catch {
            Output.clearStatus()
            throw error
        }
    }

    /// A warning line when no live worker reads a queue the command enqueued to, and one when a queue is paused
    /// (`EnqueueNotes`).
    private func warnIfUnread(_ queues: [String], store: TaskqStore, now: Millis) async {
        for warning in await EnqueueNotes.warnings(queues: queues, store: store, now: now) { Output.warning(warning) }
    }

    private func readBytes(_ path: String) throws -> [UInt8] {
        let file: UnsafeMutablePointer<FILE>?
        if path == "-" { file = stdin } else { file = fopen(path, "r") }
        guard let file else { throw TaskqError.usage("cannot read '\(TerminalText.escaped(path))': \(String(cString: strerror(errno)))") }
        defer { if path != "-" { fclose(file) } }
        return FileBytes.read(file) ?? []
    }
}
