#if canImport(Glibc)
import Glibc
#endif

/// Bulk enqueue from JSON lines: every line is checked before anything is written, then jobs go to the store in
/// batches, one atomic store call (transaction) each.
public enum BulkEnqueue {
    /// Parses JSON lines into requests, in parallel chunks. Blank lines are skipped. Throws `TaskqError.badInput`
    /// prefixed with `SOURCE line N: ` for the first bad line.
    public static func parse(lines: [String], source: String) async throws -> [(line: Int, request: JobRequest)] {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(lines.count)
        for line in lines {
            let start = bytes.count
            bytes.append(contentsOf: line.utf8)
            ranges.append(start..<bytes.count)
        }
        return try await parse(bytes: bytes, lines: ranges, source: source)
    }

    /// Parses the JSON lines of a file's bytes (lines end at `\n`), in parallel chunks, without making a String of
    /// each line: a line of ASCII bytes is parsed as it is, any other line decoded first (invalid UTF-8 becomes
    /// U+FFFD, as it did when the file was read as text). Blank lines (only spaces, tabs, carriage returns) are
    /// skipped. Throws `TaskqError.badInput` prefixed with `SOURCE line N: ` for the first bad line.
    public static func parse(bytes: [UInt8], source: String) async throws -> [(line: Int, request: JobRequest)] {
        try await parse(bytes: bytes, lines: lineRanges(bytes), source: source)
    }

    /// `parse(bytes:source:)` with the lines already found (`lineRanges`).
    public static func parse(bytes: [UInt8], lines: [Range<Int>], source: String) async throws -> [(line: Int, request: JobRequest)] {
        let chunks = try await foldLines(bytes: bytes, lines: lines, 0..<lines.count, source: source, into: { count in
            var parsed: [(line: Int, request: JobRequest)] = []
            parsed.reserveCapacity(count)
            return parsed
        }) { parsed, line, request in
            parsed.append((line, request))
        }
        var requests: [(line: Int, request: JobRequest)] = []
        requests.reserveCapacity(lines.count)
        for chunk in chunks { requests += chunk }
        return requests
    }

    /// Runs `body` over the non-blank lines `range` of `bytes` in order, in up to four chunks at once
    /// (`inChunks`), each folding into a value of its own that starts as `initial(lines in the chunk)`. Returns the
    /// chunks' values in line order, or throws the first bad line (a parse's or `body`'s error, as `eachRequest`
    /// words it).
    static func foldLines<T: Sendable>(bytes: [UInt8], lines: [Range<Int>], _ range: Range<Int>, source: String,
                                       into initial: @escaping @Sendable (Int) -> T,
                                       _ body: @escaping @Sendable (inout T, Int, JobRequest) throws -> Void) async throws -> [T] {
        let chunks = try await inChunks(count: range.count) { part -> Result<T, TaskqError> in
            var value = initial(part.count)
            let chunk = (range.lowerBound + part.lowerBound)..<(range.lowerBound + part.upperBound)
            if let failure = eachRequest(bytes: bytes, lines: lines, chunk, source: source, { try body(&value, $0, $1) }) {
                return .failure(failure)
            }
            return .success(value)
        }
        return try chunks.map { try $0.get() }
    }

    /// Parses the lines `range` of `bytes` in order, handing each non-blank line (1-based number, request) to `body`.
    /// Returns, rather than throws (chunks run concurrently), the first error of a line's parse or of `body`, as bad
    /// input data prefixed with `SOURCE line N: `; lines after it are not read. A line of ASCII bytes is parsed as it
    /// is, any other line decoded first (invalid UTF-8 becomes U+FFFD). Blank lines: only spaces, tabs, CRs.
    private static func eachRequest(bytes: [UInt8], lines: [Range<Int>], _ range: Range<Int>, source: String,
                                    _ body: (Int, JobRequest) throws -> Void) -> TaskqError? {
        bytes.withUnsafeBufferPointer { all -> TaskqError? in
            for index in range {
                let line = UnsafeBufferPointer(rebasing: all[lines[index]])
                var ascii = true
                var blank = true
                for byte in line {
                    if byte >= 0x80 { ascii = false; blank = false; break }
                    if byte != 0x20 && byte != 0x09 && byte != 0x0D { blank = false }
                }
                if blank { continue }
                do {
                    let request = ascii ? try JobRequest(jsonLine: line) : try JobRequest(jsonLine: String(decoding: line, as: UTF8.self))
                    try body(index + 1, request)
                } catch let error as TaskqError {
                    return error.asData(prefix: "\(source) line \(index + 1): ")
                } catch {
                    return .badInput("\(source) line \(index + 1): \(error)")
                }
            }
            return nil
        }
    }

