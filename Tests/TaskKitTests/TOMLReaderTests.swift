import Testing
@testable import TaskKit

@Suite("taskq.toml reader: the TOML taskq takes, and one-line refusals for anything else")
struct TOMLReaderTests {
    @Test func documentedExample() throws {
        let value = try TOMLReader.parse("""
        # comment
        database_url = "sqlite:taskq.sqlite3"

        [defaults]
        max_retries = 5
        retry_delay = '30s'   # literal string

        [worker]
        concurrency = 8
        queues = ["default",
                  "mail",  # trailing comma next
        ]
        lease = 1.5
        output_cap = 4_194_304

        [tasks.send-report]
        command = ["/usr/local/bin/send-report", "--to", "{to}"]
        priority = "high"

        [schedules."daily report"]
        cron = "0 7 * * mon-fri"
        args = { to = "ops@example.com", n = { deep = [1, 0x10, -2, true] } }
        description = \"\"\"
        two \\
           lines\"\"\"
        """)
        #expect(value["database_url"] == .string("sqlite:taskq.sqlite3"))
        #expect(value["defaults"]?["max_retries"] == .int(5) && value["defaults"]?["retry_delay"] == .string("30s"))
        #expect(value["worker"]?["queues"] == .array([.string("default"), .string("mail")]))
        #expect(value["worker"]?["lease"] == .double(1.5) && value["worker"]?["output_cap"] == .int(4_194_304))
        #expect(value["tasks"]?["send-report"]?["priority"] == .string("high"))
        let daily = value["schedules"]?["daily report"]
        #expect(daily?["args"]?["n"]?["deep"] == .array([.int(1), .int(16), .int(-2), .bool(true)]))
        #expect(daily?["description"] == .string("two lines"))
        let config = try TaskqConfig(toml: Array("[worker]\nconcurrency = 3\nlease = \"30s\"\n".utf8))
        #expect(config.worker.concurrency == 3 && config.worker.leaseMillis == 30_000)
    }

    @Test func dottedKeysAndEscapes() throws {
        let value = try TOMLReader.parse("a.b.c = \"x\\ty\\u00e9\"\n[p . \"q\"]\nr = 1\n")
        #expect(value["a"]?["b"]?["c"] == .string("x\ty\u{e9}"))
        #expect(value["p"]?["q"]?["r"] == .int(1))
    }

    /// Every malformed input gives a line and a one-line reason: never a crash, never the input echoed.
    @Test(arguments: [
        ("[=x]", 1), ("[.x]", 1), ("[ =x]", 1), ("[x.]", 1), ("[]", 1), ("[a", 1), ("[[a]]", 1), ("a = 1\n[b]\n=", 3),
        ("x = \"abc", 1), ("x = 'abc", 1), ("x = \"\"\"abc", 1), ("x = '''a\nb", 1), ("x = \"\\q\"", 1),
        ("x = \"\\uD800\"", 1), ("x = \"\\uZZZZ\"", 1), ("x = ", 1), ("x", 1), ("= 1", 1), ("x = 1 2", 1),
        ("x = 1\nx = 2", 2), ("[a]\n[a]", 2), ("a = 1\n[a]", 2), ("a = {b = 1}\n[a]", 2), ("x = {a = 1", 1),
        ("x = [1, 2", 1), ("x = [1 2]", 1), ("x = 99999999999999999999", 1), ("x = 0x", 1), ("x = 1__0", 1),
        ("x = 01", 1), ("x = 1.", 1), ("x = .5", 1), ("x = 1e", 1), ("x = 1979-05-27", 1), ("x = 07:32:00", 1),
        ("x = tru", 1), ("x = truex", 1), ("x = nan", 1), ("x = -inf", 1), ("x = +nan", 1),
        ("x = 1\u{0}", 1), ("\n\nx = \"a\u{0}b\"", 3), ("x = \"\u{1b}[2J\"", 1), ("x = 1\r", 1),
        (String(repeating: "x = [", count: 1) + String(repeating: "[", count: 100_000), 1),
        ("x = " + String(repeating: "{a = ", count: 10_000), 1),
    ])
    func refusals(text: String, line: Int) {
        do {
            _ = try TOMLReader.parse(text)
            Issue.record("accepted \(TerminalText.escaped(text.prefix(60).description))")
        } catch let failure as TOMLReader.Failure {
            #expect(failure.line == line, "\(TerminalText.escaped(text.prefix(60).description)): \(failure)")
            #expect(!failure.reason.contains("\n") && failure.reason.count < 120)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func invalidUTF8() {
        for bytes: [UInt8] in [[0x78, 0x3D, 0xFF], [0x0A, 0x78, 0x20, 0x3D, 0x20, 0x22, 0xC3, 0x22], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80]] {
            #expect(throws: TOMLReader.Failure.self) { try TOMLReader.parse(bytes) }
        }
    }

