import HTTPTypes
import Hummingbird
import TaskKit

/// `/api/v1/jobs…`: the CLI's job commands over HTTP, with the CLI's JSON (docs/json.md) and messages.
struct JobsAPI {
    let state: ServerState

    func register(on api: RouterGroup<ServerContext>) {
        api.get("jobs", use: list)
        api.post("jobs", use: create)
        api.post("jobs/bulk", use: createMany)
        api.post("jobs/retry", use: retryMany)
        api.get("jobs/:id", use: show)
        api.post("jobs/:id/cancel", use: cancel)
        api.post("jobs/:id/retry", use: retry)
        api.get("jobs/:id/output", use: output)
    }

    /// `?state=&queue=&task=&limit=&before_id=`, newest first; the next page's link is in `Link: <…>; rel="next"`.
    @Sendable func list(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.requireUser()
        let query = request.uri.queryParameters
        try Query.allowOnly(["state", "queue", "task", "limit", "before_id"], in: request)
        let states = try JobState.parseList(query[values: "state"].map(String.init), option: "state")
        let limit = try Query.int(query["limit"], name: "limit", range: 1...1000) ?? 50
        let before = try Query.int(query["before_id"], name: "before_id", range: 1...Int.max).map { Int64($0) }
        let queue = query["queue"].map(String.init)
        let task = query["task"].map(String.init)
        let jobs = try await state.store.list(JobFilter(states: states, queue: queue, task: task, limit: limit, beforeID: before))
        var headers: HTTPFields = [:]
        if jobs.count == limit, let last = jobs.last {
            var parts = states.map { "state=\($0.rawValue)" }
            if let queue { parts.append("queue=\(Query.escape(queue))") }
            if let task { parts.append("task=\(Query.escape(task))") }
            parts += ["limit=\(limit)", "before_id=\(last.id)"]
            headers[.link] = "</api/v1/jobs?\(parts.joined(separator: "&"))>; rel=\"next\""
        }
        return JSONResponse.make(.array(jobs.map { $0.jsonObject() }), headers: headers)
    }

    /// One job, as a `create-job --from-file` line: 201 with the job (`create-job --json`), or 200 with the live
    /// job that already holds its `unique_key`.
    @Sendable func create(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.requireAdmin()
        try Query.allowOnly([], in: request)
        let body = try await RequestBody.json(request, limit: state.settings.maxBodyBytes)
        guard case .object = body else { throw Problem(.unprocessableContent, "expected a JSON object describing one job (a list goes to /api/v1/jobs/bulk)") }
        let jobRequest = try JobRequest(json: body)
        let (jobs, written, warnings) = try await enqueue([jobRequest], position: false)
        let result = written.results[0]
        // A new job is answered as created, without reading it back (one store round trip fewer per request); the
        // live job that holds the unique key is read.
        let job = result.created ? Job(created: jobs[0], id: result.id, now: written.now) : try await JobActions.job(result.id, in: state.store)
        var headers = Self.warningHeaders(warnings)
        headers[.location] = "/api/v1/jobs/\(job.id)"
        return JSONResponse.make(job.jsonObject(), status: result.created ? .created : .ok, headers: headers)
    }

