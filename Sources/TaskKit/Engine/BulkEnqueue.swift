/// Bulk enqueue from JSON lines: every line is checked before anything is written, then jobs go to the store in
/// batches, one atomic store call (transaction) each.
public enum BulkEnqueue {
    /// Parses JSON lines into requests, in parallel chunks. Blank lines are skipped. Throws `TaskqError.badInput`
    /// prefixed with `SOURCE line N: ` for the first bad line.
    public static func parse(lines: [String], source: String) async throws -> [(line: Int, request: JobRequest)] {
        let chunkCount = lines.count < 2_000 ? 1 : 4
        let chunkSize = (lines.count + chunkCount - 1) / max(1, chunkCount)
        let chunks: [[(Int, JobRequest)]] = try await withThrowingTaskGroup(of: (Int, [(Int, JobRequest)]).self) { group in
            for chunk in 0..<chunkCount {
                let range = (chunk * chunkSize)..<min(lines.count, (chunk + 1) * chunkSize)
                group.addTask {
                    var parsed: [(Int, JobRequest)] = []
                    parsed.reserveCapacity(range.count)
                    for index in range {
                        let line = lines[index]
                        if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
                        do { parsed.append((index + 1, try JobRequest(jsonLine: line))) } catch let error as TaskqError {
                            throw error.asData(prefix: "\(source) line \(index + 1): ")
                        }
                    }
                    return (chunk, parsed)
                }
            }
            var results = [[(Int, JobRequest)]](repeating: [], count: chunkCount)
            for try await (chunk, parsed) in group { results[chunk] = parsed }
            return results
        }
        return chunks.flatMap { $0 }.map { (line: $0.0, request: $0.1) }
    }

    /// Builds every job; throws the first bad line's error as bad input data.
    public static func build(_ requests: [(line: Int, request: JobRequest)], source: String, builder: JobBuilder,
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

    /// Enqueues in batches of `batchSize`, handing each committed batch's results to `committed` at once (so a
    /// caller can report ids even when a later batch fails). A failure names how many jobs were already enqueued.
    public static func enqueue(_ jobs: [NewJob], store: JobStore, now: Millis, batchSize: Int = 5_000,
                               committed: ([EnqueueResult]) -> Void = { _ in }) async throws {
        var start = 0
        while start < jobs.count {
            let end = min(jobs.count, start + batchSize)
            do {
                committed(try await store.enqueue(Array(jobs[start..<end]), now: now))
            } catch let error as TaskqError where start > 0 {
                let prefix = "enqueued \(start) of \(jobs.count) jobs (their ids are on stdout), then failed: "
                switch error {
                case let .usage(m): throw TaskqError.usage(prefix + m)
                case let .badInput(m): throw TaskqError.badInput(prefix + m)
                case let .failed(m): throw TaskqError.failed(prefix + m)
                case let .notFound(m): throw TaskqError.notFound(prefix + m)
                case let .conflict(m): throw TaskqError.conflict(prefix + m)
                case let .unavailable(m): throw TaskqError.unavailable(prefix + m)
                case let .temporary(m): throw TaskqError.temporary(prefix + m)
                }
            }
            start = end
        }
    }
}
