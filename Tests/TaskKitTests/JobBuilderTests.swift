import Testing
@testable import TaskKit

@Suite("JobBuilder: flags over named task over [defaults] over built-in defaults")
struct JobBuilderTests {
    let config: TaskqConfig = try! TaskqConfig(json: JSONValue.parse("""
        {"defaults": {"queue": "work", "max_retries": 5},
         "tasks": {"backup": {"command": ["tar", "czf", "{dest}", "/etc"], "queue": "maintenance", "priority": "high", "timeout": "10m"},
                   "nap": {"builtin": "sleep", "args": {"seconds": 2}}}}
        """))

    func build(_ configure: (inout JobRequest) -> Void, force: Bool = false, storeTasks: Set<String> = []) throws -> NewJob {
        var request = JobRequest()
        request.name = "n"
        configure(&request)
        var warnings: [String] = []
        return try JobBuilder(config: config, registry: .standard(config: config), storeTasks: storeTasks, force: force)
            .build(request, now: t0, warnings: &warnings)
    }

    @Test func precedence() throws {
        let dest = JSONValue.obj(("dest", .string("/tmp/x.tgz")))
        let job = try build { $0.task = "backup"; $0.args = dest }
        #expect(job.queue == "maintenance" && job.priority == 8 && job.maxRetries == 5 && job.timeoutMillis == 600_000)
        let flagged = try build { $0.task = "backup"; $0.args = dest; $0.queue = "q"; $0.priority = "low" }
        #expect(flagged.queue == "q" && flagged.priority == 0)
        let plain = try build { $0.task = "echo" }
        #expect(plain.queue == "work" && plain.priority == 5 && plain.retryPolicy.backoff == .exponential)
    }

    @Test func commandMakesAShellTask() throws {
        let job = try build { $0.command = ["ls", "-l"] }
        #expect(job.task == "shell" && job.args["command"] == .array([.string("ls"), .string("-l")]))
        #expect(throws: TaskqError.self) { try build { $0.command = ["ls"]; $0.task = "echo" } }
        #expect(throws: TaskqError.self) { try build { $0.command = ["", "-l"] } }
    }

