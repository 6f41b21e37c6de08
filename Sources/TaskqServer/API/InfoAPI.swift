import HTTPTypes
import Hummingbird
import TaskKit

/// `/api/v1/stats`, `queues`, `schedules`, `workers`, `tasks`: the CLI's listings and pause/resume over HTTP.
struct InfoAPI {
    let state: ServerState

    func register(on api: RouterGroup<ServerContext>) {
        api.get("stats", use: stats)
        api.get("queues", use: queues)
        api.post("queues/:name/pause") { try await self.pauseQueue(true, $0, $1) }
        api.post("queues/:name/resume") { try await self.pauseQueue(false, $0, $1) }
        api.get("schedules", use: schedules)
        api.post("schedules/:name/pause") { try await self.pauseSchedule(true, $0, $1) }
        api.post("schedules/:name/resume") { try await self.pauseSchedule(false, $0, $1) }
        api.get("workers", use: workers)
        api.get("tasks", use: tasks)
    }

    /// `taskq stats --json`.
    @Sendable func stats(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.requireUser()
        try Query.allowOnly([], in: request)
        return JSONResponse.make(JobCounts(try await state.store.counts()).jsonObject())
    }

    /// `taskq queue list --json`.
    @Sendable func queues(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.requireUser()
        try Query.allowOnly([], in: request)
        let frame = StatsFrame(try await StatsSnapshot.take(from: state.store, now: Clock.now()), after: nil)
        return JSONResponse.make(.array(frame.queues.map { $0.jsonObject(rates: false) }))
    }

    /// `taskq queue pause|resume NAME --json`.
    func pauseQueue(_ paused: Bool, _ request: Request, _ context: ServerContext) async throws -> Response {
        _ = try context.requireAdmin()
        try Query.allowOnly([], in: request)
        let name = try Query.path(context, "name")
        try Names.checkQueue(name)
        let changed = try await state.store.setQueuePaused(name, paused: paused, now: Clock.now())
        return JSONResponse.make(.obj(("name", .string(name)), ("paused", .bool(paused)), ("changed", .bool(changed))))
    }

    /// `taskq schedule list --json` (`?next=N` upcoming fire times, default 3).
    @Sendable func schedules(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.requireUser()
        try Query.allowOnly(["next"], in: request)
        let next = try Query.int(request.uri.queryParameters["next"], name: "next", range: 0...1000) ?? 3
        let now = Clock.now()
        let (catalog, _) = try await ScheduleCatalog.overview(store: state.store, config: state.config, registry: state.registry, now: now)
        return JSONResponse.make(.array(catalog.schedules.map {
            $0.jsonObject(now: now, next: next, job: $0.resolvedJob(config: state.config, registry: state.registry), configName: state.config.displayName)
        }))
    }

    /// `taskq schedule pause|resume NAME --json`.
    func pauseSchedule(_ paused: Bool, _ request: Request, _ context: ServerContext) async throws -> Response {
        _ = try context.requireAdmin()
        try Query.allowOnly([], in: request)
        let name = try Query.path(context, "name")
        let changed = try await ScheduleCatalog.setPaused(paused, name: name, store: state.store, config: state.config, now: Clock.now())
        return JSONResponse.make(.obj(("name", .string(name)), ("paused", .bool(paused)), ("changed", .bool(changed))))
    }

    /// `taskq workers [--all] --json` (`?all=true`).
    @Sendable func workers(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.requireUser()
        try Query.allowOnly(["all"], in: request)
        let all = try Query.bool(request.uri.queryParameters["all"], name: "all") ?? false
        let roster = try await WorkerRoster.read(from: state.store, now: Clock.now())
        return JSONResponse.make(.array((all ? roster.entries : roster.live).map { $0.jsonObject() }))
    }

    /// `taskq list-tasks --json`.
    @Sendable func tasks(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.requireUser()
        try Query.allowOnly([], in: request)
        let rows = state.registry.listing(announced: try await state.store.knownTasks())
        return JSONResponse.make(.array(rows.map { .obj(("name", .string($0.name)), ("description", .string($0.description)), ("source", .string($0.source))) }))
    }
}
