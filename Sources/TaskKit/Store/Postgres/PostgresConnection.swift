import CBackendLoader
import CLibPQ
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// One libpq connection, owned by its own serial dispatch queue: every blocking libpq call runs there, never on
/// Swift's cooperative pool. A broken connection is re-established (with the schema's search_path) on next use.
final class PostgresConnection: @unchecked Sendable {
    private let queue: ConnectionQueue
    private var conn: OpaquePointer?
    /// Prepared statement names by SQL text; cleared on reconnect.
    private var prepared: [String: String] = [:]
    /// Statements run once, unprepared: a statement is prepared on its second use, so a one-shot command
    /// (`create-job`) pays one round trip per statement, not two. Cleared on reconnect.
    private var runOnce: Set<String> = []
    private let conninfo: String
    let target: PostgresTarget
    /// Bumped on every (re)connect: session state such as LISTEN must be set again. (A new libpq handle may reuse the
    /// old one's address, so the handle itself cannot tell.) Only inside `run`.
    private(set) var generation = 0
    /// Statements queued and not started yet (LISTEN waits not counted): a wait gives the connection up to them.
    private let queuedStatements = Locked(0)
    /// The pipe of a LISTEN wait holding the connection now, signalled when a statement is queued behind it.
    private let waitingListener = Locked<WakePipe?>(nil)

    private init(target: PostgresTarget, label: String) {
        self.target = target
        self.conninfo = target.conninfo
        self.queue = ConnectionQueue(label: "taskq.postgres.\(label)")
    }

    /// Connects on the connection's own queue. Throws `TaskqError.unavailable` naming the (password-free) target.
    static func connect(_ target: PostgresTarget, label: String = "conn") async throws -> PostgresConnection {
        var error = [CChar](repeating: 0, count: 512)
        guard taskq_load_libpq(&error, error.count) == 0 else { throw TaskqError.unavailable(String(cString: error)) }
        let connection = PostgresConnection(target: target, label: label)
        try await connection.run { _ in }
        return connection
    }

    deinit { if let conn { PQfinish(conn) } }

    /// Runs `body` on the connection's queue after making sure the connection is up. A LISTEN wait holding the
    /// connection (`runWaiting`) is woken to give way, so a statement never waits out a worker's idle wait.
    @discardableResult
    func run<T>(_ body: @escaping (PostgresConnection) throws -> T) async throws -> T {
        // Counted before it is queued, so a wait that sees the pipe signalled also sees the count.
        queuedStatements.withLock { $0 += 1 }
        return try await queue.run(queued: { self.waitingListener.withLock { $0 }?.signal() }) {
            self.queuedStatements.withLock { $0 -= 1 }
            try self.ensureConnected()
            return try body(self)
        }
    }

    /// Runs a wait on the connection's queue: `body` polls with `pipe` and must return soon after a statement is
    /// queued (`hasQueuedStatements`, checked after each wake-up of `pipe`); the caller waits again afterwards.
    func runWaiting<T>(pipe: WakePipe, _ body: @escaping (PostgresConnection) throws -> T) async throws -> T {
        try await queue.run {
            try self.ensureConnected()
            self.waitingListener.withLock { $0 = pipe }
            defer { self.waitingListener.withLock { $0 = nil } }
            return try body(self)
        }
    }

    /// A statement is queued behind the one running (only meaningful inside `runWaiting`).
    var hasQueuedStatements: Bool { queuedStatements.withLock { $0 > 0 } }

    func close() async {
        await queue.run {
            if let conn = self.conn { PQfinish(conn) }
            self.conn = nil
        }
    }

    // MARK: Synchronous API — only inside `run`.

    /// The raw handle, for LISTEN/NOTIFY polling.
    var handle: OpaquePointer? { conn }