    /// A job of a command task that leaves a `{key}` of its command without a value is refused when enqueued,
    /// instead of failing every attempt.
    @Test func commandTaskArgumentsAreCheckedAtEnqueue() throws {
        do {
            _ = try build { $0.task = "backup" }
            Issue.record("a backup job without dest was accepted")
        } catch let error as TaskqError {
            #expect(error.exitCode == 64 && error.description.contains("needs argument 'dest'"), "\(error)")
        }
        #expect(throws: TaskqError.self) { try build { $0.task = "backup"; $0.args = .obj(("dest", .null)) } }
        // A file entry named like a built-in does not run (the built-in wins), so it checks nothing.
        let shadowing = try TaskqConfig(json: JSONValue.parse(#"{"tasks": {"echo": {"command": ["echo", "{msg}"]}}}"#))
        var warnings: [String] = []
        var request = JobRequest()
        request.task = "echo"
        #expect(throws: Never.self) {
            try JobBuilder(config: shadowing, registry: .standard(config: shadowing)).build(request, now: t0, warnings: &warnings)
        }
    }

    @Test func badInputIsRefused() {
        #expect(throws: TaskqError.usage(Priority.invalidMessage("11"))) { try build { $0.task = "echo"; $0.priority = "11" } }
        #expect(throws: TaskqError.self) { try build { $0.task = "nope" } }
        #expect(throws: TaskqError.self) { try build { $0.task = "echo"; $0.scheduleAt = "next tuesday" } }
        #expect(throws: TaskqError.self) { try build { $0.task = "echo"; $0.runIn = "soon" } }
        #expect(throws: TaskqError.self) { try build { $0.task = "echo"; $0.backoff = "random" } }
        #expect(throws: TaskqError.self) { try build { $0.task = "echo"; $0.maxRetries = -1 } }
        #expect(throws: TaskqError.self) { try build { $0.task = "shell"; $0.args = .object([]) } }
    }

    /// Names follow one rule wherever they come from (docs/contracts.md#names).
    @Test func namesFollowOneRule() throws {
        let refusals: [(String, (inout JobRequest) -> Void)] = [
            ("job name must not be empty or blank", { $0.name = "   " }),
            ("job name is longer than 200 characters", { $0.name = String(repeating: "x", count: 201) }),
            ("job name 'a\\x1b[2Jb' contains control characters", { $0.name = "a\u{1B}[2Jb" }),
            ("invalid queue name 'a,b': use letters, digits, '.', '_', '-' and ':' only", { $0.queue = "a,b" }),
            ("queue name is longer than 64 characters", { $0.queue = String(repeating: "q", count: 65) }),
            ("invalid queue name 'mails ': use letters, digits, '.', '_', '-' and ':' only", { $0.queue = "mails " }),
            ("invalid queue name '..': a name of dots only would be a path segment; add a letter or digit", { $0.queue = ".." }),
            ("unique key must not be empty or blank", { $0.uniqueKey = " " }),
        ]
        for (message, change) in refusals {
            #expect(throws: TaskqError.usage(message)) { try build { $0.task = "echo"; change(&$0) } }
        }
        #expect(try build { $0.task = "echo"; $0.name = "日本語のジョブ 🚀"; $0.queue = "eu-west.mail:high_1" }.queue == "eu-west.mail:high_1")
    }

    @Test func unknownTasksNeedForceOrAWorkerThatKnowsThem() throws {
        #expect(try build({ $0.task = "elsewhere" }, force: true).task == "elsewhere")
        #expect(try build({ $0.task = "elsewhere" }, storeTasks: ["elsewhere"]).task == "elsewhere")
    }

    @Test func scheduling() throws {
        #expect(try build { $0.task = "echo"; $0.runIn = "90s" }.runAt == t0 + 90_000)
        var warnings: [String] = []
        var request = JobRequest()
        request.task = "echo"
        request.scheduleAt = "2001-01-01T00:00:00Z"
        let job = try JobBuilder(config: config, registry: .standard(config: config)).build(request, now: t0, warnings: &warnings)
        #expect(job.runAt == t0 && warnings.count == 1)
    }

    @Test func jsonLines() throws {
        let request = try JobRequest(jsonLine: #"{"name":"a","task":"echo","priority":"high","max_retries":1,"run_at":"2030-01-01T00:00:00Z","command":null}"#)
        #expect(request.name == "a" && request.priority == "high" && request.maxRetries == 1 && request.scheduleAt != nil)
        #expect(throws: TaskqError.self) { try JobRequest(jsonLine: #"{"bogus": 1}"#) }
        #expect(throws: TaskqError.self) { try JobRequest(jsonLine: "[1]") }
    }

    @Test func configErrorsNameTheSetting() {
        #expect(throws: TaskqError.self) { try TaskqConfig(json: JSONValue.parse(#"{"tasks": {"x": {}}}"#)) }
        #expect(throws: TaskqError.self) { try TaskqConfig(json: JSONValue.parse(#"{"defaults": {"priority": 12}}"#)) }
        #expect(throws: TaskqError.self) { try TaskqConfig(json: JSONValue.parse(#"{"nonsense": 1}"#)) }
    }

    /// A `[schedules.NAME]` whose command task lacks an argument can never fire: refused when the file is read.
    /// It names the table's line, as errors found while reading the file do.
    @Test func aScheduleMissingItsCommandArgumentIsRefusedAtLoad() throws {
        let config = try TaskqConfig(toml: Array("""
            [tasks.hello]
            command = ["echo", "hi {who}"]

            [schedules.fine]
            cron = "@daily"
            task = "hello"
            args = { who = "x" }

            [schedules.missingarg]
            cron = "@daily"
            task = "hello"
            """.utf8))
        do {
            try ScheduleCatalog.checkJobs(of: config)
            Issue.record("a schedule that can never build its job was accepted")
        } catch let error as TaskqError {
            #expect(error.exitCode == 65 && error.description.hasPrefix("taskq.toml:9: [schedules.missingarg]") && error.description.contains("'who'"), "\(error)")
        }
        let taskless = try TaskqConfig(toml: Array("[defaults]\nqueue = \"q\"\n\n[schedules.notask]\ncron = \"@daily\"\n".utf8))
        #expect(throws: TaskqError.badInput("taskq.toml:4: [schedules.notask] no task given: set \"task\" to a task name, or \"command\" to a list of arguments")) {
            try ScheduleCatalog.checkJobs(of: taskless)
        }
    }

    @Test func scheduleJobsAreCheckedByTheCatalogNotByReadingTheFile() throws {
        let config = try TaskqConfig(json: JSONValue.parse(#"{"schedules": {"nightly": {"cron": "@daily", "task": "echo", "timeout": "soon"}}}"#))
        #expect(config.schedules.map(\.name) == ["nightly"])
        do {
            try ScheduleCatalog.checkJobs(of: config)
            Issue.record("a schedule with an invalid timeout was accepted")
        } catch let error as TaskqError {
            #expect(error.exitCode == 65 && error.description.hasPrefix("taskq.toml: [schedules.nightly] "), "\(error)")
        }
        try ScheduleCatalog.checkJobs(of: self.config)
    }

    @Test func commandTemplatesSubstituteArguments() throws {
        let task = ConfiguredTask(config.tasks["backup"]!)
        #expect(try task.substitute("{dest}", .obj(("dest", .string("/tmp/x.tgz")))) == "/tmp/x.tgz")
        #expect(try task.substitute("n={n}", .obj(("n", .int(3)))) == "n=3")
        #expect(throws: TaskFailure.self) { try task.substitute("{missing}", .object([])) }
        #expect(try task.substitute("{{lit}} {{{n}}} }", .obj(("n", .int(3)))) == "{lit} {3} }")
    }
}