    /// Where each line of `bytes` lies, without its `\n` (a last line without one counts; after a final `\n`
    /// one empty line, as splitting the text at every `\n` gives).
    public static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(bytes.count / 48 + 1)
        bytes.withUnsafeBufferPointer { all in
            var start = 0
            while let base = all.baseAddress, start < all.count,
                  let hit = memchr(base + start, 0x0A, all.count - start) {
                let end = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                ranges.append(start..<end)
                start = end + 1
            }
            ranges.append(start..<all.count)
        }
        return ranges
    }

    /// Runs `work` over `0..<count` cut into up to four chunks at once (one when there are fewer than 2,000
    /// items) and returns the chunks' results in order.
    static func inChunks<T: Sendable>(count: Int, _ work: @escaping @Sendable (Range<Int>) -> T) async throws -> [T] {
        let chunkCount = count < 2_000 ? 1 : 4
        let chunkSize = (count + chunkCount - 1) / max(1, chunkCount)
        if chunkCount == 1 { return [work(0..<count)] }
        return try await withThrowingTaskGroup(of: (Int, T).self) { group in
            for chunk in 0..<chunkCount {
                let range = min(count, chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize)
                group.addTask { (chunk, work(range)) }
            }
            var results: [T?] = Array(repeating: nil, count: chunkCount)
            for try await (chunk, result) in group { results[chunk] = result }
            return results.map { $0! }
        }
    }

    /// Builds every job; throws the first bad line's error as bad input data.
    public static func build(_ requests: [(line: Int, request: JobRequest)], source: String, builder: JobBuilder,
                             now: Millis) throws -> (jobs: [NewJob], warnings: [String]) {
        try build(requests[...], source: source, builder: builder, now: now)
    }

    static func build(_ requests: ArraySlice<(line: Int, request: JobRequest)>, source: String, builder: JobBuilder,
                      now: Millis) throws -> (jobs: [NewJob], warnings: [String]) {
        var jobs: [NewJob] = []
        jobs.reserveCapacity(requests.count)
        var warnings: [String] = []
        for (line, request) in requests {
            do { jobs.append(try builder.build(request, now: now, warnings: &warnings)) } catch let error as TaskqError {
                throw error.asData(prefix: "\(source) line \(line): ")
            }
        }
        return (jobs, warnings)
    }

    /// `build` in parallel chunks: the same jobs in the same order, the same warnings, the first bad line's error.
    public static func buildConcurrently(_ requests: [(line: Int, request: JobRequest)], source: String,
                                         builder: JobBuilder, now: Millis) async throws -> (jobs: [NewJob], warnings: [String]) {
        let chunks = try await inChunks(count: requests.count) { range -> Result<(jobs: [NewJob], warnings: [String]), TaskqError> in
            Result { try build(requests[range], source: source, builder: builder, now: now) }
                .mapError { $0 as? TaskqError ?? .badInput("\(source): \($0)") }
        }
        var jobs: [NewJob] = []
        jobs.reserveCapacity(requests.count)
        var warnings: [String] = []
        for chunk in chunks {
            let built = try chunk.get()
            jobs += built.jobs
            warnings += built.warnings
        }
        return (jobs, warnings)
    }

    /// Enqueues in batches of `batchSize`, handing each committed batch's results to `committed` at once (so a
    /// caller can report ids even when a later batch fails). A failure names how many jobs were already enqueued.
    /// A cancelled task stops before the next batch with `TaskqError.interrupted`, saying how many were enqueued.
    public static func enqueue(_ jobs: [NewJob], store: JobStore, now: Millis, batchSize: Int = 5_000,
                               committed: ([EnqueueResult]) -> Void = { _ in }) async throws {
        var start = 0
        while start < jobs.count {
            let end = min(jobs.count, start + batchSize)
            try await enqueueBatch(Array(jobs[start..<end]), enqueued: start, of: jobs.count, store: store, now: now, committed: committed)
            start = end
        }
    }

    /// One batch, one store call: its results go to `committed`; a failure after `enqueued` jobs of `total` says so.
    /// A cancelled task writes nothing and throws `TaskqError.interrupted`, with how many were enqueued before.
    static func enqueueBatch(_ jobs: [NewJob], enqueued: Int, of total: Int, store: JobStore, now: Millis,
                             committed: ([EnqueueResult]) -> Void) async throws {
        if Task.isCancelled {
            throw TaskqError.interrupted(enqueued == 0 ? "interrupted: nothing was enqueued"
                                                       : "interrupted: enqueued \(enqueued) of \(total) jobs (their ids are on stdout)")
        }
        let done = enqueued > 0 ? "enqueued \(enqueued) of \(total) jobs (their ids are on stdout)" : nil
        committed(try await TaskqError.sayingHowFar(done) { try await store.enqueue(jobs, now: now) })
    }
}
