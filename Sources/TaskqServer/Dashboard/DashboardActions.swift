import HTTPTypes
import Hummingbird
import TaskKit

/// The dashboard's changes (POST forms): each checks the session's CSRF token and the admin role, runs the same
/// TaskKit operation as the CLI, and redirects (303) to the page that shows the result.
struct DashboardActions {
    let state: ServerState

    @Sendable func enqueue(_ request: Request, context: ServerContext) async throws -> Response {
        let form = try await Forms.decode(EnqueueForm.self, request)
        let identity = try Dashboard.requireForm(form, context)
        do {
            let jobRequest = try form.request()
            let tasks = Set([jobRequest.task ?? ""])
            let builder = try await state.builder(tasks: tasks)
            var warnings: [String] = []
            let now = Clock.now()
            let jobs = try JobActions.build([jobRequest], builder: builder, now: now, warnings: &warnings)
            let created = JobActions.created(try await state.batcher.enqueue(jobs).results, jobs: jobs)[0]
            var note = created.created ? "Job \(created.id) enqueued." : JobMessages.uniqueKeyExists(jobRequest.uniqueKey ?? "", id: created.id)
            // What `create-job` warns about on stderr: a time in the past, a queue no live worker reads or paused.
            if created.created { warnings += await EnqueueNotes.warnings(queues: [jobs[0].queue], store: state.store, now: now) }
            for warning in warnings { note += " Warning: \(warning)." }
            return Dashboard.seeOther("/jobs/\(created.id)", flash: note)
        } catch let error as TaskqError where [64, 65].contains(error.exitCode) {
            return try await DashboardPages(state: state).newJobPage(identity, form: form, error: error.description, status: .unprocessableContent)
        }
    }

    @Sendable func cancel(_ request: Request, context: ServerContext) async throws -> Response {
        let form = try await Forms.decode(PlainForm.self, request, limit: 4 << 10)
        _ = try Dashboard.requireForm(form, context)
        let id = try JobID.parse(context.parameters.get("id") ?? "")
        let (result, _) = try await JobActions.cancel(id, in: state.store, now: Clock.now())
        let note = result == .cancelled ? "Cancelled job \(id)." : "Cancellation of job \(id) requested: its worker stops it."
        return Dashboard.seeOther("/jobs/\(id)", flash: note)
    }

    struct RetryForm: CSRFForm {
        var csrf: String?
        var again: String?
    }

    @Sendable func retry(_ request: Request, context: ServerContext) async throws -> Response {
        let form = try await Forms.decode(RetryForm.self, request, limit: 4 << 10)
        _ = try Dashboard.requireForm(form, context)
        let id = try JobID.parse(context.parameters.get("id") ?? "")
        // A job still waiting for its time is brought forward ("Run now" on its page), not retried.
        let waiting = [JobState.scheduled, .retrying].contains(try await JobActions.job(id, in: state.store).state)
        _ = try await JobActions.retry(id, again: form.again == "1", in: state.store, now: Clock.now())
        return Dashboard.seeOther("/jobs/\(id)", flash: waiting ? "Job \(id) runs now instead of at its due time." : "Retry of job \(id) queued.")
    }

    @Sendable func retryMany(_ request: Request, context: ServerContext) async throws -> Response {
        let form = try await Forms.decode(RetryManyForm.self, request, limit: 4 << 10)
        _ = try Dashboard.requireForm(form, context)
        let states = try JobState.parseList([form.state ?? "failed"], expected: "failed or cancelled", allowed: [.failed, .cancelled],
                                            refusal: "bulk retry takes failed or cancelled", option: "state")
        // The jobs the list showed: its state, queue and task filters, all of them.
        let queue = form.queue.flatMap { $0.isEmpty ? nil : $0 }
        let task = form.task.flatMap { $0.isEmpty ? nil : $0 }
        let ids = try await Maintenance.retryCandidates(store: state.store, states: states, queue: queue, task: task)
        let done = try await Maintenance.retry(store: state.store, ids: ids, states: Set(states), now: Clock.now()) { _ in }
        var note = "Retried \(done.retried.count) job(s)."
        if !done.skipped.isEmpty { note += " Skipped \(done.skipped.count)." }
        var location = "/jobs?state=pending"
        if let queue { location += "&queue=" + Query.escape(queue) }
        if let task { location += "&task=" + Query.escape(task) }
        return Dashboard.seeOther(location, flash: note)
    }

    func pauseQueue(_ paused: Bool, _ request: Request, _ context: ServerContext) async throws -> Response {
        let form = try await Forms.decode(PlainForm.self, request, limit: 4 << 10)
        _ = try Dashboard.requireForm(form, context)
        let name = Dashboard.pathParameter("name", context)
        try Names.checkQueue(name)
        let now = Clock.now()
        _ = try await state.store.setQueuePaused(name, paused: paused, now: now)
        state.live.invalidate(now: now + 1)
        return Dashboard.seeOther("/", flash: "Queue \(name) is \(paused ? "paused" : "resumed").")
    }

    func pauseSchedule(_ paused: Bool, _ request: Request, _ context: ServerContext) async throws -> Response {
        let form = try await Forms.decode(PlainForm.self, request, limit: 4 << 10)
        _ = try Dashboard.requireForm(form, context)
        let name = Dashboard.pathParameter("name", context)
        try await ScheduleCatalog.setPaused(paused, name: name, store: state.store, config: state.config, now: Clock.now())
        return Dashboard.seeOther("/schedules", flash: "Schedule \(name) is \(paused ? "paused" : "active").")
    }
}