    /// nan and inf are valid TOML but no setting takes them; the message names the key, never other settings.
    @Test func nanNamesTheKey() {
        let text = "database_url = \"postgres://app:pw@host/app\"\n[worker]\nlease = nan\n"
        #expect(throws: TaskqError.badInput("taskq.toml:3: [worker] lease must be a finite number, not nan or inf")) {
            try TaskqConfig(toml: Array(text.utf8))
        }
        #expect(throws: TaskqError.badInput("taskq.toml:2: [worker] lease must be a finite duration from 0 up to 100 years")) {
            try TaskqConfig(toml: Array("[worker]\nlease = 1e300\n".utf8))
        }
    }

    /// A setting taskq refuses is named with the line it was written on (docs/contracts.md: a taskq.toml error names
    /// the file and line): the key's own line, else its table's header.
    @Test func refusedSettingsNameTheirLine() {
        let cases: [(String, String)] = [
            ("# settings\n[defaults]\nqueue = \"q\"\nqueu = \"x\"\n", "taskq.toml:4: [defaults] has an unknown setting 'queu'"),
            ("[defaults]\n\npriority = 11\n", "taskq.toml:3: [defaults] invalid priority '11'"),
            ("[tasks.backup]\ndescription = \"b\"\n", "taskq.toml:1: [tasks.backup] needs exactly one of command = [...] or builtin = \"NAME\""),
            ("[tasks.b]\nbuiltin = \"nope\"\n", "taskq.toml:2: [tasks.b] builtin 'nope' is not one of"),
            ("[tasks.b]\nbuiltin = \"sleep\"\ntimeout = \"soon\"\n", "taskq.toml:3: [tasks.b] timeout must be a duration"),
            ("[worker]\nconcurrency = 3\n\nconcurency = 4\n", "taskq.toml:4: [worker] has an unknown setting 'concurency'"),
            ("tasks.b.builtin = \"sleep\"\ntasks.b.colour = 1\n", "taskq.toml:2: [tasks.b] has an unknown setting 'colour'"),
            ("\n\ncolour = 1\n", "taskq.toml:3: unknown setting 'colour'"),
        ]
        for (text, message) in cases {
            do {
                _ = try TaskqConfig(toml: Array(text.utf8))
                Issue.record("accepted: \(text)")
            } catch let error as TaskqError {
                #expect(error.description.hasPrefix(message), "\(error.description)")
            } catch { Issue.record("\(error)") }
        }
    }

    /// Found in review: nesting by dotted headers or keys is bounded like arrays, escapes cannot smuggle control
    /// characters, and a sign after a radix prefix is no number.
    @Test func depthEscapesAndRadixSignsAreRefused() {
        let deepHeader = "[" + Array(repeating: "a", count: 200_000).joined(separator: ".") + "]\n"
        let deepKey = Array(repeating: "a", count: 200_000).joined(separator: ".") + " = 1\n"
        for text in [deepHeader, deepKey, "[worker]\nqueues = [\"a\\u0000b\"]\n", "x = \"\\u001b[2J\"\n", "x = 0x-1\n", "x = 0b+1\n"] {
            #expect(throws: TOMLReader.Failure.self, "\(text.prefix(40))") { try TOMLReader.parse(Array(text.utf8)) }
        }
        #expect((try? TOMLReader.parse(Array("[a.b.c]\nd.e = 1\n".utf8))) != nil)
    }
}
