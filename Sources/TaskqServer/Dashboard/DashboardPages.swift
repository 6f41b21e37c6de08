import HTTPTypes
import Hummingbird
import TaskKit

/// The dashboard's pages (GET): overview, job list, job page, enqueue form, schedules, workers.
struct DashboardPages {
    let state: ServerState

    @Sendable func overview(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try Dashboard.requireSession(request, context)
        var data = Views.layout(identity, title: "Overview", nav: "Overview")
        data.merge(try await overviewData(identity)) { $1 }
        data.merge(flash(request)) { $1 }
        return Flash.clear(Dashboard.page("overview", data, identity: identity), request)
    }

    /// The overview's numbers: the live feed's frame when fresh (under two intervals old), else a new snapshot.
    func overviewData(_ identity: Identity?) async throws -> [String: Any] {
        let now = Clock.now()
        let frame: StatsFrame
        if let latest = state.live.frame, now - latest.snapshot.at < 2 * state.settings.liveIntervalMillis {
            frame = latest
        } else {
            frame = StatsFrame(try await StatsSnapshot.take(from: state.store, now: now), after: nil)
        }
        return Views.overviewBody(frame, history: state.live.history, identity: identity)
    }

    @Sendable func jobs(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try Dashboard.requireSession(request, context)
        let query = request.uri.queryParameters
        let stateText = query["state"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let queue = query["queue"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let task = query["task"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let states = try JobState.parseList(stateText.map { [$0] } ?? [], option: "state")
        let before = try Query.int(query["before_id"], name: "before_id", range: 1...Int.max).map { Int64($0) }
        let limit = 50
        let jobs = try await state.store.list(JobFilter(states: states, queue: queue, task: task, limit: limit, beforeID: before))
        var data = Views.layout(identity, title: "Jobs", nav: "Jobs")
        data["jobs"] = jobs.map(Views.jobRow)
        data["hasJobs"] = !jobs.isEmpty
        data["queue"] = queue ?? ""
        if let queue { data["inQueue"] = queue }
        data["task"] = task ?? ""
        data["state"] = states.first?.rawValue ?? ""
        data["filtered"] = stateText != nil || queue != nil || task != nil
        data["stateOptions"] = JobState.allCases.map { ["value": $0.rawValue, "selected": $0 == states.first] as [String: Any] }
        data["canBulkRetry"] = identity.role.canChange && states.count == 1 && [.failed, .cancelled].contains(states[0]) && !jobs.isEmpty
        var parts: [String] = []
        if let s = states.first { parts.append("state=\(s.rawValue)") }
        if let queue { parts.append("queue=\(Query.escape(queue))") }
        if let task { parts.append("task=\(Query.escape(task))") }
        if jobs.count == limit, let last = jobs.last {
            data["next"] = "/jobs?" + (parts + ["before_id=\(last.id)"]).joined(separator: "&")
        }
        if before != nil { data["newest"] = "/jobs" + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&")) }
        data["paged"] = data["next"] != nil || before != nil
        data.merge(flash(request)) { $1 }
        return Flash.clear(Dashboard.page("jobs", data, identity: identity), request)
    }

    @Sendable func job(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try Dashboard.requireSession(request, context)
        let id = try JobID.parse(context.parameters.get("id") ?? "")
        var data = Views.layout(identity, title: "Job \(id)", nav: "Jobs")
        data.merge(try await jobData(id, identity: identity)) { $1 }
        data.merge(flash(request)) { $1 }
        return Flash.clear(Dashboard.page("job", data, identity: identity), request)
    }

    func jobData(_ id: Int64, identity: Identity?) async throws -> [String: Any] {
        let job = try await JobActions.job(id, in: state.store)
        let attempts = try await state.store.attempts(jobID: id)
        return Views.jobBody(job, attempts: attempts, tails: try await Views.tails(of: job, in: state.store), identity: identity)
    }

    @Sendable func newJob(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try Dashboard.requireSession(request, context)
        guard identity.role.canChange else { throw Problem.forbidden }
        return try await newJobPage(identity, form: EnqueueForm(), error: nil, status: .ok)
    }

    /// The enqueue form, filled with `form` (after an error, with the message).
    func newJobPage(_ identity: Identity, form: EnqueueForm, error: String?, status: HTTPResponse.Status) async throws -> Response {
        var data = Views.layout(identity, title: "Enqueue", nav: "New")
        let tasks = state.registry.listing(announced: (try? await state.store.knownTasks()) ?? [])
        let chosen = form.task ?? ""
        data["autoTask"] = chosen.isEmpty
        data["tasks"] = tasks.map { ["name": $0.name, "description": $0.description, "selected": $0.name == chosen] as [String: Any] }
        data["form"] = ["name": form.name ?? "", "args": form.args ?? "", "command": form.command ?? "", "queue": form.queue ?? "",
                        "priority": form.priority ?? "", "run_at": form.run_at ?? "", "max_retries": form.max_retries ?? "",
                        "timeout": form.timeout ?? "", "unique_key": form.unique_key ?? ""]
        if let error { data["error"] = error }
        return Dashboard.page("new_job", data, status: status, identity: identity)
    }

    @Sendable func schedules(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try Dashboard.requireSession(request, context)
        let now = Clock.now()
        let (catalog, _) = try await ScheduleCatalog.overview(store: state.store, config: state.config, registry: state.registry, now: now)
        var data = Views.layout(identity, title: "Schedules", nav: "Schedules")
        data["schedules"] = catalog.schedules.map { Views.schedule($0, now: now, configName: state.config.displayName, identity: identity) }
        data["hasSchedules"] = !catalog.schedules.isEmpty
        data.merge(flash(request)) { $1 }
        return Flash.clear(Dashboard.page("schedules", data, identity: identity), request)
    }

    @Sendable func workers(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try Dashboard.requireSession(request, context)
        let now = Clock.now()
        let roster = try await WorkerRoster.read(from: state.store, now: now)
        var data = Views.layout(identity, title: "Workers", nav: "Workers")
        data["workers"] = roster.entries.map { Views.worker($0, now: now) }
        data["hasWorkers"] = !roster.entries.isEmpty
        return Dashboard.page("workers", data, identity: identity)
    }

    /// The one-line notice a form left for the next page (`Flash`), shown once.
    private func flash(_ request: Request) -> [String: Any] {
        guard let note = Flash.read(request) else { return [:] }
        return ["flash": note]
    }
}