    /// Many jobs in one request, all or none: a JSON array of job objects (or `{"jobs": [...]}`); answers with
    /// their ids in order (`create-job --from-file --json`).
    @Sendable func createMany(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.requireAdmin()
        try Query.allowOnly([], in: request)
        let body = try await RequestBody.json(request, limit: state.settings.maxBodyBytes)
        let items: [JSONValue]
        if let array = body.arrayValue { items = array }
        else if case let .object(pairs) = body, pairs.count == 1, pairs[0].0 == "jobs", let array = pairs[0].1.arrayValue { items = array }
        else { throw Problem(.unprocessableContent, "expected a JSON array of job objects") }
        guard !items.isEmpty else { throw Problem(.unprocessableContent, "the list of jobs is empty") }
        guard items.count <= state.settings.maxBulkJobs else {
            throw Problem(.contentTooLarge, "at most \(state.settings.maxBulkJobs) jobs per request (got \(items.count)); split the list")
        }
        var requests: [JobRequest] = []
        requests.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            do { requests.append(try JobRequest(json: item)) } catch let error as TaskqError { throw error.asData(prefix: "job \(index + 1): ") }
        }
        let (_, written, warnings) = try await enqueue(requests, position: true)
        return JSONResponse.make(.array(written.results.map { .int($0.id) }), status: .created, headers: Self.warningHeaders(warnings))
    }

    /// The notes `create-job` prints on stderr (a time in the past, …) as `Warning: 299 taskq "…"` values.
    static func warningHeaders(_ warnings: [String]) -> HTTPFields {
        guard !warnings.isEmpty else { return [:] }
        return [.warning: warnings.map { "299 taskq \"\($0.replacing("\"", with: "'"))\"" }.joined(separator: ", ")]
    }

    /// Builds (nothing written on a bad request), then enqueues through the batcher. A bad value in a body is bad
    /// data (422, as a `--from-file` line's), never a bad flag; `position` names the job's place (`job 3: …`) even
    /// in a list of one.
    private func enqueue(_ requests: [JobRequest], position: Bool) async throws -> ([NewJob], EnqueueBatcher.Written, [String]) {
        let tasks = Set(requests.map { $0.task ?? ($0.command == nil ? "" : "shell") })
        let builder = try await state.builder(tasks: tasks)
        var warnings: [String] = []
        let jobs: [NewJob]
        do {
            jobs = try JobActions.build(requests, builder: builder, now: Clock.now(), warnings: &warnings)
        } catch let error as TaskqError {
            throw error.asData(prefix: position && requests.count == 1 ? "job 1: " : "")
        }
        let written = try await state.batcher.enqueue(jobs)
        // Then, as create-job: a queue no live worker reads, or a paused one, for the jobs created.
        var notes = Array(Set(warnings)).sorted()
        let created = Set(zip(jobs, written.results).filter { $0.1.created }.map { $0.0.queue })
        if !created.isEmpty {
            notes += await state.enqueueNotes.warnings(queues: created.sorted(), store: state.store, now: written.now)
        }
        return (jobs, written, notes)
    }

    /// The job with every attempt (`show-job --json`).
    @Sendable func show(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.requireUser()
        try Query.allowOnly([], in: request)
        let id = try jobID(context)
        let job = try await JobActions.job(id, in: state.store)
        return JSONResponse.make(job.jsonObject(history: try await state.store.attempts(jobID: id)))
    }

    /// `taskq cancel ID --json`: the job afterwards (a running job shows `cancel_requested`).
    @Sendable func cancel(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.requireAdmin()
        try Query.allowOnly([], in: request)
        let (_, job) = try await JobActions.cancel(try jobID(context), in: state.store, now: Clock.now())
        return JSONResponse.make(job.jsonObject())
    }

    /// `taskq retry ID [--again] --json`; `?again=true` or a body `{"again": true}`.
    @Sendable func retry(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.requireAdmin()
        try Query.allowOnly(["again"], in: request)
        let id = try jobID(context)
        var again = try Query.bool(request.uri.queryParameters["again"], name: "again") ?? false
        if let body = try await RequestBody.optionalJSON(request, limit: smallBodyLimit) {
            guard case let .object(pairs) = body, pairs.allSatisfy({ $0.0 == "again" }) else {
                throw Problem(.unprocessableContent, "expected {\"again\": true|false} or no body")
            }
            if let value = pairs.first?.1 {
                guard case let .bool(flag) = value else { throw Problem(.unprocessableContent, "'again' must be true or false") }
                again = flag
            }
        }
        let job = try await JobActions.retry(id, again: again, in: state.store, now: Clock.now(), againHint: "?again=true (or a body {\"again\": true})")
        return JSONResponse.make(job.jsonObject())
    }

    /// `taskq retry --state failed [--queue Q] [--dry-run] --json`: body `{"states": ["failed"], "queue": "q",
    /// "task": "t", "dry_run": false}` (states default to failed).
    @Sendable func retryMany(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.requireAdmin()
        try Query.allowOnly([], in: request)
        var states: [JobState] = [.failed]
        var queue: String?
        var task: String?
        var dryRun = false
        if let body = try await RequestBody.optionalJSON(request, limit: smallBodyLimit) {
            guard case let .object(pairs) = body else { throw Problem(.unprocessableContent, "expected a JSON object") }
            for (key, value) in pairs {
                switch key {
                case "states":
                    guard let items = value.arrayValue?.compactMap(\.stringValue), items.count == value.arrayValue?.count, !items.isEmpty else {
                        throw Problem(.unprocessableContent, "'states' must be a non-empty array of state names")
                    }
                    do {
                        states = try JobState.parseList(items, expected: "failed or cancelled", allowed: [.failed, .cancelled],
                                                        refusal: "bulk retry takes failed or cancelled", option: "state")
                    } catch let error as TaskqError {
                        throw error.asData(prefix: "")
                    }
                case "queue":
                    guard let name = value.stringValue else { throw Problem(.unprocessableContent, "'queue' must be a string") }
                    do { try Names.checkQueue(name) } catch let error as TaskqError { throw error.asData(prefix: "") }
                    queue = name
                case "task":
                    guard let name = value.stringValue, !name.isEmpty else { throw Problem(.unprocessableContent, "'task' must be a task name") }
                    task = name
                case "dry_run":
                    guard case let .bool(flag) = value else { throw Problem(.unprocessableContent, "'dry_run' must be true or false") }
                    dryRun = flag
                default: throw Problem(.unprocessableContent, "unknown field '\(TerminalText.escaped(key))'")
                }
            }
        }
        let ids = try await Maintenance.retryCandidates(store: state.store, states: states, queue: queue, task: task)
        if dryRun {
            return JSONResponse.make(.obj(("dry_run", .bool(true)), ("count", .int(Int64(ids.count))),
                                          ("jobs", .array(ids.map { .int($0) })), ("skipped", .array([]))))
        }
        let done = try await Maintenance.retry(store: state.store, ids: ids, states: Set(states), now: Clock.now()) { _ in }
        return JSONResponse.make(done.jsonObject())
    }

    /// The stored output tail of an attempt (default: the latest) as text: `?stream=stdout|stderr&attempt=N`.
    @Sendable func output(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.requireUser()
        try Query.allowOnly(["stream", "attempt"], in: request)
        let id = try jobID(context)
        let job = try await JobActions.job(id, in: state.store)
        let query = request.uri.queryParameters
        let streamName = query["stream"].map(String.init) ?? "stdout"
        guard let stream = OutputStreamName(rawValue: streamName) else { throw Problem(.badRequest, "invalid stream '\(TerminalText.escaped(streamName))': expected stdout or stderr") }
        let asked = try Query.int(query["attempt"], name: "attempt", range: 1...1_000_000)
        if let asked, asked > job.attempt {  // as `taskq logs ID --attempt N`
            throw Problem(.notFound, "job \(id) has no attempt \(asked) (attempts so far: \(job.attempt))")
        }
        let attempt = asked ?? max(1, job.attempt)
        let output = try await state.store.output(jobID: id, attempt: attempt, stream: stream)
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"]
        if let dropped = output?.dropped, dropped > 0 { headers[.droppedBytes] = String(dropped) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: output?.bytes ?? [])))
    }

    private func jobID(_ context: ServerContext) throws -> Int64 {
        try JobID.parse(try Query.path(context, "id"))
    }

    /// Bodies of a few options (retry) are small.
    private var smallBodyLimit: Int { min(64 << 10, state.settings.maxBodyBytes) }
}

