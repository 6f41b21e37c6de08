import TaskKit

/// The data each dashboard template renders, built from the same TaskKit values the CLI prints. Every string is
/// HTML-escaped by Mustache; only the charts (built here from numbers) are inserted raw.
enum Views {
    /// What every page's layout needs: who is logged in, their role, the CSRF token for forms.
    static func layout(_ identity: Identity?, title: String, nav: String) -> [String: Any] {
        var data: [String: Any] = ["title": title, "nav" + nav: true]
        if let identity {
            data["user"] = identity.user
            data["role"] = identity.role.rawValue
            data["isAdmin"] = identity.role.canChange
            data["csrf"] = identity.session?.csrf ?? ""
        }
        return data
    }

    static func overviewBody(_ frame: StatsFrame, history: [LiveFeed.Bucket], identity: Identity?) -> [String: Any] {
        let counts = frame.snapshot.counts
        let waiting = [JobState.pending, .scheduled, .retrying].reduce(0) { $0 + counts.count(state: $1) }
        let now = frame.snapshot.at
        // Buckets hold rates per second: jobs = rate × bucket length. The last minute is the last six buckets.
        let lastMinute = history.filter { now - $0.start < 60_000 }.reduce(0) { $0 + $1.completed * Charts.bucketSeconds }
        let queues: [[String: Any]] = frame.queues.map { q in
            [
                "name": q.name, "nameQuery": Query.escape(q.name), "paused": q.paused, "workers": q.liveWorkers,
                "counts": JobState.allCases.map { ["state": $0.rawValue, "n": q.counts[$0] ?? 0, "nonzero": (q.counts[$0] ?? 0) > 0] as [String: Any] },
                "oldest": q.oldestWaitMillis.map { DurationParser.format($0 < 1000 ? $0 : $0 - $0 % 1000) } ?? "–",
                "spark": Charts.spark(history.map { ($0.start, $0.perQueue[q.name] ?? 0) }, now: now),
                "isAdmin": identity?.role.canChange ?? false, "csrf": identity?.session?.csrf ?? "",
            ]
        }
        return [
            "total": counts.total, "waiting": waiting, "running": counts.count(state: .running),
            "failed": counts.count(state: .failed), "hasFailed": counts.count(state: .failed) > 0, "liveWorkers": frame.snapshot.workers.live.count,
            "throughput": Int(lastMinute.rounded()), "chart": Charts.throughput(history, now: now),
            "states": JobState.allCases.map(\.rawValue), "queues": queues, "hasQueues": !queues.isEmpty,
            "isAdmin": identity?.role.canChange ?? false, "updated": TimeFormat.short(frame.snapshot.at),
        ]
    }

    static func jobRow(_ job: Job) -> [String: Any] {
        ["id": job.id, "name": job.name, "task": job.task, "queue": job.queue, "priority": job.priority,
         "state": job.state.rawValue, "attempts": "\(job.attempt)/\(job.lastAttemptInBudget)",
         "runAt": TimeFormat.short(job.runAt), "error": job.error.map { String($0.prefix(200)) } ?? ""]
    }

    /// Output tails shown on a job page: the last lines of the latest attempt's streams.
    struct Tail {
        var stream: OutputStreamName
        var attempt: Int
        var text: String
        var hidden: Int64
    }

    static let tailLines = 200

    static func tails(of job: Job, in store: TaskqStore) async throws -> [Tail] {
        guard job.attempt > 0 else { return [] }
        var tails: [Tail] = []
        for stream in OutputStreamName.allCases {
            if let output = try await store.output(jobID: job.id, attempt: job.attempt, stream: stream), !output.bytes.isEmpty {
                let shown = output.lastLines(tailLines)
                tails.append(Tail(stream: stream, attempt: job.attempt, text: String(decoding: shown, as: UTF8.self),
                                  hidden: output.total - Int64(shown.count)))
            }
        }
        return tails
    }