    func ensureConnected() throws {
        if let conn, PQstatus(conn) == CONNECTION_OK { return }
        dropConnection()
        // Defaults first, then the URL (`dbname`, expanded), whose own parameters override them (libpq keeps the
        // last). An explicit keyword also beats its PG* variable, so PGCONNECT_TIMEOUT keeps its say and the name
        // is only a fallback for PGAPPNAME.
        var settings: [(keyword: String, value: String)] = [("fallback_application_name", "taskq")]
        if ProcessEnvironment.value("PGCONNECT_TIMEOUT") == nil { settings.append(("connect_timeout", "5")) }
        if let options = Self.parsedOptions(conninfo) {
            settings += PostgresTarget.loopbackDefaults(options: options, environment: ProcessEnvironment.value)
        }
        settings.append(("dbname", conninfo))
        let fresh: OpaquePointer? = withCStrings(settings.map(\.keyword)) { k in
            withCStrings(settings.map(\.value)) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let fresh else { throw TaskqError.unavailable("cannot connect to PostgreSQL at \(target.display): out of memory") }
        guard PQstatus(fresh) == CONNECTION_OK else {
            let raw = Self.attempts(String(cString: PQerrorMessage(fresh)))
            let message = DatabaseURL.scrubbed(raw, of: conninfo)
            PQfinish(fresh)
            // libpq refuses a malformed connection string before connecting ("invalid URI query parameter",
            // "invalid integer value … for connection option", "missing "=" after …"): a usage error, not a server
            // that is down, so a script that retries on 69 does not loop on a typo.
            if Self.isMalformedConnectionString(raw) {
                throw TaskqError.usage("invalid database URL \(target.display): \(message)")
            }
            // Out of connection slots (SQLSTATE 53300, which libpq gives only as text here): temporary, as the same
            // refusal is once connected (docs/contracts.md#exit-codes).
            if raw.contains("too many connections") || raw.contains("remaining connection slots are reserved") {
                throw TaskqError.temporary("PostgreSQL at \(target.display) has no connection free: \(message)")
            }
            throw TaskqError.unavailable("cannot connect to PostgreSQL at \(target.display): \(message)")
        }
        conn = fresh
        generation += 1
        PQsetNoticeProcessor(fresh, PostgresNotices.processor, nil)
        // One round trip: the schema, and plans that do not depend on fresh statistics. A queue table's statistics
        // are stale by nature: analysed when nothing waited (or just after a purge), then a bulk load, and the
        // planner expects a handful of rows where there are a million. It then fetched due jobs with a bitmap scan,
        // losing the claim index's order, and sorted every waiting job on each claim (0.7 s a claim with 1,000,000
        // waiting), or read every attempt row for each batch of outcomes (seconds a batch after a purge). Each of
        // taskq's statements has an index made for it, so bitmap and sequential scans are made a last resort, and
        // JIT compilation (which their penalty cost would trigger) is off. BENCHMARKS.md, "Cost as the work grows".
        // Sorts too: with statistics that call the table nearly empty, a claim of one queue read every waiting job
        // through the state index and sorted "the one row", instead of walking its queue's claim index in order.
        // Notices ("schema … already exists, skipping" from an up-to-date migrate) would reach stderr through
        // libpq's default notice processor: only warnings and errors are sent.
        // `taskq.inserts_counted`: this session's inserts count the jobs they add themselves, so the count trigger
        // skips them (migration 0011; PostgresSQL.insertJobsAndNotify, countCopiedAndNotify).
        let jit = PQserverVersion(fresh) >= 110_000 ? ", set_config('jit', 'off', false)" : ""
        // A session without these settings must not be used: without `taskq.inserts_counted` its inserts would be
        // counted twice (here and by the trigger), without the search path it would write to another schema.
        do {
            _ = try exec("""
                SELECT set_config('search_path', $1, false), set_config('enable_bitmapscan', 'off', false),
                       set_config('enable_seqscan', 'off', false),
                       set_config('enable_sort', 'off', false), set_config('client_min_messages', 'warning', false),
                       set_config('taskq.inserts_counted', 'on', false)\(jit)
                """, [target.quotedSchema], prepare: false)
        } catch {
            PQfinish(fresh)
            conn = nil
            throw error
        }
    }

    /// Runs one parameterised statement and returns its result. With `prepare`, the statement is prepared on its
    /// second use on this connection and run by name from then on; its first use runs it unnamed (one round trip).
    @discardableResult
    func exec(_ sql: String, _ params: [String?], prepare: Bool = true) throws -> PostgresResult {
        guard let conn else { throw TaskqError.unavailable("not connected to PostgreSQL at \(target.display)") }
        let result: OpaquePointer?
        if prepare, prepared[sql] == nil, runOnce.insert(sql).inserted {
            result = withOptionalCStrings(params) { values in
                PQexecParams(conn, sql, Int32(params.count), nil, values, nil, nil, 0)
            }
        } else if prepare {
            let name: String
            if let existing = prepared[sql] {
                name = existing
            } else {
                name = "taskq_\(prepared.count + 1)"
                let prep = PQprepare(conn, name, sql, 0, nil)
                try check(prep)
                PQclear(prep)
                prepared[sql] = name
            }
            result = withOptionalCStrings(params) { values in
                PQexecPrepared(conn, name, Int32(params.count), values, nil, nil, 0)
            }
        } else if params.isEmpty {
            result = PQexec(conn, sql)
        } else {
            result = withOptionalCStrings(params) { values in
                PQexecParams(conn, sql, Int32(params.count), nil, values, nil, nil, 0)
            }
        }
        try check(result)
        return PostgresResult(raw: result!)
    }

    /// Runs `sql` (no parameters) and returns its result, or nil when it names a table or schema that does not
    /// exist (undefined_table, invalid_schema_name), so "is there a table, and what is in it" is one round trip.
    /// Name the table with its schema: through the search path, a schema the role may not use reads as no table.
    func execUnlessTableMissing(_ sql: String) throws -> PostgresResult? {
        guard let conn else { throw TaskqError.unavailable("not connected to PostgreSQL at \(target.display)") }
        let result = PQexec(conn, sql)
        if let result, PQresultStatus(result) == PGRES_FATAL_ERROR,
           let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))),
           ["42P01", "3F000"].contains(String(cString: state)) {
            PQclear(result)
            return nil
        }
        try check(result)
        return PostgresResult(raw: result!)
    }

    /// Runs `COPY … FROM STDIN` (`sql`, no parameters: the values travel in `data`, COPY's text format) and returns
    /// the rows copied. Call inside `transaction`: a failure leaves the connection ready for its ROLLBACK.
    @discardableResult
    func copyIn(_ sql: String, data: [UInt8]) throws -> Int {
        guard let conn else { throw TaskqError.unavailable("not connected to PostgreSQL at \(target.display)") }
        let start = PQexec(conn, sql)
        guard let start, PQresultStatus(start) == PGRES_COPY_IN else {
            try check(start)
            PQclear(start)
            throw TaskqError.unavailable("PostgreSQL at \(target.display) did not start the COPY of a bulk enqueue")
        }
        PQclear(start)
        // Sent in pieces of at most 1 MiB (an int length each); a piece libpq cannot send ends the COPY with an error.
        var sent = true
        data.withUnsafeBufferPointer { buffer in
            var offset = 0
            while sent && offset < buffer.count {
                let length = min(buffer.count - offset, 1 << 20)
                let piece = UnsafeRawPointer(buffer.baseAddress! + offset).assumingMemoryBound(to: CChar.self)
                sent = PQputCopyData(conn, piece, Int32(length)) == 1
                offset += length
            }
        }
        let ended = PQputCopyEnd(conn, sent ? nil : "taskq could not send the rows") == 1
        // The COPY's own result, then NULL: every result is read so the connection takes the next command.
        let outcome = PQgetResult(conn)
        while let extra = PQgetResult(conn) { PQclear(extra) }
        try check(outcome)
        defer { PQclear(outcome) }
        guard sent && ended else { try check(nil); return 0 }
        return Int(String(cString: PQcmdTuples(outcome))) ?? 0
    }

    /// BEGIN … COMMIT around `body`, ROLLBACK on error.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try exec("BEGIN", [], prepare: false)
        do {
            let value = try body()
            try exec("COMMIT", [], prepare: false)
            return value
        } catch {
            if let conn, PQstatus(conn) == CONNECTION_OK { PQclear(PQexec(conn, "ROLLBACK")) }
            throw error
        }
    }

    /// Closes the connection and forgets what was prepared on it: the next statement connects again.
    private func dropConnection() {
        if let conn { PQfinish(conn) }
        conn = nil
        prepared.removeAll()
        runOnce.removeAll()
    }

    /// The one funnel from libpq results to TaskqError (frees the result when it is an error).
    private func check(_ result: OpaquePointer?) throws {
        let status = result.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK { return }
        let sqlState = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) } ?? ""
        let message = DatabaseURL.scrubbed(Self.firstLine(result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) }
            ?? conn.map { String(cString: PQerrorMessage($0)) } ?? "unknown error"), of: conninfo)
        if let result { PQclear(result) }
        if let conn, PQstatus(conn) != CONNECTION_OK || sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03" {
            prepared.removeAll()
            runOnce.removeAll()
            throw TaskqError.unavailable("connection to PostgreSQL at \(target.display) lost: \(message)")
        }
        switch sqlState {
        case "25006":
            // A read-only session: a standby after a failover, or default_transaction_read_only. The session keeps
            // its settings, so it is dropped: the next statement reconnects (to the new primary, once there is one).
            dropConnection()
            throw TaskqError.temporary("PostgreSQL at \(target.display) takes no writes now (a standby, or default_transaction_read_only): \(message)")
        case "40001", "40P01", "55P03", "53300", "57014":
            throw TaskqError.temporary("PostgreSQL: \(message)")
        case _ where sqlState.hasPrefix("53"):
            // Insufficient resources: disk full (53100, "could not extend file"), out of memory (53200). Temporary,
            // like a full SQLite disk: the same command succeeds once space is freed.
            throw TaskqError.temporary("PostgreSQL is out of resources (\(sqlState)): \(message)")
        case "42P01", "3F000":
            throw TaskqError.unavailable("the taskq schema \(target.quotedSchema) at \(target.display) is missing or out of date: run `taskq migrate`")
        case "23505":
            throw TaskqError.failed("PostgreSQL: \(message)")
        case _ where sqlState.hasPrefix("22"):
            throw TaskqError.badInput("PostgreSQL rejected the data: \(message)")
        case "42501":
            throw TaskqError.unavailable("PostgreSQL at \(target.display) refused taskq's role: \(message) (docs/postgres.md#privileges)")
        default:
            // No SQL text: messages reach HTTP clients too (docs/server.md).
            throw TaskqError.unavailable("PostgreSQL error \(sqlState): \(message)")
        }
    }

    /// The parameters a connection string sets, as libpq itself reads it (URI or key=value); nil when libpq
    /// cannot parse it (connecting then reports why). Call only once libpq is loaded.
    static func parsedOptions(_ conninfo: String) -> [String: String]? {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            if let error { PQfreemem(error) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var parsed: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { parsed[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return parsed
    }

    /// libpq's connection attempts (`connection to server at … failed: …`) on one line, joined by "; ", else the
    /// message's first line. libpq reports every attempt in order: each host of a list, each address of a name, and
    /// with `sslmode=allow` against a server that takes only TLS, first the plain attempt's refusal ("no
    /// pg_hba.conf entry … no encryption") and then the TLS attempt's real failure, such as a wrong password.
    static func attempts(_ text: String) -> String {
        var seen: [String] = []
        for line in text.split(separator: "\n").map({ String($0).trimmingSpaces() })
        where line.hasPrefix("connection to server") && !seen.contains(line) {
            seen.append(line)
        }
        return seen.isEmpty ? firstLine(text) : seen.joined(separator: "; ")
    }

    /// Whether libpq's message is about the connection string itself, found before any connection attempt (whose
    /// messages start `connection to server …`).
    static func isMalformedConnectionString(_ message: String) -> Bool {
        let prefixes = ["invalid connection option", "invalid URI", "invalid percent-encoded token", "invalid port number",
                        "invalid integer value", "invalid value ", "missing \"=\"", "missing key/value separator",
                        "extra key/value separator", "unterminated quoted string", "unexpected spaces",
                        "end of string reached when looking for matching", "unexpected character", "IPv6 host address may not be empty"]
        // A per-host attempt prefixes the option's complaint: `connection to server at "h", port 5 failed: invalid …`.
        let text = message.firstRange(of: " failed: ").map { String(message[$0.upperBound...]) } ?? message
        if prefixes.contains(where: { text.hasPrefix($0) }) { return true }
        // "forbidden value %00 in percent-encoded value", "definition of service "x" not found" (service=, PGSERVICE).
        if text.hasPrefix("forbidden value ") || (text.hasPrefix("definition of service ") && text.hasSuffix(" not found")) { return true }
        // "invalid sslmode value: …", "invalid gssencmode value: …", …: one option name between the words.
        let words = text.split(separator: " ", maxSplits: 3)
        return words.count == 4 && words[0] == "invalid" && words[2] == "value:"
    }

    static func firstLine(_ text: String) -> String {
        let trimmed = text.trimmingSpaces()
        return trimmed.split(separator: "\n").first.map { String($0).trimmingSpaces() } ?? trimmed
    }
}

/// A query result; rows and columns are 0-based, values are text.
final class PostgresResult {
    let raw: OpaquePointer
    init(raw: OpaquePointer) { self.raw = raw }
    deinit { PQclear(raw) }

    var rowCount: Int { Int(PQntuples(raw)) }
    /// Rows affected by an INSERT/UPDATE/DELETE.
    var affected: Int { Int(String(cString: PQcmdTuples(raw))) ?? 0 }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(raw, Int32(row), Int32(column)) == 1 }
    func string(_ row: Int, _ column: Int) -> String { String(cString: PQgetvalue(raw, Int32(row), Int32(column))) }
    func optionalString(_ row: Int, _ column: Int) -> String? { isNull(row, column) ? nil : string(row, column) }
    func int(_ row: Int, _ column: Int) -> Int64 { Int64(string(row, column)) ?? 0 }
    func optionalInt(_ row: Int, _ column: Int) -> Int64? { isNull(row, column) ? nil : int(row, column) }
    func bool(_ row: Int, _ column: Int) -> Bool { string(row, column) == "t" }
}

/// Calls `body` with a C array of C strings that lives for the call.
func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return body(pointers.map { UnsafePointer($0) } + [nil])
}

/// Like `withCStrings`, with NULL for nil (SQL NULL parameters).
func withOptionalCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { $0.map { strdup($0) } ?? nil }
    defer { pointers.forEach { free($0) } }
    return body(pointers.map { UnsafePointer($0) })
}
