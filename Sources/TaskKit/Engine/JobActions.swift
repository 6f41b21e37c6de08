/// The single-job operations every face of taskq shares (the CLI's `create-job`, `show-job`, `cancel` and `retry`,
/// and the HTTP API): each is one atomic store change and fails with the same message wherever it was asked.
/// Errors: `TaskqError.notFound` (no such job), `.conflict` (the job's state does not allow it), `.usage` (bad values).
public enum JobActions {
    /// The job, or `TaskqError.notFound`.
    public static func job(_ id: Int64, in store: JobStore) async throws -> Job {
        guard let job = try await store.job(id: id) else { throw TaskqError.notFound(JobMessages.noSuchJob(id)) }
        return job
    }

    /// Cancels `id`: at once unless it runs (then its worker is told to stop). Returns the result and the job as
    /// stored afterwards.
    public static func cancel(_ id: Int64, in store: JobStore, now: Millis) async throws -> (result: CancelResult, job: Job) {
        let result = try await store.cancel(id: id, now: now)
        switch result {
        case .notFound: throw TaskqError.notFound(JobMessages.noSuchJob(id))
        case let .notCancellable(state): throw TaskqError.conflict("job \(id) is \(state.rawValue) and cannot be cancelled")
        case .cancelled, .cancelRequested: return (result, try await job(id, in: store))
        }
    }

    /// Makes `id` pending again (`again`: a completed job too). Returns the job as stored afterwards.
    /// `againHint` names how the caller asks for a completed job's rerun (`--again` on the command line).
    public static func retry(_ id: Int64, again: Bool, in store: JobStore, now: Millis, againHint: String = "--again") async throws -> Job {
        switch try await store.retry(id: id, now: now, from: again ? JobState.rerunnable : JobState.retryable) {
        case .notFound: throw TaskqError.notFound(JobMessages.noSuchJob(id))
        case .notRetryable(.completed): throw TaskqError.conflict("job \(id) is completed; run it once more with \(againHint)")
        case let .notRetryable(state): throw TaskqError.conflict("job \(id) is \(state.rawValue) and cannot be retried")
        case let .uniqueKeyHeld(key, other): throw TaskqError.conflict(JobMessages.uniqueKeyHeld(key: key, byJob: other, retrying: id))
        case .retried: return try await job(id, in: store)
        }
    }

    /// One created job: its id, whether it is new (false: a live job held its unique key and `id` is that job's),
    /// and the warnings the builder gave.
    public struct Created: Sendable {
        public var id: Int64
        public var created: Bool
        public var queue: String
    }

    /// Checks every request and turns it into a job; nothing is written. With several requests an error names the
    /// request's position (`job 3: …`).
    public static func build(_ requests: [JobRequest], builder: JobBuilder, now: Millis, warnings: inout [String]) throws -> [NewJob] {
        var jobs: [NewJob] = []
        jobs.reserveCapacity(requests.count)
        for (index, request) in requests.enumerated() {
            do {
                jobs.append(try builder.build(request, now: now, warnings: &warnings))
            } catch let error as TaskqError where requests.count > 1 {
                throw error.asData(prefix: "job \(index + 1): ")
            }
        }
        return jobs
    }

    /// Checks every request first (nothing is written when one is bad), then enqueues them all in one atomic
    /// store call. `builder` decides defaults and known tasks.
    public static func create(_ requests: [JobRequest], builder: JobBuilder, in store: JobStore, now: Millis,
                              warnings: inout [String]) async throws -> [Created] {
        let jobs = try build(requests, builder: builder, now: now, warnings: &warnings)
        return created(try await store.enqueue(jobs, now: now), jobs: jobs)
    }

    /// Pairs enqueue results with their jobs.
    public static func created(_ results: [EnqueueResult], jobs: [NewJob]) -> [Created] {
        zip(results, jobs).map { Created(id: $0.id, created: $0.created, queue: $1.queue) }
    }
}