    static func jobBody(_ job: Job, attempts: [Attempt], tails: [Tail], identity: Identity?) -> [String: Any] {
        // Shown in two columns, row by row: each pair belongs together.
        var fields: [(String, String)] = [
            ("name", job.name), ("task", job.task), ("queue", job.queue), ("priority", String(job.priority)),
            ("attempts", "\(job.attempt) (max retries \(job.maxRetries))"),
            ("retry policy", "\(job.retryPolicy.backoff.rawValue), base \(DurationParser.format(job.retryPolicy.baseDelayMillis))"),
            ("timeout", job.timeoutMillis.map(DurationParser.format) ?? "none"), ("worker", job.worker ?? "–"),
            ("created", utc(job.createdAt)), ("run at", utc(job.runAt)),
            ("started", job.startedAt.map(utc) ?? "–"), ("finished", job.finishedAt.map(utc) ?? "–"),
        ]
        if let started = job.startedAt, let finished = job.finishedAt, finished >= started {
            fields.append(("took", DurationParser.format(finished - started)))
        }
        if let key = job.uniqueKey { fields.append(("unique key", key)) }
        var body: [String: Any] = [
            "id": job.id, "state": job.state.rawValue, "cancelRequested": job.cancelRequested && job.state == .running,
            "isAdmin": identity?.role.canChange ?? false, "csrf": identity?.session?.csrf ?? "",
            "canCancel": !job.state.isFinished && !(job.cancelRequested && job.state == .running),
            "canRetry": JobState.retryable.contains(job.state),
            "canRunAgain": job.state == .completed,
            "fields": fields.map { ["key": $0.0, "value": $0.1] },
            "args": job.args.pretty(level: 0),
            "attempts": attempts.map { a in
                ["attempt": a.attempt, "started": TimeFormat.short(a.startedAt), "finished": a.finishedAt.map(TimeFormat.short) ?? "–",
                 "worker": a.worker, "outcome": a.outcome.rawValue, "error": a.error ?? ""] as [String: Any]
            },
            "hasAttempts": !attempts.isEmpty,
            "outputs": tails.map { t in
                var output: [String: Any] = ["stream": t.stream.rawValue, "attempt": t.attempt, "text": t.text]
                if t.hidden > 0 { output["dropped"] = ByteSize.format(t.hidden) }
                return output
            },
        ]
        // Mustache renders a section for any string, even an empty one: absent keys only. `jobError`, not `error`,
        // which the layout shows as the page's alert.
        if let result = job.result { body["result"] = result.pretty(level: 0) }
        if let error = job.error, !error.isEmpty { body["jobError"] = error }
        return body
    }

    /// `2026-11-30 04:10:41.589 UTC`: the list's format, with milliseconds.
    static func utc(_ ms: Millis) -> String {
        TimeFormat.iso8601(ms).replacing("T", with: " ").replacing("Z", with: " UTC")
    }

    static func schedule(_ s: ActiveSchedule, now: Millis, configName: String, identity: Identity?) -> [String: Any] {
        let d = s.definition
        var upcoming = s.upcoming(after: now, count: 3).map { TimeFormat.short($0) }
        if let due = s.dueTick(now: now) { upcoming.insert("due now (\(TimeFormat.short(due)))", at: 0) }
        return ["name": s.name, "nameQuery": Query.escape(s.name), "expression": d.expression.text, "zone": d.expression.zone.identifier,
                "task": s.taskName, "paused": s.paused, "source": d.source == .config ? configName : "store",
                "last": s.record?.lastFireAt.map { TimeFormat.short($0) } ?? "–",
                "next": s.paused ? "–" : upcoming.joined(separator: ", "),
                "isAdmin": identity?.role.canChange ?? false, "csrf": identity?.session?.csrf ?? ""]
    }

    static func worker(_ e: WorkerRoster.Entry, now: Millis) -> [String: Any] {
        ["id": e.info.id, "host": e.info.host, "pid": e.info.pid, "queues": e.info.queues.joined(separator: ", "),
         "concurrency": e.info.concurrency, "running": e.running, "completed": e.info.completed, "failed": e.info.failed,
         "started": TimeFormat.short(e.info.startedAt), "lastSeen": DurationParser.format(max(0, now - e.info.lastSeen)), "lost": e.lost]
    }
}
