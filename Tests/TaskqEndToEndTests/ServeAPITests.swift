import Foundation
import Testing
import TaskqTestSupport

/// `taskq serve`'s REST API against a real server process on each store: the CLI's JSON shapes, its messages in
/// problem+json errors, authentication and roles, refusals that change nothing, health, metrics and shutdown.
@Suite("taskq serve: REST API end to end")
struct ServeAPITests {
    /// Each route answers with what the CLI's `--json` prints for the same question.
    @Test(arguments: APIBackend.allCases)
    func everyEndpointAnswersWithTheCLIShapes(backend: APIBackend) throws {
        let api = try APIFixture(backend)
        func withoutHistory(_ id: Int) throws -> [String: Any] {
            var job = try api.cliJSON(["show-job", "\(id)", "--json"]) as? [String: Any] ?? [:]
            #expect(job.removeValue(forKey: "history") != nil)
            return job
        }

        // POST /api/v1/jobs: 201 with the job (create-job --json), Location; a held unique key: 200 with that job.
        let created = try api.call("POST", "/api/v1/jobs", json: #"{"name":"hello","task":"echo","args":{"n":1},"priority":"critical"}"#)
        #expect(created.status == 201, "\(created)")
        let hello = created.object["id"] as? Int ?? 0
        #expect(created.header("Location") == "/api/v1/jobs/\(hello)")
        #expect(created.header("Content-Type") == "application/json")
        #expect(try sameJSON(created.object, try withoutHistory(hello)))
        #expect(created.object["priority"] as? Int == 10 && created.object["state"] as? String == "pending")
        let unique = try api.call("POST", "/api/v1/jobs", json: #"{"task":"noop","unique_key":"k1"}"#)
        let again = try api.call("POST", "/api/v1/jobs", json: #"{"task":"noop","unique_key":"k1","name":"other"}"#)
        #expect(unique.status == 201 && again.status == 200, "\(unique) \(again)")
        let keyed = unique.object["id"] as? Int ?? 0
        #expect(again.object["id"] as? Int == keyed && again.object["name"] as? String == "noop")

        // POST /api/v1/jobs/bulk: an array or {"jobs": [...]}; 201 with the ids in order.
        let bulk = try api.call("POST", "/api/v1/jobs/bulk", json: #"""
            [{"task":"noop","queue":"mail"},{"command":["sh","-c","printf out; printf err >&2"],"name":"sh"}]
            """#)
        #expect(bulk.status == 201, "\(bulk)")
        let ids = bulk.array.compactMap { $0 as? Int }
        #expect(ids.count == 2 && ids[0] < ids[1] && ids[0] > keyed)
        let (mail, shell) = (ids.first ?? 0, ids.last ?? 0)
        let wrapped = try api.call("POST", "/api/v1/jobs/bulk", json: #"{"jobs":[{"task":"fail","max_retries":0}]}"#)
        #expect(wrapped.status == 201, "\(wrapped)")
        let failing = wrapped.array.first as? Int ?? 0
        #expect(failing == shell + 1)

        #expect(try api.cli.run(["run-worker", "--burst"]).status == 0)

        // GET /api/v1/jobs/{id}: show-job --json, history included; the output as `logs --raw` prints it.
        let shown = try api.call("GET", "/api/v1/jobs/\(hello)")
        #expect(try shown.status == 200 && sameJSON(shown.json, try api.cliJSON(["show-job", "\(hello)", "--json"])), "\(shown)")
        #expect((shown.object["result"] as? [String: Int]) == ["n": 1] && (shown.object["history"] as? [Any])?.count == 1)
        let stdout = try api.call("GET", "/api/v1/jobs/\(shell)/output")
        let stderr = try api.call("GET", "/api/v1/jobs/\(shell)/output?stream=stderr&attempt=1")
        #expect(stdout.status == 200 && stdout.text == "out" && stdout.header("Content-Type")?.hasPrefix("text/plain") == true, "\(stdout)")
        #expect(try stderr.text == "err" && stdout.text == (try api.cli.run(["logs", "\(shell)", "--raw"]).stdout))
        #expect(try api.call("GET", "/api/v1/jobs/\(mail)/output").text == "")

        // GET /api/v1/jobs: list-jobs --json, with its filters; pages linked by `Link: <…>; rel="next"`.
        let all = try api.call("GET", "/api/v1/jobs")
        #expect(try all.status == 200 && all.array.count == 5 && sameJSON(all.json, try api.cliJSON(["list-jobs", "--json"])), "\(all)")
        #expect(all.header("Link") == nil)
        let page = try api.call("GET", "/api/v1/jobs?limit=2")
        let next = page.header("Link")?.firstMatch(#"^<([^>]+)>; rel="next"$"#)
        #expect(page.array.count == 2 && next == "/api/v1/jobs?limit=2&before_id=\(shell)", "\(page.headers)")
        let second = try api.call("GET", next ?? "/")
        #expect(try sameJSON(second.json, try api.cliJSON(["list-jobs", "--json", "--limit", "2", "--before-id", "\(shell)"])))
        let finished = try api.cliJSON(["list-jobs", "--json", "--state", "completed,failed"])
        #expect(try sameJSON(try api.call("GET", "/api/v1/jobs?state=completed&state=failed").json, finished))
        #expect(try sameJSON(try api.call("GET", "/api/v1/jobs?state=completed,dead").json, finished))
        let narrowed = try api.call("GET", "/api/v1/jobs?queue=mail&task=noop&state=pending").array
        #expect(narrowed.count == 1 && (narrowed.first as? [String: Any])?["id"] as? Int == mail)

        // POST /api/v1/jobs/retry: retry --state failed [--dry-run] --json.
        let dry = try api.call("POST", "/api/v1/jobs/retry", json: #"{"states":["failed"],"dry_run":true}"#)
        #expect(try dry.status == 200 && sameJSON(dry.json, try api.cliJSON(["retry", "--state", "failed", "--dry-run", "--json"])), "\(dry)")
        let retried = try api.call("POST", "/api/v1/jobs/retry")
        #expect(retried.status == 200 && sameJSON(retried.json, ["dry_run": false, "count": 1, "jobs": [failing], "skipped": []] as [String: Any]), "\(retried)")
        #expect(try api.cli.jobState("\(failing)") == "pending")

        // POST /api/v1/jobs/{id}/retry (?again=true or {"again": true}) and /cancel: the job afterwards.
        let rerun = try api.call("POST", "/api/v1/jobs/\(hello)/retry?again=true")
        #expect(try rerun.status == 200 && rerun.object["state"] as? String == "pending" && sameJSON(rerun.json, try withoutHistory(hello)), "\(rerun)")
        let rerunBody = try api.call("POST", "/api/v1/jobs/\(keyed)/retry", json: #"{"again":true}"#)
        #expect(rerunBody.status == 200 && rerunBody.object["state"] as? String == "pending", "\(rerunBody)")
        let cancelled = try api.call("POST", "/api/v1/jobs/\(mail)/cancel")
        #expect(try cancelled.status == 200 && cancelled.object["state"] as? String == "cancelled" && sameJSON(cancelled.json, try withoutHistory(mail)))

        // GET /api/v1/stats, /queues; POST /queues/{name}/pause|resume.
        let stats = try api.call("GET", "/api/v1/stats")
        #expect(try stats.status == 200 && sameJSON(stats.json, try api.cliJSON(["stats", "--json"])), "\(stats)")
        #expect(stats.object["total"] as? Int == 5)
        let paused = try api.call("POST", "/api/v1/queues/mail/pause")
        #expect(sameJSON(paused.json, ["name": "mail", "paused": true, "changed": true] as [String: Any]), "\(paused)")
        #expect(try sameJSON(try api.call("POST", "/api/v1/queues/mail/pause").json, ["name": "mail", "paused": true, "changed": false] as [String: Any]))
        // `oldest_waiting_ms` grows between the two reads: compared apart.
        func steady(_ value: Any?) -> [[String: Any]] {
            (value as? [[String: Any]] ?? []).map { queue in
                #expect(queue["oldest_waiting_ms"] is Int || queue["oldest_waiting_ms"] is NSNull)
                return queue.filter { $0.key != "oldest_waiting_ms" }
            }
        }
        let queues = try api.call("GET", "/api/v1/queues")
        #expect(try queues.array.count == 2 && sameJSON(steady(queues.json), steady(try api.cliJSON(["queue", "list", "--json"]))), "\(queues)")
        #expect(queues.array.compactMap { $0 as? [String: Any] }.first { $0["name"] as? String == "mail" }?["paused"] as? Bool == true)
        #expect(try sameJSON(try api.call("POST", "/api/v1/queues/mail/resume").json, ["name": "mail", "paused": false, "changed": true] as [String: Any]))

        // GET /api/v1/schedules; POST /schedules/{name}/pause|resume.
        #expect(try api.cli.run(["schedule", "add", "nightly", "--cron", "0 3 * * *", "--task", "noop"]).status == 0)
        let schedules = try api.call("GET", "/api/v1/schedules")
        #expect(try schedules.status == 200 && sameJSON(schedules.json, try api.cliJSON(["schedule", "list", "--json"])), "\(schedules)")
        let pausedSchedule = try api.call("POST", "/api/v1/schedules/nightly/pause")
        #expect(sameJSON(pausedSchedule.json, ["name": "nightly", "paused": true, "changed": true] as [String: Any]), "\(pausedSchedule)")
        #expect(try (try api.call("GET", "/api/v1/schedules?next=1").array.first as? [String: Any])?["paused"] as? Bool == true)
        #expect(try sameJSON(try api.call("POST", "/api/v1/schedules/nightly/resume").json, ["name": "nightly", "paused": false, "changed": true] as [String: Any]))
        #expect(try sameJSON(try api.call("POST", "/api/v1/schedules/nightly/resume").json, ["name": "nightly", "paused": false, "changed": false] as [String: Any]))

        // GET /api/v1/workers (?all=true), /tasks.
        let workers = try api.call("GET", "/api/v1/workers?all=true")
        #expect(try workers.status == 200 && sameJSON(workers.json, try api.cliJSON(["workers", "--all", "--json"])), "\(workers)")
        #expect(try sameJSON(try api.call("GET", "/api/v1/workers").json, try api.cliJSON(["workers", "--json"])))
        let tasks = try api.call("GET", "/api/v1/tasks")
        #expect(try tasks.status == 200 && sameJSON(tasks.json, try api.cliJSON(["list-tasks", "--json"])), "\(tasks)")

        // The OpenAPI document names every route; the health checks answer without a login.
        let document = try api.call("GET", "/api/openapi.json")
        #expect(document.status == 200 && document.object["openapi"] as? String == "3.1.0")
        let paths = Set((document.object["paths"] as? [String: Any] ?? [:]).keys)
        for route in ["/api/v1/jobs", "/api/v1/jobs/bulk", "/api/v1/jobs/retry", "/api/v1/jobs/{id}", "/api/v1/jobs/{id}/cancel",
                      "/api/v1/jobs/{id}/retry", "/api/v1/jobs/{id}/output", "/api/v1/stats", "/api/v1/queues",
                      "/api/v1/queues/{name}/pause", "/api/v1/queues/{name}/resume", "/api/v1/schedules",
                      "/api/v1/schedules/{name}/pause", "/api/v1/schedules/{name}/resume", "/api/v1/workers", "/api/v1/tasks",
                      "/health", "/health/ready", "/health/db", "/metrics", "/api/openapi.json"] {
            #expect(paths.contains(route), "openapi.json lacks \(route)")
        }
        #expect(try sameJSON(try api.server.request("GET", "/health").json, ["status": "ok"]))
        #expect(try sameJSON(try api.server.request("GET", "/health/ready").json, ["status": "ready"]))
        #expect(try sameJSON(try api.server.request("GET", "/health/db").json, ["status": "ready"]))

        // create-job's notes come as Warning headers.
        let past = #"{"task":"noop","run_at":"2020-01-01T00:00:00Z"}"#
        for (path, body) in [("/api/v1/jobs", past), ("/api/v1/jobs/bulk", "[\(past)]")] {
            let warned = try api.call("POST", path, json: body)
            #expect(warned.status == 201 && warned.header("Warning")?.hasPrefix(#"299 taskq "schedule time 2020-01-01T00:00:00.000Z is in the past"#) == true, "\(warned.headers)")
            // No worker runs here: the "no live worker" warning create-job prints comes too.
            #expect(warned.header("Warning")?.contains(#"299 taskq "no live worker reads queue 'default'"#) == true, "\(warned.headers)")
        }
    }

    /// Every route but the health checks needs valid credentials; viewers may read but change nothing; a session
    /// must send its CSRF token with an API change.
    @Test(arguments: APIBackend.allCases)
    func credentialsAndRolesAreCheckedOnEveryRoute(backend: APIBackend) throws {
        let api = try APIFixture(backend, viewer: true)
        let expiring = try APIFixture.token(api.cli, user: "admin", extra: ["--expires", "1s"])
        let revokedUnused = try APIFixture.token(api.cli, user: "admin", extra: ["--name", "unused"])
        let revokedUsed = try APIFixture.token(api.cli, user: "admin", extra: ["--name", "used"])
        let tokens = try api.cliJSON(["token", "list", "--json"]) as? [[String: Any]] ?? []
        func tokenID(_ name: String) -> String { "\(tokens.first { $0["name"] as? String == name }?["id"] as? Int ?? 0)" }
        #expect(try api.cli.run(["token", "revoke", tokenID("unused")]).status == 0)
        #expect(try api.server.request("GET", "/api/v1/stats", token: revokedUsed).status == 200)
        #expect(try api.cli.run(["token", "revoke", tokenID("used")]).status == 0)
        let job = try api.cli.run(["create-job", "waiting", "--task", "noop"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try api.cli.run(["schedule", "add", "nightly", "--cron", "0 3 * * *", "--task", "noop"]).status == 0)

        let reads = ["/api/v1/jobs", "/api/v1/jobs/\(job)", "/api/v1/jobs/\(job)/output", "/api/v1/stats", "/api/v1/queues",
                     "/api/v1/schedules", "/api/v1/workers", "/api/v1/tasks", "/api/openapi.json", "/metrics"]
        let changes: [(String, String?)] = [
            ("/api/v1/jobs", #"{"task":"noop"}"#), ("/api/v1/jobs/bulk", #"[{"task":"noop"}]"#), ("/api/v1/jobs/retry", nil),
            ("/api/v1/jobs/\(job)/cancel", nil), ("/api/v1/jobs/\(job)/retry", nil), ("/api/v1/queues/default/pause", nil),
            ("/api/v1/queues/default/resume", nil), ("/api/v1/schedules/nightly/pause", nil), ("/api/v1/schedules/nightly/resume", nil),
        ]
        let before = try api.call("GET", "/api/v1/jobs").text
        // The revoked token was good a moment ago: the server's one-second token cache must have let it go.
        Thread.sleep(forTimeInterval: 1.1)
        let refusals: [(String, [String: String], String)] = [
            ("no credentials", [:], "authentication required"),
            ("an unknown token", ["Authorization": "Bearer tq_notarealtoken"], "invalid API token (unknown or revoked)"),
            ("another scheme", ["Authorization": "Basic YWRtaW46eA=="], "Authorization: Bearer TOKEN"),
            ("a revoked token", ["Authorization": "Bearer \(revokedUnused)"], "invalid API token (unknown or revoked)"),
            ("a token revoked after use", ["Authorization": "Bearer \(revokedUsed)"], "invalid API token (unknown or revoked)"),
            ("an expired token", ["Authorization": "Bearer \(expiring)"], "the API token has expired"),
            ("an unknown session", ["Cookie": "taskq_session=nosuchsession"], "authentication required"),
        ]
        for (what, headers, detail) in refusals {
            for (method, path, body) in reads.map({ ("GET", $0, String?.none) }) + changes.map({ ("POST", $0.0, $0.1) }) {
                let answer = try api.server.request(method, path, headers: headers, json: body)
                #expect(answer.status == 401 && answer.detail?.contains(detail) == true, "\(method) \(path) with \(what): \(answer)")
                #expect(answer.header("WWW-Authenticate") == #"Bearer realm="taskq""#)
            }
        }
        let viewer = api.viewer ?? ""
        for path in reads {
            let answer = try api.server.request("GET", path, token: viewer)
            #expect(answer.status == 200, "viewer GET \(path): \(answer)")
        }
        for (path, body) in changes {
            let answer = try api.server.request("POST", path, token: viewer, json: body)
            #expect(answer.status == 403 && answer.detail == "viewers cannot change anything: this needs an admin", "viewer POST \(path): \(answer)")
        }
        // Nothing above changed anything.
        #expect(try api.call("GET", "/api/v1/jobs").text == before)
        #expect(try api.call("GET", "/api/v1/queues").text.contains(#""paused":true"#) == false)
        #expect(try (try api.call("GET", "/api/v1/schedules").array.first as? [String: Any])?["paused"] as? Bool == false)

        // A dashboard session reads the API; its changes need the session's X-CSRF-Token.
        let session = try api.login()
        let cookie = ["Cookie": "taskq_session=\(session.cookie)"]
        #expect(try api.server.request("GET", "/api/v1/stats", headers: cookie).status == 200)
        for headers in [cookie, cookie.merging(["X-CSRF-Token": "wrong"]) { $1 }] {
            let answer = try api.server.request("POST", "/api/v1/queues/default/pause", headers: headers)
            #expect(answer.status == 403 && answer.detail == "missing or wrong X-CSRF-Token for this session", "\(answer)")
        }
        // Other spellings of the same route (the router skips empty segments) are no way around the token.
        for path in ["//api/v1/queues/default/pause", "/api//v1/queues/default/pause", "/./api/v1/queues/default/pause",
                     "/api/v1/../v1/queues/default/pause"] {
            let answer = try api.server.request("POST", path, headers: cookie)
            #expect(answer.status == 404, "POST \(path): \(answer)")
            #expect(try api.server.request("GET", path.replacingOccurrences(of: "queues/default/pause", with: "stats"), headers: cookie).status == 404)
        }
        #expect(try api.call("GET", "/api/v1/queues").text.contains(#""paused":true"#) == false)
        let allowed = try api.server.request("POST", "/api/v1/queues/default/pause", headers: cookie.merging(["X-CSRF-Token": session.csrf]) { $1 })
        #expect(allowed.status == 200 && allowed.object["paused"] as? Bool == true, "\(allowed)")

        // Sessions follow the users in the store: a viewer's session ends when the user is removed, an admin's when
        // the password changes (each seen within the server's one-second user cache).
        let watcher = ["Cookie": "taskq_session=\(try api.login(user: "watcher").cookie)"]
        #expect(try api.server.request("GET", "/api/v1/stats", headers: watcher).status == 200)
        #expect(try api.cli.run(["user", "remove", "watcher"]).status == 0)
        api.cli.environment["TASKQ_SUPERUSER_PASSWORD"] = "another horse battery staple"
        #expect(try api.cli.run(["changepassword", "admin", "--noinput"]).status == 0)
        Thread.sleep(forTimeInterval: 1.1)
        for headers in [watcher, cookie] {
            let ended = try api.server.request("GET", "/api/v1/stats", headers: headers)
            #expect(ended.status == 401, "\(headers): \(ended)")
        }
        #expect(try api.call("GET", "/api/v1/stats").status == 200)
    }

    /// Malformed, mistyped, oversized and mislabelled bodies, bad values, unknown jobs and state conflicts: each is
    /// the right status with the CLI's one-line message, and none writes anything.
    @Test(arguments: APIBackend.allCases)
    func badRequestsAreRefusedWithTheCLIMessagesAndChangeNothing(backend: APIBackend) throws {
        let api = try APIFixture(backend, serve: ["--max-body", "4KiB", "--log-format", "json"])
        let done = try api.cli.run(["create-job", "done", "--task", "noop"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try api.cli.run(["run-worker", "--burst"]).status == 0)
        let waiting = try api.cli.run(["create-job", "waiting", "--task", "noop"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        func snapshot() throws -> [String] {
            try ["/api/v1/jobs?limit=1000", "/api/v1/stats", "/api/v1/schedules"].map { try api.call("GET", $0).text }
                + [try api.call("GET", "/api/v1/queues").array.map { ($0 as? [String: Any])?["paused"] as? Bool == true }.description]
        }
        let before = try snapshot()
        #expect(before[0].contains(#""state":"completed""#) && before[0].contains(#""state":"pending""#))

        let big = #"{"task":"noop","args":{"pad":""# + String(repeating: "x", count: 5000) + #""}}"#
        let bigList = "[" + Array(repeating: #"{"task":"noop"}"#, count: 300).joined(separator: ",") + "]"
        let cases: [(method: String, path: String, body: String?, type: String?, status: Int, detail: String)] = [
            ("POST", "/api/v1/jobs", #"{"task":"#, nil, 400, "body is not valid JSON"),
            ("POST", "/api/v1/jobs", "", nil, 400, "the request body is empty: expected JSON"),
            ("POST", "/api/v1/jobs", #"{"task":"noop","max_retries":"three"}"#, nil, 422, "'max_retries' must be an integer"),
            ("POST", "/api/v1/jobs", #"{"task":"noop","command":"ls"}"#, nil, 422, "'command' must be an array of strings (argv)"),
            ("POST", "/api/v1/jobs", #"{"task":"noop","colour":"red"}"#, nil, 422, "unknown field 'colour'"),
            ("POST", "/api/v1/jobs", #"{"task":"noop","args":[1]}"#, nil, 422, "args must be a JSON object, got an array"),
            ("POST", "/api/v1/jobs", #"[{"task":"noop"}]"#, nil, 422, "expected a JSON object describing one job (a list goes to /api/v1/jobs/bulk)"),
            ("POST", "/api/v1/jobs", #"{"task":"noop","priority":"urgent"}"#, nil, 422,
             try api.cliError(["create-job", "x", "--task", "noop", "--priority", "urgent"])),
            ("POST", "/api/v1/jobs", #"{"task":"no-such-task"}"#, nil, 422, "unknown task 'no-such-task'"),
            // The API has no force: the hint names what works instead.
            ("POST", "/api/v1/jobs", #"{"task":"no-such-task"}"#, nil, 422, "start a worker that announces it"),
            ("POST", "/api/v1/jobs", #"{"task":"noop","run_at":"2030-01-01T00:00:00Z","in":"5m"}"#, nil, 422, "not both"),
            ("POST", "/api/v1/jobs", #"{"task":"noop"}"#, "text/plain", 415, "send the body as application/json"),
            ("POST", "/api/v1/jobs", #"{"task":"noop"}"#, "application/jsonp", 415, "send the body as application/json"),
            ("POST", "/api/v1/jobs", big, nil, 413, "the request body is larger than 4 KiB"),
            ("POST", "/api/v1/jobs/bulk", #"[{"task":"noop"},{"task":"noop","priority":"urgent"}]"#, nil, 422, "job 2: invalid priority 'urgent'"),
            ("POST", "/api/v1/jobs/bulk", #"[{"task":"noop","colour":1}]"#, nil, 422, "job 1: unknown field 'colour'"),
            ("POST", "/api/v1/jobs/bulk", #"[{"task":"nope"}]"#, nil, 422, "job 1: unknown task 'nope'"),
            ("POST", "/api/v1/jobs/bulk", "[]", nil, 422, "the list of jobs is empty"),
            ("POST", "/api/v1/jobs/bulk", #"{"jobs":[{"task":"noop"}],"more":1}"#, nil, 422, "expected a JSON array of job objects"),
            ("POST", "/api/v1/jobs/bulk", "[", nil, 400, "body is not valid JSON"),
            ("POST", "/api/v1/jobs/bulk", bigList, nil, 413, "the request body is larger than 4 KiB"),
            ("POST", "/api/v1/jobs/bulk", #"[{"task":"noop"}]"#, "application/x-www-form-urlencoded", 415, "send the body as application/json"),
            ("POST", "/api/v1/jobs/\(done)/retry", #"{"again":"yes"}"#, nil, 422, "'again' must be true or false"),
            ("POST", "/api/v1/jobs/\(done)/retry", #"{"again":true,"now":1}"#, nil, 422, #"expected {"again": true|false} or no body"#),
            ("POST", "/api/v1/jobs/\(done)/retry", "{", nil, 400, "body is not valid JSON"),
            ("POST", "/api/v1/jobs/\(done)/retry", #"{"again":true}"#, "text/plain", 415, "send the body as application/json"),
            ("POST", "/api/v1/jobs/\(done)/retry?again=maybe", nil, nil, 400, "invalid again 'maybe': expected true or false"),
            ("POST", "/api/v1/jobs/retry", #"{"states":["pending"]}"#, nil, 422, "bulk retry takes failed or cancelled"),
            ("POST", "/api/v1/jobs/retry", #"{"states":"failed"}"#, nil, 422, "'states' must be a non-empty array of state names"),
            ("POST", "/api/v1/jobs/retry", #"{"dry_run":"no"}"#, nil, 422, "'dry_run' must be true or false"),
            ("POST", "/api/v1/jobs/retry", #"{"colour":1}"#, nil, 422, "unknown field 'colour'"),
            ("GET", "/api/v1/jobs?limit=0", nil, nil, 400, "invalid limit '0': expected an integer 1-1000"),
            ("GET", "/api/v1/jobs?limit=1001", nil, nil, 400, "invalid limit '1001': expected an integer 1-1000"),
            ("GET", "/api/v1/jobs?before_id=x", nil, nil, 400, "invalid before_id 'x': expected an integer at least 1"),
            ("GET", "/api/v1/jobs?state=bogus", nil, nil, 400, try api.cliError(["list-jobs", "--state", "bogus"])),
            ("GET", "/api/v1/jobs?state=", nil, nil, 400, "empty state value"),
            ("GET", "/api/v1/jobs/\(done)/output?attempt=5", nil, nil, 404, "job \(done) has no attempt 5 (attempts so far: 1)"),
            ("GET", "/api/v1/jobs/abc", nil, nil, 400, try api.cliError(["show-job", "abc"])),
            ("GET", "/api/v1/jobs/\(waiting)/output?stream=both", nil, nil, 400, "invalid stream 'both': expected stdout or stderr"),
            ("GET", "/api/v1/jobs/\(done)/output?steam=stderr", nil, nil, 400, "unknown query parameter 'steam' (this endpoint takes stream, attempt)"),
            ("POST", "/api/v1/jobs/\(done)/retry", nil, nil, 409, "job \(done) is completed; run it once more with ?again=true"),
            ("GET", "/api/v1/schedules?next=-1", nil, nil, 400, "invalid next '-1': expected an integer 0-1000"),
            ("GET", "/api/v1/workers?all=perhaps", nil, nil, 400, "invalid all 'perhaps': expected true or false (or 1, 0, yes, no)"),
            ("GET", "/api/v1/jobs?limit=2&limit=3", nil, nil, 400, "query parameter 'limit' is given more than once"),
            ("POST", "/api/v1/jobs", #"{"task":"noop","max_retries":"5"}"#, nil, 422, "'max_retries' must be an integer"),
            ("GET", "/api/v1/jobs/999", nil, nil, 404, try api.cliError(["show-job", "999"])),
            ("GET", "/api/v1/jobs/999/output", nil, nil, 404, try api.cliError(["show-job", "999"])),
            ("POST", "/api/v1/jobs/999/cancel", nil, nil, 404, try api.cliError(["cancel", "999"])),
            ("POST", "/api/v1/jobs/999/retry", nil, nil, 404, try api.cliError(["retry", "999"])),
            ("POST", "/api/v1/jobs/\(done)/cancel", nil, nil, 409, try api.cliError(["cancel", done])),
            ("POST", "/api/v1/jobs/\(waiting)/retry", nil, nil, 409, try api.cliError(["retry", waiting])),
            ("POST", "/api/v1/queues/bad%20name/pause", nil, nil, 400, try api.cliError(["queue", "pause", "bad name"])),
            ("POST", "/api/v1/schedules/nope/pause", nil, nil, 404, try api.cliError(["schedule", "pause", "nope"])),
            ("GET", "/api/v1/nothing-here", nil, nil, 404, "no such page or route"),
            ("DELETE", "/api/v1/jobs/\(waiting)", nil, nil, 405, "DELETE is not allowed here: use GET, HEAD"),
            ("GET", "/api/v1/jobs/bulk", nil, nil, 405, "GET is not allowed here: use POST"),
        ]
        for c in cases {
            var headers: [String: String] = [:]
            if let body = c.body { headers["Content-Type"] = c.type ?? "application/json"; _ = body }
            let answer = try api.server.request(c.method, c.path, token: api.admin, headers: headers, body: c.body.map { Data($0.utf8) })
            #expect(answer.status == c.status, "\(c.method) \(c.path) \(c.body?.prefix(80) ?? ""): \(answer)")
            #expect(answer.header("Content-Type") == "application/problem+json" && answer.object["status"] as? Int == c.status)
            #expect(answer.detail?.contains(c.detail) == true, "\(c.method) \(c.path): detail \(answer.detail ?? "none"), expected \(c.detail)")
            #expect(answer.detail?.contains("\n") == false)
            #expect(try snapshot() == before, "\(c.method) \(c.path) changed the store")
        }
        #expect(try api.server.request("PUT", "/api/v1/queues/default/pause", token: api.admin).header("Allow") == "POST")
        // The access log names the user of refused requests too, and never a token.
        let log = api.server.log
        #expect(log.contains(#""message":"POST /api/v1/jobs/999/cancel 404"#) && log.contains(#"404 "#))
        let refused = log.split(separator: "\n").filter { $0.contains(#""message":"POST /api/v1/jobs/999/cancel 404"#) }
        #expect(refused.count == 1 && refused.allSatisfy { $0.contains(#""user":"admin""#) }, "\(refused)")
        #expect(!log.contains(api.admin))
    }

    /// Found by a new-user sweep: HEAD is answered like GET without a body; the text access log names the user; a
    /// body that is not UTF-8 is refused; a misspelt list filter is refused instead of listing every job; a key
    /// given twice in args keeps its last value on every backend; bulk retry honours a task filter and checks its
    /// queue name.
    @Test(arguments: APIBackend.allCases)
    func sweepFindingsOnTheAPI(backend: APIBackend) throws {
        let api = try APIFixture(backend)
        var heads: [String: HTTPAnswer] = [:]
        for path in ["/health", "/api/v1/stats", "/login"] {
            heads[path] = try api.call("HEAD", path)
            #expect(heads[path]?.status == 200, "HEAD \(path): \(String(describing: heads[path]))")
        }
        // The event streams are GET only, and say so.
        let session = try api.login()
        let streamHead = try api.server.request("HEAD", "/events/overview", headers: ["Cookie": "taskq_session=\(session.cookie)"])
        #expect(streamHead.status == 405 && streamHead.header("Allow") == "GET", "\(streamHead)")
        // Every API route refuses a query parameter it does not take (a misspelt one must not be ignored).
        for path in ["/api/v1/stats?foo=1", "/api/v1/workers?al=true", "/api/v1/schedules?nxt=5", "/api/v1/queues?x=1", "/api/v1/tasks?x=1"] {
            let answer = try api.call("GET", path)
            #expect(answer.status == 400 && answer.detail?.hasPrefix("unknown query parameter") == true, "\(path): \(answer)")
        }
        #expect(try api.call("GET", "/api/v1/workers?all=true").status == 200)
        #expect(try api.call("GET", "/api/v1/schedules?next=5").status == 200)
        #expect(try api.call("HEAD", "/api/v1/jobs/999").status == 404)
        #expect(api.server.log.contains("GET /api/v1/stats 200") == false && api.server.log.contains("HEAD /api/v1/stats 200"))
        #expect(api.server.log.contains(" by admin"), "\(api.server.log.suffix(500))")
        for (path, head) in heads {  // the GET answer's length, without its body
            #expect(head.header("Content-Length") == String(try api.call("GET", path).body.count), "HEAD \(path): \(head)")
        }

        let notUTF8 = try api.server.request("POST", "/api/v1/jobs", token: api.admin, headers: ["Content-Type": "application/json"],
                                             body: Data(#"{"task":"noop","name":""#.utf8) + Data([0xFF, 0xFE]) + Data(#""}"#.utf8))
        #expect(notUTF8.status == 400 && notUTF8.object["detail"] as? String == "the request body is not valid UTF-8", "\(notUTF8)")
        let misspelt = try api.call("GET", "/api/v1/jobs?status=failed")
        #expect(misspelt.status == 400 && (misspelt.object["detail"] as? String ?? "").contains("unknown query parameter 'status'"))

        let created = try api.call("POST", "/api/v1/jobs", json: #"{"name":"d","task":"echo","args":{"b":1,"a":1,"a":2}}"#)
        #expect(created.status == 201)
        let id = created.object["id"] as? Int ?? 0
        let stored = try api.call("GET", "/api/v1/jobs/\(id)").object["args"] as? [String: Int]
        #expect(created.object["args"] as? [String: Int] == ["a": 2, "b": 1] && stored == ["a": 2, "b": 1], "\(created)")

        for task in ["fail", "fail", "echo"] {
            #expect(try api.cli.run(["create-job", "x", "--task", task, "--max-retries", "0", "--args", #"{"message":"m"}"#]).status == 0)
        }
        #expect(try api.cli.run(["run-worker", "--burst"]).status == 0)
        let failed = try api.call("POST", "/api/v1/jobs/retry", json: #"{"task":"echo","dry_run":true}"#)
        #expect(failed.status == 200 && failed.object["count"] as? Int == 0, "\(failed)")
        let retried = try api.call("POST", "/api/v1/jobs/retry", json: #"{"task":"fail"}"#)
        #expect(retried.status == 200 && retried.object["count"] as? Int == 2, "\(retried)")
        #expect(try api.call("POST", "/api/v1/jobs/retry", json: #"{"queue":"bad name"}"#).status == 422)
    }

    /// `--idle-timeout`: a client that stops halfway through a request head or body, and a keep-alive connection
    /// left idle, are closed once it has passed; an event stream (a response being written) stays open and live.
    @Test func silentClientsAreClosedButEventStreamsStay() throws {
        let api = try APIFixture(.sqlite, serve: ["--idle-timeout", "1s"])
        let session = try api.login()
        let stream = try HTTPConnection(port: api.server.port)
        try stream.send(HTTPConnection.head("GET", "/events/overview", headers: ["Cookie": "taskq_session=\(session.cookie)"], bodyLength: nil))
        #expect(stream.read(until: "retry: 2000"), "the event stream did not start: \(stream.received)")

        let start = Date()
        let halfHead = try HTTPConnection(port: api.server.port)
        try halfHead.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        let stalledBody = try HTTPConnection(port: api.server.port)
        try stalledBody.send(HTTPConnection.head("POST", "/api/v1/jobs", headers: ["Authorization": "Bearer \(api.admin)",
                                                                                  "Content-Type": "application/json"], bodyLength: 100))
        try stalledBody.send(#"{"task":"#)
        let keptAlive = try HTTPConnection(port: api.server.port)
        try keptAlive.send(HTTPConnection.head("GET", "/health", headers: [:], bodyLength: nil))
        #expect(try keptAlive.response().status == 200)
        for (name, connection) in [("half a head", halfHead), ("a stalled body", stalledBody), ("an idle keep-alive", keptAlive)] {
            connection.readToEnd(seconds: 10)
            #expect(Date().timeIntervalSince(start) < 6, "\(name) was not closed")
        }
        #expect(!halfHead.received.contains("200 OK"))

        // Well past the idle timeout the stream is still connected and still pushes changes.
        Thread.sleep(forTimeInterval: max(0, 2.5 - Date().timeIntervalSince(start)))
        #expect(try api.call("POST", "/api/v1/jobs", json: #"{"task":"noop","queue":"idle-check"}"#).status == 201)
        #expect(stream.read(until: "idle-check", seconds: 10), "the event stream was cut: \(stream.received.suffix(300))")
        #expect(try api.server.terminate().status == 0)
    }

    /// SIGTERM lets a request in flight finish, ends open event streams, cuts off a client that stalls past the
    /// grace period, and exits 0 within seconds.
    @Test(arguments: APIBackend.allCases)
    func sigtermFinishesRequestsInFlightEndsStreamsAndExitsZero(backend: APIBackend) throws {
        let api = try APIFixture(backend, serve: ["--shutdown-grace", "1500ms"])
        let session = try api.login()
        let stream = try HTTPConnection(port: api.server.port)
        try stream.send(HTTPConnection.head("GET", "/events/overview", headers: ["Cookie": "taskq_session=\(session.cookie)"], bodyLength: nil))
        #expect(stream.read(until: "retry: 2000"), "the event stream did not start: \(stream.received)")

        // A bulk request whose body is still arriving when SIGTERM comes, and one that never finishes its body.
        let count = 1000
        let body = Data(("[" + (0..<count).map { #"{"task":"noop","name":"n\#($0)"}"# }.joined(separator: ",") + "]").utf8)
        let inFlight = try HTTPConnection(port: api.server.port)
        try inFlight.send(HTTPConnection.head("POST", "/api/v1/jobs/bulk", headers: ["Authorization": "Bearer \(api.admin)",
                                                                                    "Content-Type": "application/json"], bodyLength: body.count))
        try inFlight.send(body.prefix(body.count - 100))
        let stalled = try HTTPConnection(port: api.server.port)
        try stalled.send(HTTPConnection.head("POST", "/api/v1/jobs", headers: ["Authorization": "Bearer \(api.admin)",
                                                                              "Content-Type": "application/json"], bodyLength: 100))
        try stalled.send(#"{"task":"#)
        Thread.sleep(forTimeInterval: 0.3)

        let start = Date()
        api.server.process.signal(SIGTERM)
        Thread.sleep(forTimeInterval: 0.2)
        try inFlight.send(body.suffix(100))
        let answer = try inFlight.response()
        #expect(answer.status == 201 && answer.array.count == count, "\(answer)")
        stream.readToEnd()
        #expect(stream.received.contains("event: end"), "\(stream.received.suffix(300))")
        let result = try api.server.process.wait(timeout: 20)
        let seconds = Date().timeIntervalSince(start)
        #expect(result.status == 0, "\(result.stderr.suffix(1000))")
        #expect(seconds < 6, "took \(seconds) s to exit")
        stalled.readToEnd()
        #expect(stalled.received.isEmpty || stalled.received.hasPrefix("HTTP/1.1 503"), "\(stalled.received)")
        #expect(!result.stderr.contains(" 500 ") && !result.stderr.contains("internal error"), "\(result.stderr.suffix(1000))")
        // The finished request's jobs are all there; the cut-off one wrote nothing.
        #expect(try (try api.cliJSON(["stats", "--json"]) as? [String: Any])?["total"] as? Int == count)
    }

    /// /health needs nothing; /health/ready reads the store each time (503 with the reason while its schema is not
    /// one this taskq can use); /metrics needs a login unless --public-metrics; serve refuses an unmigrated store.
    @Test(arguments: APIBackend.allCases)
    func healthReadinessAndMetrics(backend: APIBackend) throws {
        let api = try APIFixture(backend)
        #expect(try sameJSON(try api.server.request("GET", "/health").json, ["status": "ok"]))
        #expect(try sameJSON(try api.server.request("GET", "/health/ready").json, ["status": "ready"]))
        #expect(try api.call("POST", "/api/v1/jobs", json: #"{"task":"noop","queue":"reports"}"#).status == 201)

        let anonymous = try api.server.request("GET", "/metrics")
        #expect(anonymous.status == 401, "\(anonymous)")
        let metrics = try api.call("GET", "/metrics")
        #expect(metrics.status == 200 && metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
        #expect(metrics.text.contains(#"taskq_jobs{queue="reports",state="pending"} 1"#), "\(metrics.text.prefix(2000))")
        #expect(metrics.text.contains(#"taskq_jobs{queue="reports",state="failed"} 0"#))

        // A newer taskq migrates the store under the running server: not ready, saying why; back again: ready.
        let (future, restore) = try schemaTamper(backend, api.cli)
        commandOutputOrFail(future)
        let notReady = try api.server.request("GET", "/health/ready")
        #expect(notReady.status == 503 && notReady.detail?.hasPrefix("not ready: ") == true && notReady.detail?.contains("upgrade taskq") == true, "\(notReady)")
        #expect(try api.server.request("GET", "/health/db").status == 503)
        // `migrate --list` shows the newer version it does not know, and says what to do.
        let listed = try api.cli.run(["migrate", "--list", "--json"])
        let rows = ((listed.json as? [String: Any])?["migrations"] as? [[String: Any]]) ?? []
        #expect(listed.status == 0 && rows.last?["known"] as? Bool == false && rows.last?["applied"] as? Bool == true, "\(listed.stdout)")
        #expect(listed.stderr.contains("newer than this taskq knows: upgrade taskq"), "\(listed.stderr)")
        commandOutputOrFail(restore)
        #expect(try api.server.request("GET", "/health/ready").status == 200)

        #expect(try api.server.terminate().status == 0)
        api.server = try ServeProcess(cli: api.cli, arguments: ["--public-metrics"])
        #expect(try api.server.request("GET", "/metrics").text.contains(#"taskq_jobs{queue="reports",state="pending"} 1"#))

        // A store without the schema: serve does not start, and says what to do in one line (exit 69).
        let fresh = try backend.cli()
        let refused = try fresh.run(["serve", "--bind", "127.0.0.1:0"], timeout: 30)
        #expect(refused.status == 69 && refused.stderr.contains("taskq migrate"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    }

    /// With its Redis server down, the server stays up: not ready (503, within the 2 s budget), API reads 503 with
    /// Retry-After; ready again once Redis is back. Callers without credentials learn that the store is down, not
    /// where it is (docs/server.md#store-errors); the server's log has the whole line. The login page suggests
    /// createsuperuser only while there is no user; the bound address is on stdout whatever the log level.
    @Test func readinessFollowsTheStoreGoingDownAndComingBack() throws {
        let redis = try TestServers.dedicatedRedis()
        let cli = try CLI()
        cli.databaseURL = redis.url + "?prefix=ready"
        cli.environment["TASKQ_SUPERUSER_PASSWORD"] = APIFixture.password
        #expect(try cli.run(["migrate"]).status == 0)
        let quiet = try cli.start(["serve", "--bind", "127.0.0.1:0", "--log-level", "warning"])
        try cli.waitUntil(15, "the address on stdout") { quiet.stdoutText.hasSuffix("/\n") }
        let address = quiet.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(address.hasPrefix("http://127.0.0.1:") && !address.hasSuffix(":0/"), "\(address)")
        #expect(!quiet.stderrText.contains("serving on"))
        let quietPort = Int(address.dropFirst("http://127.0.0.1:".count).dropLast())!
        let connection = try HTTPConnection(port: quietPort)
        try connection.send(HTTPConnection.head("GET", "/login", headers: ["Connection": "close"], bodyLength: nil))
        let firstLogin = try connection.response()
        #expect(firstLogin.status == 200 && firstLogin.text.contains("taskq createsuperuser"), "\(firstLogin.text.prefix(2000))")
        quiet.signal(SIGTERM)
        #expect(try quiet.wait(timeout: 20).status == 0)

        #expect(try cli.run(["createsuperuser", "--noinput", "--username", "admin", "--email", "a@example.com"]).status == 0)
        let token = try APIFixture.token(cli, user: "admin")
        let server = try ServeProcess(cli: cli, arguments: ["--read-timeout", "1s"])
        #expect(server.process.stdoutText == "http://127.0.0.1:\(server.port)/\n")
        let login = try server.request("GET", "/login")
        #expect(login.status == 200 && !login.text.contains("createsuperuser"), "\(login.text.prefix(2000))")
        #expect(try server.request("GET", "/health/ready").status == 200)
        #expect(try server.request("GET", "/api/v1/stats", token: token).status == 200)
        let stream = try HTTPConnection(port: server.port)
        try stream.send(HTTPConnection.head("GET", "/events/overview", headers: ["Authorization": "Bearer \(token)"], bodyLength: nil))
        #expect(stream.read(until: "event: update"), "the event stream did not start: \(stream.received)")
        // A dashboard session's stream too: each tick also checks the session's user in the store.
        let session = try server.login()
        let sessionStream = try HTTPConnection(port: server.port)
        try sessionStream.send(HTTPConnection.head("GET", "/events/overview", headers: ["Cookie": "taskq_session=\(session.cookie)"], bodyLength: nil))
        #expect(sessionStream.read(until: "event: update"), "the session's event stream did not start: \(sessionStream.received)")

        // A store that hangs (stopped, not down): a read gets 503 after --read-timeout instead of hanging with it, and
        // the live page is told its figures are stale.
        let port = redis.url.split(separator: ":").last!.split(separator: "/").first!
        let pid = commandOutput("redis-cli -p \(port) info server").split(whereSeparator: \.isNewline)
            .first { $0.hasPrefix("process_id:") }.flatMap { Int32($0.dropFirst("process_id:".count).trimmingCharacters(in: .whitespacesAndNewlines)) }
        let redisPID = try #require(pid)
        kill(redisPID, SIGSTOP)
        let hangStart = Date()
        let hung = try server.request("GET", "/api/v1/stats", token: token)
        #expect(hung.status == 503 && hung.header("Retry-After") == "1" && hung.detail == "the store did not answer within 1s", "\(hung)")
        #expect(Date().timeIntervalSince(hangStart) < 5)
        let staleWhileHung = stream.read(until: "event: stale", seconds: 10)
        let sessionStaleWhileHung = sessionStream.read(until: "event: stale", seconds: 10)
        kill(redisPID, SIGCONT)
        #expect(staleWhileHung, "no stale event while the store hung: \(stream.received.suffix(300))")
        #expect(sessionStaleWhileHung, "no stale event on the session's stream: \(sessionStream.received.suffix(300))")
        #expect(stream.read(until: "event: fresh", seconds: 15), "no fresh event once the store answered: \(stream.received.suffix(300))")
        #expect(sessionStream.read(until: "event: fresh", seconds: 15), "no fresh event on the session's stream")
        try cli.waitUntil(10, "answers again") { (try? server.request("GET", "/api/v1/stats", token: token).status) == 200 }

        _ = commandOutput("redis-cli -p \(port) shutdown nosave")
        let start = Date()
        let down = try server.request("GET", "/health/ready")
        #expect(down.status == 503 && down.detail == "not ready: the store cannot be used right now (taskq serve's log says why)", "\(down)")
        #expect(Date().timeIntervalSince(start) < 3.5)
        let stats = try server.request("GET", "/api/v1/stats", token: token)
        #expect(stats.status == 503 && stats.header("Retry-After") == "1", "\(stats)")
        #expect(stats.detail?.contains("127.0.0.1:\(port)") == true, "a logged-in caller gets the CLI's line: \(stats)")
        // Still so once the token's check (cached a second) needs the store again: the server checked this token before.
        Thread.sleep(forTimeInterval: 1.2)
        let later = try server.request("GET", "/api/v1/stats", token: token)
        #expect(later.status == 503 && later.detail?.contains("127.0.0.1:\(port)") == true, "\(later)")
        #expect(stream.read(until: "event: stale", occurrence: 2, seconds: 10), "no stale event while the store was down")
        let unknownToken = try server.request("GET", "/api/v1/stats", token: "tq_" + String(repeating: "a", count: 43))
        #expect(unknownToken.status == 503 && unknownToken.detail?.contains("127.0.0.1") == false, "\(unknownToken)")
        let loginPage = try server.request("GET", "/login")
        #expect(loginPage.status == 200 && !loginPage.text.contains("createsuperuser"))
        let anonymousLogin = try server.request("POST", "/login", headers: ["Content-Type": "application/x-www-form-urlencoded",
                                                                            "Cookie": "taskq_login_csrf=x", "Accept": "text/html"],
                                                body: Data("csrf=x&username=admin&password=whatever12".utf8))
        #expect(anonymousLogin.status == 503 && anonymousLogin.text.contains("the store cannot be used right now"), "\(anonymousLogin)")
        #expect(!anonymousLogin.text.contains("127.0.0.1") && !anonymousLogin.text.contains("redis://"), "\(anonymousLogin.text)")
        try cli.waitUntil(5, "the whole reason in the log") { server.process.stderrText.contains("warning POST /login: cannot connect to Redis at redis://") }
        #expect(try server.request("GET", "/health").status == 200)

        try redis.restart()
        try cli.waitUntil(15, "ready again") { (try? server.request("GET", "/health/ready").status) == 200 }
        #expect(stream.read(until: "event: fresh", occurrence: 2, seconds: 15), "no fresh event after the restart")
        #expect(try server.terminate().status == 0)
        // Each outage is one warning in the log, and one note when it is over.
        let log = server.process.stderrText
        #expect(log.components(separatedBy: "live feed: cannot read the store").count - 1 == 2, "\(log.suffix(3000))")
        #expect(log.components(separatedBy: "live feed: the store answers again").count - 1 == 2, "\(log.suffix(3000))")
    }
}

/// Shell commands that make the store's schema newer than this taskq knows, and put it back.
private func schemaTamper(_ backend: APIBackend, _ cli: CLI) throws -> (String, String) {
    let url = cli.databaseURL ?? ""
    switch backend {
    case .sqlite:
        let path = shellQuoted(String(url.dropFirst("sqlite://".count)))
        return ("sqlite3 \(path) \"INSERT INTO taskq_migrations VALUES (9999, 'future', 0)\"",
                "sqlite3 \(path) \"DELETE FROM taskq_migrations WHERE version = 9999\"")
    case .postgres:
        let parts = url.split(separator: "?")
        let (server, schema) = (String(parts[0]), String(parts[1].dropFirst("schema=".count)))
        return ("psql \(shellQuoted(server)) -qAtc \"INSERT INTO \(schema).taskq_migrations VALUES (9999, 'future', 0)\"",
                "psql \(shellQuoted(server)) -qAtc \"DELETE FROM \(schema).taskq_migrations WHERE version = 9999\"")
    case .redis:
        let port = url.split(separator: ":")[2].split(separator: "/")[0]
        let key = shellQuoted("\(url.split(separator: "=").last!):meta")
        let current = commandOutput("redis-cli -p \(port) HGET \(key) layout_version")
        return ("redis-cli -p \(port) HSET \(key) layout_version 99", "redis-cli -p \(port) HSET \(key) layout_version \(current)")
    }
}

private func commandOutputOrFail(_ command: String) {
    let status = system(command + " >/dev/null")
    #expect(status == 0, "`\(command)` failed")
}
