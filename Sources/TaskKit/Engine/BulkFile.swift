/// A file of JSON lines for `create-job --from-file`: nothing is written unless every line is good, and memory holds
/// the file and at most `inMemoryLines` jobs. A file of up to that many lines is parsed and built once and its jobs
/// kept until written; a larger one streams: every line is parsed and built to check it (the jobs dropped), then
/// parsed and built again batch by batch as it is written. Holding every job of a million-line file took 700 MB.
///
/// Use: `parse()` (every line; a bad one is reported before any store error), a `JobBuilder` for the tasks it names,
/// `check`, then `enqueue`.
public struct BulkFile: Sendable {
    /// Above this many lines a file streams (BENCHMARKS.md, "create-job --from-file memory").
    public static let inMemoryLines = 100_000

    public let source: String
    let bytes: [UInt8]
    let lines: [Range<Int>]
    let streams: Bool
    /// Lines, counting blank ones but not the empty rest after a final newline.
    public let lineCount: Int

    /// `source` names the file in messages (`jobs.jsonl line 7: …`). `inMemoryLines` is for tests.
    public init(bytes: [UInt8], source: String, inMemoryLines: Int = BulkFile.inMemoryLines) {
        self.bytes = bytes
        self.source = source
        lines = BulkEnqueue.lineRanges(bytes)
        lineCount = lines.last?.isEmpty == true ? lines.count - 1 : lines.count
        streams = lineCount > inMemoryLines
    }

    /// Parses every line (in parallel chunks) and throws the first bad one. Keeps the requests unless the file
    /// streams; either way, the task names the lines ask for.
    public func parse() async throws -> ParsedBulk {
        if !streams {
            let requests = try await BulkEnqueue.parse(bytes: bytes, lines: lines, source: source)
            return ParsedBulk(tasks: Set(requests.map { Self.taskName($0.request) }), requests: requests)
        }
        let chunks = try await BulkEnqueue.foldLines(bytes: bytes, lines: lines, 0..<lines.count, source: source,
                                                     into: { _ in Set<String>() }) { tasks, _, request in
            tasks.insert(Self.taskName(request))
        }
        return ParsedBulk(tasks: chunks.reduce(into: Set<String>()) { $0.formUnion($1) }, requests: nil)
    }

    /// A request's task name as the builder is asked for it (`shell` for a command, "" for none).
    static func taskName(_ request: JobRequest) -> String { request.task ?? (request.command == nil ? "" : "shell") }

    /// Every line built with `builder` (made for `parsed.tasks`). Throws the first bad line; nothing has been
    /// written then.
    public func check(_ parsed: ParsedBulk, builder: JobBuilder, now: Millis) async throws -> CheckedBulk {
        if let parsed = parsed.requests {
            let (jobs, warnings) = try await BulkEnqueue.buildConcurrently(parsed, source: source, builder: builder, now: now)
            return CheckedBulk(count: jobs.count, warnings: warnings, queues: Set(jobs.map(\.queue)), jobs: jobs,
                               builder: builder, now: now)
        }
        let chunks = try await buildChunks(0..<lines.count, builder: builder, now: now, keep: false)
        var count = 0
        var warnings: [String] = []
        var queues: Set<String> = []
        for chunk in chunks {
            count += chunk.count
            warnings += chunk.warnings
            queues.formUnion(chunk.queues)
        }
        return CheckedBulk(count: count, warnings: warnings, queues: queues, jobs: nil, builder: builder, now: now)
    }

    /// Writes the checked jobs in batches of `batchSize`, one store call (transaction) each, handing each batch's
    /// results to `committed` once it is committed. A failure after the first batch names how many were written; a
    /// cancelled task stops before the next batch (`TaskqError.interrupted`).
    public func enqueue(_ checked: CheckedBulk, store: JobStore, batchSize: Int = 5_000,
                        committed: ([EnqueueResult]) -> Void) async throws {
        if let jobs = checked.jobs {
            try await BulkEnqueue.enqueue(jobs, store: store, now: checked.now, batchSize: batchSize, committed: committed)
            return
        }
        var enqueued = 0
        var start = 0
        while start < lines.count {
            let end = min(lines.count, start + batchSize)
            let chunks = try await buildChunks(start..<end, builder: checked.builder, now: checked.now, keep: true)
            let jobs = chunks.flatMap(\.jobs)
            if !jobs.isEmpty {
                try await BulkEnqueue.enqueueBatch(jobs, enqueued: enqueued, of: checked.count, store: store, now: checked.now,
                                                   committed: committed)
                enqueued += jobs.count
            }
            start = end
        }
    }

    /// One chunk's share of `buildChunks`.
    struct BuiltChunk: Sendable {
        var count = 0
        var warnings: [String] = []
        var queues: Set<String> = []
        var jobs: [NewJob] = []
    }

    /// Parses and builds the lines `range` in parallel chunks; each chunk's job count, warnings, queues and (with
    /// `keep`) jobs.
    private func buildChunks(_ range: Range<Int>, builder: JobBuilder, now: Millis, keep: Bool) async throws -> [BuiltChunk] {
        try await BulkEnqueue.foldLines(bytes: bytes, lines: lines, range, source: source, into: { count in
            var chunk = BuiltChunk()
            if keep { chunk.jobs.reserveCapacity(count) }
            return chunk
        }) { chunk, _, request in
            let job = try builder.build(request, now: now, warnings: &chunk.warnings)
            chunk.count += 1
            chunk.queues.insert(job.queue)
            if keep { chunk.jobs.append(job) }
        }
    }
}

/// A `BulkFile` whose every line was parsed: the task names asked for, and the requests unless the file streams.
public struct ParsedBulk: Sendable {
    public let tasks: Set<String>
    let requests: [(line: Int, request: JobRequest)]?
}

/// A `BulkFile` whose every line was built: how many jobs, the builder's warnings, the queues named, and the jobs
/// themselves unless the file streams.
public struct CheckedBulk: Sendable {
    public let count: Int
    public let warnings: [String]
    public let queues: Set<String>
    let jobs: [NewJob]?
    let builder: JobBuilder
    let now: Millis
}
