import CBackendLoader
import Testing
@testable import TaskKit

@Suite("Parsing: priorities, states, durations, times, JSON")
struct ParsingTests {
    @Test func priorities() {
        #expect(Priority.parse("0") == 0 && Priority.parse("10") == 10 && Priority.parse("7") == 7)
        #expect(Priority.parse("low") == 0 && Priority.parse("normal") == 5 && Priority.parse("HIGH") == 8 && Priority.parse("critical") == 10)
        #expect(Priority.parse("11") == nil && Priority.parse("-1") == nil && Priority.parse("abc") == nil && Priority.parse("") == nil)
    }

    @Test func stateSynonyms() {
        #expect(JobState(parsing: "in_progress") == .running && JobState(parsing: "processing") == .running)
        #expect(JobState(parsing: "success") == .completed && JobState(parsing: "retry") == .retrying)
        #expect(JobState(parsing: "PENDING") == .pending && JobState(parsing: "bogus") == nil)
    }

    @Test func durations() {
        #expect(DurationParser.millis("90s") == 90_000 && DurationParser.millis("5m") == 300_000)
        #expect(DurationParser.millis("2h") == 7_200_000 && DurationParser.millis("1d") == 86_400_000)
        #expect(DurationParser.millis("250ms") == 250 && DurationParser.millis("1h30m") == 5_400_000)
        #expect(DurationParser.millis("1.5") == 1_500 && DurationParser.millis("0.5s") == 500)
        #expect(DurationParser.millis("abc") == nil && DurationParser.millis("5x") == nil && DurationParser.millis("") == nil)
        for bad in ["0x10", "1e3", "inf", "nan", "-5m", "+5", "٣s"] { #expect(DurationParser.millis(bad) == nil, "\(bad)") }
        #expect(throws: TaskqError.usage("duration for --in is out of range: '5300w' is longer than 100 years")) {
            try DurationParser.require("5300w", option: "--in")
        }
        #expect(throws: TaskqError.usage("invalid duration for --in: '0x10' (examples: 90s, 5m, 2h, 1d, 250ms)")) {
            try DurationParser.require("0x10", option: "--in")
        }
        #expect(DurationParser.millis("-5s") == nil)
        #expect(DurationParser.millis("100000w") == nil && DurationParser.millis("1e19") == nil)
        #expect(DurationParser.format(90_000) == "1m30s" && DurationParser.format(1_500) == "1.5s" && DurationParser.format(20) == "20ms")
    }

    @Test func times() {
        #expect(TimeFormat.parse("2026-01-31T09:00:00Z") == 1_769_850_000_000)
        #expect(TimeFormat.parse("2026-01-31T10:00:00+01:00") == 1_769_850_000_000)
        #expect(TimeFormat.parse("2026-01-31T09:00:00.250Z") == 1_769_850_000_250)
        #expect(TimeFormat.parse("2026-01-31 09:00:00") != nil) // local time
        #expect(TimeFormat.parse("2026-02-30T00:00:00Z") == nil)
        #expect(TimeFormat.parse("tomorrow") == nil && TimeFormat.parse("2026-13-01T00:00:00Z") == nil)
        // Offsets: ±hh, ±hhmm, ±hh:mm up to 23:59; anything else is refused, not read as some other time.
        #expect(TimeFormat.parse("2026-01-31T10:00:00+0100") == 1_769_850_000_000)
        #expect(TimeFormat.parse("2026-01-31T10:00:00+01") == 1_769_850_000_000)
        #expect(TimeFormat.parse("2026-01-31T04:30:00-04:30") == 1_769_850_000_000)
        for bad in ["+99:99", "+25:00", "+24:00", "+01:60", "+01:", "+1", "+01:0", "+01:00:00"] {
            #expect(TimeFormat.parse("2026-01-31T09:00:00" + bad) == nil, "\(bad)")
        }
        #expect(TimeFormat.iso8601(1_769_850_000_250) == "2026-01-31T09:00:00.250Z")
        #expect(TimeFormat.iso8601Micros(1_769_850_000_250_042) == "2026-01-31T09:00:00.250042Z")
        #expect(TimeFormat.iso8601Micros(-1) == "1969-12-31T23:59:59.999999Z")
        #expect(TimeFormat.iso8601(-1) == "1969-12-31T23:59:59.999Z")
        #expect(TimeFormat.iso8601(951_868_799_999) == "2000-02-29T23:59:59.999Z")
        #expect(TimeFormat.iso8601(-2_203_891_200_000) == "1900-03-01T00:00:00.000Z")
    }

    /// Formatting (calendar arithmetic) and parsing (`timegm`) agree on ~2,000 instants from 1900 to 2300 (a step
    /// that is no whole number of seconds, days or years, so every field and leap rule comes round).
    @Test func timesRoundTrip() {
        for ms in stride(from: Millis(-2_208_988_800_000), through: 10_413_792_000_000, by: 6_306_390_961) {
            #expect(TimeFormat.parse(TimeFormat.iso8601(ms)) == ms, "\(ms) → \(TimeFormat.iso8601(ms))")
        }
    }

    @Test func secretsAreRedacted() {
        let cases = ["postgres://app:s3cr3t@db/app", "redis://s3cr3t@127.0.0.1:6379/0", "redis://:s3cr3t@host/1",
                     "host=db password=s3cr3t dbname=app", "host=db password = s3cr3t dbname=app", "host=db password='s3 cr3t'",
                     "postgres://db/app?password=s3cr3t&sslmode=disable"]
        for url in cases {
            let shown = DatabaseURL.redacted(url)
            #expect(!shown.contains("s3cr3t") && !shown.contains("cr3t"), "\(shown)")
        }
        #expect(DatabaseURL.redacted("postgres://app@db/app") == "postgres://app@db/app")
        // Passwords written the ways a new user writes them (a sweep found each of these shown in an error).
        let awkward = ["postgres://tq:Zs3cr3t/x@127.0.0.1:5/db", "postgres://tq:Zs3c?r3t@127.0.0.1:5/db",
                       "postgres://tq:s3cr=3t@127.0.0.1:5/db", "postgres://tq@127.0.0.1:5/db?pass%77ord=s3cr3t",
                       "host=h password='Ze\\'s3cr3t' dbname=d", "host=h password=Zec\\ s3cr3t dbname=d",
                       " postgres://tq:s3cr3t@127.0.0.1:5/db", "\tpostgres://tq:s3cr3t@h/db", "postgres:/tq:s3cr3t@h/db",
                       "tq:s3cr3t@127.0.0.1", "dbname=postgres://tq:s3cr3t@127.0.0.1/db", "host=h sslpassword=s3cr3t",
                       // White space in a password (an operator's sweep: shown whole by migrate and in errors).
                       "postgres://spacey:Zs3c r3t@127.0.0.1:5/db", "postgres://ops:Zs3\tcr3t@127.0.0.1:5/db",
                       "redis://:Zs3c r3t@127.0.0.1:6379/0", "redis://u:p@ss Zs3cr3t@127.0.0.1:6379/0",
                       // An '@' in a password of a URI inside a key=value string (a review: half of it was shown).
                       "dbname=postgres://tq:Zs3c@r3t/w0rd@db.internal user=taskq",
                       // Tabs and newlines around '=' in a key=value string (libpq takes them; a retest showed them).
                       "host=h password\t=Zs3cr3t", "host=h password=\tZs3cr3t", "host=h password =\tZs3cr3t", "host=h password\n=Zs3cr3t"]
        for url in awkward {
            let shown = DatabaseURL.redacted(url)
            #expect(!shown.contains("s3c") && !shown.contains("cr3t") && !shown.contains("3t"), "\(url) → \(shown)")
        }
        #expect(DatabaseURL.redacted("postgres://tq:s3cr3t@127.0.0.1:5/db?schema=x") == "postgres://tq:***@127.0.0.1:5/db?schema=x")
        #expect(DatabaseURL.redacted("sqlite:/data/a@b:c.sqlite3") == "sqlite:/data/a@b:c.sqlite3")
        #expect(DatabaseURL.redacted("postgres://spacey:my secret pw@127.0.0.1:5/db") == "postgres://spacey:***@127.0.0.1:5/db")
        // Percent-encoding is read in every part of a Redis userinfo, as docs/redis.md says.
        let user = try? RedisTarget(url: "redis://ops%40x:p%3Aw@127.0.0.1:6379/0", display: "")
        #expect(user?.username == "ops@x" && user?.password == "p:w")
        #expect((try? RedisTarget(url: "redis://p%40ss@127.0.0.1:6379/0", display: ""))?.password == "p@ss")
        // Redis: an unencoded '?' in a password leaves its tail where a parameter would be: refused, never quoted.
        for url in ["redis://:hunter?Zs3cr3t@127.0.0.1:6379/0", "redis://:hunter?Zs3cr3t&x@127.0.0.1:6379/0"] {
            do {
                _ = try DatabaseURL.parse(url)
                Issue.record("accepted a Redis URL with '@' after '?'")
            } catch let error as TaskqError {
                #expect(error.exitCode == 64 && !error.description.contains("s3cr3t") && error.description.contains("%3F"), "\(error)")
            } catch { Issue.record("\(error)") }
        }
        #expect(throws: Never.self) { try DatabaseURL.parse("postgres://h:5432/db?application_name=me@host") }
        for url in [" postgres://tq:s3cr3t@h/db", "postgres:/tq:s3cr3t@h/db", "tq:s3cr3t@127.0.0.1", "postgres://tq:Zs3/cr3t@h:5/db",
                    // A user name with '@' (user@server logins) and a '?' or '/' in the password: libpq quoted the rest.
                    "postgres://u@at:Zs3c?cr3t@127.0.0.1:5/tq", "postgres://u@at:Zs3c/cr3t@127.0.0.1:5/tq",
                    "postgres://u@at:Zs3c?sslmode=cr3t@127.0.0.1:5/tq"] {
            do {
                _ = try DatabaseURL.parse(url)
                Issue.record("accepted \(url)")
            } catch let error as TaskqError {
                #expect(error.exitCode == 64 && !error.description.contains("cr3t"), "\(error)")
            } catch { Issue.record("\(error)") }
        }
        // An unescaped '@' in a PostgreSQL password: refused before libpq could quote the part after it as a host.
        do {
            _ = try DatabaseURL.parse("postgres://app:Leak@At5@127.0.0.1:1/x")
            Issue.record("a URL with two '@' was accepted")
        } catch let error as TaskqError {
            #expect(error.exitCode == 64 && error.description.contains("%40") && !error.description.contains("Leak")
                    && !error.description.contains("At5"), "\(error)")
        } catch { Issue.record("\(error)") }
        #expect(throws: Never.self) { try DatabaseURL.parse("postgres://app:Leak%40At5@127.0.0.1:1/x?options=a@b") }
    }

    /// A libpq key=value string stays one when a value holds `://` (a password, say): it is not read as a URI.
    @Test func aKeyValueStringMayHoldSchemeLikeText() throws {
        let url = "host=127.0.0.1 password=ab://cd@ef dbname=app"
        guard case .postgres = try DatabaseURL.parse(url).target else { Issue.record("not read as PostgreSQL"); return }
        #expect(DatabaseURL.redacted(url) == "host=127.0.0.1 password=*** dbname=app")
        #expect(DatabaseURL.uriScheme(url) == nil && DatabaseURL.uriScheme("postgresql+x.y-z://db/app") == "postgresql+x.y-z")
        #expect(throws: TaskqError.self) { try DatabaseURL.parse("mysql://db/app") }
        #expect(throws: TaskqError.self) { try DatabaseURL.parse("taskq.sqlite3") }
    }

    @Test func postgresOnThisMachineSkipsTLSAndGSSNegotiationUnlessAsked() throws {
        var loadError = [CChar](repeating: 0, count: 256)
        try #require(taskq_load_libpq(&loadError, loadError.count) == 0)
        func defaults(_ url: String, _ env: [String: String] = [:]) throws -> String {
            guard case let .postgres(target) = try DatabaseURL.parse(url).target else { return "not postgres" }
            guard let options = PostgresConnection.parsedOptions(target.conninfo) else { return "unparsed" }
            return PostgresTarget.loopbackDefaults(options: options) { env[$0] }.map { "\($0.keyword)=\($0.value)" }
                .joined(separator: " ")
        }
        let both = "sslmode=allow gssencmode=disable"
        #expect(try defaults("postgres://app@127.0.0.1:5432/app") == both)
        #expect(try defaults("postgresql://app:p%40ss@localhost/app?schema=jobs") == both)
        #expect(try defaults("postgres://app@[::1]:5433/app") == both)
        #expect(try defaults("postgres://app@127.0.0.1:5432,localhost:5433/app") == both)
        #expect(try defaults("host = localhost   dbname=app") == both)
        #expect(try defaults("host='127.0.0.1' dbname='my app'") == both)
        #expect(try defaults("dbname=app", ["PGHOST": "127.0.0.1"]) == both)
        // Another machine, or anything that could lead elsewhere: libpq's own defaults (TLS and GSSAPI preferred).
        for url in ["postgres://app@db.internal/app", "postgres://app@127.0.0.1,db.internal/app",
                    "postgres://app@127.0.0.1.example.com/app", "postgres://app@localhost/app?host=db.internal",
                    "host=db.internal\tdbname=app", "postgres://app@localhost/app?hostaddr=203.0.113.5",
                    "host=localhost hostaddr=203.0.113.5 dbname=app", "service=prod", "postgres:///app?service=prod",
                    "postgres:///app", "host=/var/run/postgresql dbname=app"] {
            #expect(try defaults(url) == "", "\(url)")
        }
        // What the user sets about security wins: any ssl/gss parameter, or their PG* variables.
        #expect(try defaults("postgres://app@127.0.0.1/app?sslmode=require") == "")
        #expect(try defaults("postgres://app@localhost/app?sslrootcert=system") == "")
        #expect(try defaults("host=localhost dbname=app gssencmode=require") == "")
        for variable in ["PGSSLMODE", "PGSSLROOTCERT", "PGGSSENCMODE", "PGSERVICE", "PGHOSTADDR"] {
            #expect(try defaults("postgres://app@localhost/app", [variable: "x"]) == "", "\(variable)")
        }
        #expect(try defaults("dbname=app", ["PGHOST": "db.internal"]) == "")
    }

    @Test func aFailedConnectionReportsEveryAttempt() {
        let fallback = """
            connection to server at "127.0.0.1", port 5432 failed: FATAL:  no pg_hba.conf entry for host "127.0.0.1", user "app", database "db", no encryption
            connection to server at "127.0.0.1", port 5432 failed: FATAL:  password authentication failed for user "app"

            """
        #expect(PostgresConnection.attempts(fallback) == """
            connection to server at "127.0.0.1", port 5432 failed: FATAL:  no pg_hba.conf entry for host "127.0.0.1", \
            user "app", database "db", no encryption; connection to server at "127.0.0.1", port 5432 failed: FATAL:  \
            password authentication failed for user "app"
            """)
        let refused = """
            connection to server at "127.0.0.1", port 1 failed: Connection refused
            \tIs the server running on that host and accepting TCP/IP connections?

            """
        #expect(PostgresConnection.attempts(refused) == "connection to server at \"127.0.0.1\", port 1 failed: Connection refused")
        #expect(PostgresConnection.attempts("could not translate host name \"nope\" to address: Name or service not known\n")
                == "could not translate host name \"nope\" to address: Name or service not known")
    }

    @Test func databaseURLIsParsedOnceWithItsDisplay() throws {
        let pg = try DatabaseURL.parse("postgres://app:s3cr3t@db/app?schema=jobs")
        guard case let .postgres(target) = pg.target else { Issue.record("not postgres: \(pg)"); return }
        #expect(target.schema == "jobs" && target.display == pg.display && !pg.display.contains("s3cr3t"))
        let redis = try DatabaseURL.parse("redis://:s3cr3t@host:6380/2?prefix=q")
        guard case let .redis(r) = redis.target else { Issue.record("not redis: \(redis)"); return }
        #expect(r.prefix == "q" && r.display == redis.display && !redis.display.contains("s3cr3t"))
        #expect(try DatabaseURL.parse("sqlite:///tmp/x.sqlite3").target == .sqlite(path: "/tmp/x.sqlite3"))
        #expect(try DatabaseURL.parse("host=db dbname=app").display == "host=db dbname=app")
        do {
            _ = try DatabaseURL.parse("mysql://root:s3cr3t@db/app")
            Issue.record("mysql accepted")
        } catch let error as TaskqError {
            #expect(error.exitCode == 64 && !error.description.contains("s3cr3t"))
        }
    }

    /// A misspelt or repeated Redis URL parameter is a usage error (it would silently write under the default
    /// prefix); values are percent-decoded; an IPv6 host goes in brackets.
    @Test func redisURLParametersAreCheckedAndDecoded() throws {
        func target(_ url: String) throws -> RedisTarget {
            guard case let .redis(r) = try DatabaseURL.parse(url).target else { throw TaskqError.failed("not redis") }
            return r
        }
        for url in ["redis://127.0.0.1:6379/8?prefx=myapp", "redis://h/0?prefix=a&bogus=1", "redis://h/0?Prefix=a",
                    "redis://h/0?prefix=a&prefix=b", "unix:///run/redis.sock?db=1&pefix=x", "redis://:s3cr3t@h/0?prefx=a"] {
            #expect { _ = try target(url) } throws: { error in
                let e = error as? TaskqError
                return e?.exitCode == 64 && !(e?.description.contains("s3cr3t") ?? true)
            }
        }
        #expect(try target("redis://h/0?prefix=my%3Aapp").prefix == "my:app")
        #expect(try target("unix:///run/redis.sock?db=3&prefix=q").database == 3)
        #expect(try target("redis://[::1]:6380/2").endpoint == .tcp("::1", 6380))
        #expect(try target("redis://[::1]/2").endpoint == .tcp("::1", 6379))
        #expect(try target("redis://h:6380").endpoint == .tcp("h", 6380))
        #expect(throws: TaskqError.self) { try target("redis://[::1:6380/2") }
        #expect(throws: TaskqError.self) { try target("redis://h/0?prefix=a%20b") }
    }

    /// `schema` in a key=value string is read as libpq reads every other key: quoted, or with spaces around `=`;
    /// the other entries stay as written.
    @Test func aKeyValueSchemaIsReadAsLibpqReadsValues() throws {
        func target(_ url: String) throws -> PostgresTarget {
            guard case let .postgres(t) = try DatabaseURL.parse(url).target else { throw TaskqError.failed("not postgres") }
            return t
        }
        for url in ["host=h schema=app_jobs dbname=x", "host=h schema='app_jobs' dbname=x", "host=h schema = app_jobs dbname=x",
                    "host=h schema= 'app_jobs'  dbname=x"] {
            let t = try target(url)
            #expect(t.schema == "app_jobs" && t.conninfo == "host=h dbname=x", "\(url): \(t.schema) / \(t.conninfo)")
        }
        let kept = try target(#"password='a b\'c' schema=q host=h"#)
        #expect(kept.schema == "q" && kept.conninfo == #"password='a b\'c' host=h"#, "\(kept.conninfo)")
        #expect(throws: TaskqError.self) { try target("host=h schema=a schema = b") }
        #expect(throws: TaskqError.self) { try target("host=h schema='Bad'") }
    }

    @Test func databaseURLPrecedenceIsFlagThenEnvironmentThenFileThenDefault() throws {
        var config = TaskqConfig()
        config.databaseURL = "sqlite:from-file.sqlite3"
        let env: (String) -> String? = { $0 == DatabaseURL.environmentVariable ? "sqlite:from-env.sqlite3" : nil }
        let none: (String) -> String? = { _ in nil }
        #expect(try DatabaseURL.resolve(flag: "sqlite:from-flag.sqlite3", environment: env, config: config).target == .sqlite(path: "from-flag.sqlite3"))
        #expect(try DatabaseURL.resolve(flag: nil, environment: env, config: config).target == .sqlite(path: "from-env.sqlite3"))
        #expect(try DatabaseURL.resolve(flag: nil, environment: none, config: config).target == .sqlite(path: "from-file.sqlite3"))
        #expect(try DatabaseURL.resolve(flag: nil, environment: none, config: TaskqConfig()).display == DatabaseURL.defaultURL)
    }

    @Test func jsonRoundTrip() throws {
        let value = try JSONValue.parse(#"{"a":[1,2.5,"x\n",true,null],"b":{"c":-3}}"#)
        #expect(value["a"]?.arrayValue?.count == 5)
        #expect(try JSONValue.parse(value.serialized()) == value)
        #expect(throws: TaskqError.self) { try JSONValue.parse("{bad") }
    }

    /// A key given twice: its first place, its last value (as jsonb stores it), at any depth and any size.
    @Test func duplicateKeysKeepTheLastValue() throws {
        #expect(try JSONValue.parse(#"{"b":1,"a":1,"a":2}"#).serialized() == #"{"b":1,"a":2}"#)
        #expect(try JSONValue.parse(#"{"x":{"k":[1],"k":{"z":0,"z":1}}}"#).serialized() == #"{"x":{"k":{"z":1}}}"#)
        let many = (0..<20).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(try JSONValue.parse("{\(many),\"k3\":99}")["k3"] == .int(99))
        if case let .object(pairs) = try JSONValue.parse("{\(many),\"k3\":99}") { #expect(pairs.count == 20) } else { Issue.record("not an object") }
    }
}

@Suite("Retry maths")
struct RetryPolicyTests {
    @Test func exponentialGrowsWithBoundedJitterAndCap() {
        let policy = RetryPolicy(backoff: .exponential, baseDelayMillis: 1_000, maxDelayMillis: 10_000)
        #expect(policy.delayMillis(afterAttempt: 1, unit: 0.5) == 1_000)
        #expect(policy.delayMillis(afterAttempt: 2, unit: 0.5) == 2_000)
        #expect(policy.delayMillis(afterAttempt: 3, unit: 0.5) == 4_000)
        #expect(policy.delayMillis(afterAttempt: 3, unit: 0) == 3_200)
        #expect(policy.delayMillis(afterAttempt: 3, unit: 0.999) >= 4_790)
        #expect(policy.delayMillis(afterAttempt: 30, unit: 0.99) == 10_000)
        for _ in 0..<100 { #expect((800...1_200).contains(policy.delayMillis(afterAttempt: 1))) }
    }

    @Test func fixedAndLinear() {
        #expect(RetryPolicy(backoff: .fixed, baseDelayMillis: 500).delayMillis(afterAttempt: 7) == 500)
        let linear = RetryPolicy(backoff: .linear, baseDelayMillis: 500, maxDelayMillis: 1_200)
        #expect(linear.delayMillis(afterAttempt: 2) == 1_000 && linear.delayMillis(afterAttempt: 3) == 1_200)
    }

    @Test func jsonNumbersComeBackDigitForDigit() throws {
        let text = #"[1.0,12345678901234567890123,-0.000001,1.5e3,-2E-3,7,1.50]"#
        #expect(try JSONValue.parse(text).serialized() == "[1.0,12345678901234567890123,-0.000001,1500,-0.002,7,1.50]")
        #expect(JSONNumber.plain("1e400".replacingOccurrences(of: "400", with: "2")) == "100")
        #expect(JSONNumber.plain("0.5e-2") == "0.005")
        #expect(try JSONValue.parse("12.5") == .double(12.5))
        #expect(try JSONValue.parse("12345678901234567890123") != JSONValue.parse("12345678901234567890124"))
    }

    @Test func jsonErrorsNameThePlaceAndStayOnOneLine() {
        for (text, place) in [("{\"n\":1e400}", "line 1, column 6"), ("{\"a\":\n  [1,,2]}", "line 2, column 6"),
                              ("{\"a\":1} x", "line 1, column 9"), ("\u{1B}[2J", "line 1, column 1")] {
            do {
                _ = try JSONValue.parse(text, what: "--args")
                Issue.record("accepted \(text)")
            } catch {
                let message = "\(error)"
                #expect(message.hasPrefix("--args is not valid JSON: ") && message.hasSuffix(place), "\(message)")
                #expect(!message.contains("\n") && !message.contains("\u{1B}"))
            }
        }
    }
}

@Suite("Bulk enqueue parsing")
struct BulkEnqueueParsingTests {
    /// Lines as splitting the text at every `\n` gives them: a final newline leaves one empty line, no input one.
    @Test func lineRangesSplitAtEveryNewline() {
        func lines(_ text: String) -> [String] {
            let bytes = Array(text.utf8)
            return BulkEnqueue.lineRanges(bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
        }
        #expect(lines("") == [""])
        #expect(lines("a") == ["a"])
        #expect(lines("a\n") == ["a", ""])
        #expect(lines("\n\nb\r\nc") == ["", "", "b\r", "c"])
    }

    /// The same requests, line numbers and first error from bytes as from lines, in one chunk or several.
    @Test func bytesParseLikeLines() async throws {
        for count in [3, 2_500] {
            var lines = (0..<count).map { #"{"name":"n\#($0)","task":"noop","priority":\#($0 % 11),"args":{"s":"\u00e9\t"}}"# }
            lines[1] = "  \t\r"
            lines[2] = "{\"name\":\"caf\u{e9}\",\"task\":\"noop\"}"
            let text = lines.joined(separator: "\n") + "\n"
            let fromBytes = try await BulkEnqueue.parse(bytes: Array(text.utf8), source: "f")
            let fromLines = try await BulkEnqueue.parse(lines: lines + [""], source: "f")
            #expect(fromBytes.map(\.line) == fromLines.map(\.line) && fromBytes.map(\.request) == fromLines.map(\.request))
            #expect(fromBytes.count == count - 1 && fromBytes[1].request.name == "caf\u{e9}" && fromBytes[1].line == 3)
            var bad = lines
            bad[count - 1] = "{"
            bad[0] = #"{"task":"noop","x":1}"#
            await #expect(throws: TaskqError.badInput("f line 1: unknown field 'x'")) {
                _ = try await BulkEnqueue.parse(bytes: Array(bad.joined(separator: "\n").utf8), source: "f")
            }
        }
    }
}
