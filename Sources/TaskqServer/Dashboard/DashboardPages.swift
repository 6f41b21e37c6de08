import HTTPTypes
import Hummingbird
import TaskKit

/// The dashboard's pages (GET): overview, job list, job page, enqueue form, schedules, workers.
struct DashboardPages {
    let state: ServerState

    @Sendable func overview(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try Dashboard.requireSession(request, context)
        let page = OverviewPage(layout: Layout(title: "Overview", section: .overview, identity: identity, flash: Flash.read(request)),
                                body: try await overviewBody(identity))
        return Flash.clear(Dashboard.page(page, identity: identity), request)
    }

    /// The overview's numbers: the live feed's frame when fresh (under two intervals old), else a new snapshot.
    func overviewBody(_ identity: Identity?) async throws -> OverviewBody {
        let now = Clock.now()
        let frame: StatsFrame
        if let latest = state.live.frame, now - latest.snapshot.at < 2 * state.settings.liveIntervalMillis {
            frame = latest
        } else {
            frame = StatsFrame(try await StatsSnapshot.take(from: state.store, now: now), after: nil)
        }
        return OverviewBody(frame, history: state.live.history, identity: identity)
    }

    @Sendable func jobs(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try Dashboard.requireSession(request, context)
        let query = request.uri.queryParameters
        // `?state=failed&state=cancelled` as `?state=failed,cancelled`, as the API and `list-jobs` read them.
        let stateTexts = query[values: "state"].map(String.init).filter { !$0.isEmpty }
        // Filters as typed in the form's boxes: spaces around a name are not part of it.
        let queue = query["queue"].map { String($0).trimmingSpaces }.flatMap { $0.isEmpty ? nil : $0 }
        let task = query["task"].map { String($0).trimmingSpaces }.flatMap { $0.isEmpty ? nil : $0 }
        let states = try JobState.parseList(stateTexts, option: "state")
        let before = try Query.int(query["before_id"], name: "before_id", range: 1...Int.max).map { Int64($0) }
        let limit = 50
        // One more than a page: an "Older jobs" link only when there are older jobs.
        var jobs = try await state.store.list(JobFilter(states: states, queue: queue, task: task, limit: limit + 1, beforeID: before))
        let more = jobs.count > limit
        if more { jobs.removeLast() }
        var parts: [String] = []
        if !states.isEmpty { parts.append("state=\(states.map(\.rawValue).joined(separator: ","))") }
        if let queue { parts.append("queue=\(Query.escape(queue))") }
        if let task { parts.append("task=\(Query.escape(task))") }
        var next: String?
        if more, let last = jobs.last {
            next = "/jobs?" + (parts + ["before_id=\(last.id)"]).joined(separator: "&")
        }
        let newest = before == nil ? nil : "/jobs" + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
        let page = JobsPage(
            layout: Layout(title: "Jobs", section: .jobs, identity: identity, flash: Flash.read(request)),
            jobs: jobs.map(JobsPage.Row.init), state: states.first, queue: queue, task: task,
            filtered: !stateTexts.isEmpty || queue != nil || task != nil,
            canBulkRetry: identity.role.canChange && states.count == 1 && [.failed, .cancelled].contains(states[0]) && !jobs.isEmpty,
            newest: newest, next: next)
        return Flash.clear(Dashboard.page(page, identity: identity), request)
    }

    @Sendable func job(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try Dashboard.requireSession(request, context)
        let id = try JobID.parse(context.parameters.get("id") ?? "")
        let page = JobPage(layout: Layout(title: "Job \(id)", section: .jobs, identity: identity, flash: Flash.read(request)),
                           body: try await jobBody(id, identity: identity))
        return Flash.clear(Dashboard.page(page, identity: identity), request)
    }

    func jobBody(_ id: Int64, identity: Identity?) async throws -> JobBody {
        let job = try await JobActions.job(id, in: state.store)
        let attempts = try await state.store.attempts(jobID: id)
        return JobBody(job, attempts: attempts, tails: try await JobBody.tails(of: job, in: state.store), identity: identity)
    }

    @Sendable func newJob(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try Dashboard.requireSession(request, context)
        guard identity.role.canChange else { throw Problem.forbidden }
        return try await newJobPage(identity, form: EnqueueForm(), error: nil, status: .ok)
    }

    /// The enqueue form, filled with `form` (after an error, with the message).
    func newJobPage(_ identity: Identity, form: EnqueueForm, error: String?, status: HTTPResponse.Status) async throws -> Response {
        let tasks = state.registry.listing(announced: (try? await state.store.knownTasks()) ?? [])
        let page = NewJobPage(layout: Layout(title: "Enqueue", section: .enqueue, identity: identity, error: error), tasks: tasks, form: form)
        return Dashboard.page(page, status: status, identity: identity)
    }

    @Sendable func schedules(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try Dashboard.requireSession(request, context)
        let now = Clock.now()
        let (catalog, _) = try await ScheduleCatalog.overview(store: state.store, config: state.config, registry: state.registry, now: now)
        let page = SchedulesPage(layout: Layout(title: "Schedules", section: .schedules, identity: identity, flash: Flash.read(request)),
                                 schedules: catalog.schedules.map { .init($0, now: now, configName: state.config.displayName) })
        return Flash.clear(Dashboard.page(page, identity: identity), request)
    }

    @Sendable func workers(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try Dashboard.requireSession(request, context)
        let now = Clock.now()
        let roster = try await WorkerRoster.read(from: state.store, now: now)
        let page = WorkersPage(layout: Layout(title: "Workers", section: .workers, identity: identity),
                               workers: roster.entries.map { .init($0, now: now) })
        return Dashboard.page(page, identity: identity)
    }
}