/// Query-string and path values with the CLI's messages.
enum Query {
    /// 400 for a parameter the endpoint does not take: a misspelt filter (`?status=failed`) must not answer with
    /// every job; and for one given twice, except `state` (a list): `?limit=2&limit=3` has no one meaning.
    static func allowOnly(_ names: [String], in request: Request) throws {
        var seen = Set<Substring>()
        for (name, _) in request.uri.queryParameters {
            guard names.contains(String(name)) else {
                let takes = names.isEmpty ? "no query parameters" : names.joined(separator: ", ")
                throw Problem(.badRequest, "unknown query parameter '\(TerminalText.escaped(String(name)))' (this endpoint takes \(takes))")
            }
            guard seen.insert(name).inserted || name == "state" else {
                throw Problem(.badRequest, "query parameter '\(TerminalText.escaped(String(name)))' is given more than once")
            }
        }
    }

    /// A path parameter, percent-decoded (`/api/v1/queues/a%3Ab/pause` names queue `a:b`); 400 when the encoding is
    /// broken or decodes to something that is not UTF-8.
    static func path(_ context: ServerContext, _ name: String) throws -> String {
        let raw = context.parameters.get(name) ?? ""
        guard let text = percentDecoded(raw) else {
            throw Problem(.badRequest, "invalid \(name) '\(TerminalText.escaped(raw))' in the path: broken percent-encoding")
        }
        return text
    }

    static func percentDecoded(_ text: String) -> String? {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hex), let low = iterator.next().flatMap(hex) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func int(_ value: Substring?, name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let value else { return nil }
        guard let n = Int(value), range.contains(n) else {
            let bound = range.upperBound == .max ? "at least \(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
            throw Problem(.badRequest, "invalid \(name) '\(TerminalText.escaped(String(value)))': expected an integer \(bound)")
        }
        return n
    }

    static func bool(_ value: Substring?, name: String) throws -> Bool? {
        guard let value else { return nil }
        switch value.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw Problem(.badRequest, "invalid \(name) '\(TerminalText.escaped(String(value)))': expected true or false (or 1, 0, yes, no)")
        }
    }

    /// Percent-encodes everything but unreserved characters.
    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return out
    }
}
