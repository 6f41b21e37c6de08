import CSQLite
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One sqlite3 connection, owned by its own serial dispatch queue: every C call runs there, never on Swift's
/// cooperative pool. `run` bridges a block of synchronous work with a continuation.
final class SQLiteConnection: @unchecked Sendable {
    private let queue: ConnectionQueue
    private var handle: OpaquePointer?
    private var cache: [String: OpaquePointer] = [:]
    /// Statements handed out since the last reset; reset before COMMIT and after each `run` so no read stays open.
    private var active: [OpaquePointer] = []
    /// The path as given, for messages.
    let path: String

    /// Process-wide sqlite3 settings, applied before the first connection.
    private static let configureOnce: Void = { _ = taskq_sqlite3_disable_memstatus() }()

    private init(path: String, label: String) {
        self.path = path
        self.queue = ConnectionQueue(label: "taskq.sqlite.\(label)")
    }

    /// Opens (and with `create`, creates) the database on the connection's own queue and configures WAL,
    /// synchronous=NORMAL, foreign keys and a busy handler.
    static func open(path: String, create: Bool, label: String = "conn") async throws -> SQLiteConnection {
        _ = configureOnce
        let connection = SQLiteConnection(path: path, label: label)
        try await connection.run { db in try db.openOnQueue(create: create) }
        return connection
    }

    private func openOnQueue(create: Bool) throws {
        if path != ":memory:" && access(path, F_OK) != 0 {
            // A directory on the way this user may not enter (a 0700 /var/lib/taskq) is no missing file.
            if errno == EACCES { throw Self.unreadable(path, "a directory on its path is closed to this user") }
            if !create {
                throw TaskqError.unavailable("database file '\(TerminalText.escaped(path))' does not exist: run `taskq migrate` to create it")
            }
        }
        // An existing file or directory this process may not write is opened read-only, so reading commands (and
        // `migrate` of a database already up to date) still work; a write then fails with SQLITE_READONLY (exit 69).
        let readOnly = path != ":memory:" && access(path, F_OK) == 0 && !Self.writable(path)
        var flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX
        if create && !readOnly {
            flags |= SQLITE_OPEN_CREATE
            Self.createPrivately(path)
        }
        try openHandle(path, flags: flags)
        do {
            if readOnly {
                do {
                    _ = try queryText("SELECT count(*) FROM sqlite_master")
                    resetActive()
                } catch {
                    // No -shm beside the file and none can be made (a read-only directory): read it as immutable,
                    // which is what it is for every process that cannot write there.
                    closeOnQueue()
                    try openHandle("file:\(Self.uriPath(path))?immutable=1", flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI)
                }
                try execute("PRAGMA foreign_keys=ON;")
            } else {
                try switchToWAL()
                try execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
            }
            // The schema's triggers keep taskq_job_counts for other writers (an older taskq, the sqlite3 shell);
            // this connection's writes record their counts themselves, netted per batch (SQLiteJobCounts), which
            // costs far less than a trigger run for every job that moves.
            try enableTriggers(false)
        } catch {
            closeOnQueue()
            throw error
        }
    }

    /// A new database file is made readable by its owner only (0600, whatever the umask): it holds password hashes,
    /// jobs' arguments and output. SQLite gives its `-wal` and `-shm` files the database file's mode. An existing
    /// file keeps its mode (docs/contracts.md#the-sqlite-file).
    /// When the file cannot be made here, SQLite's own open reports why, as for every other open failure.
    private static func createPrivately(_ path: String) {
        guard path != ":memory:", !path.hasPrefix("file:") else { return }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 { Glibc.close(fd) }
    }

    private static func unreadable(_ path: String, _ why: String) -> TaskqError {
        .unavailable("cannot open database '\(TerminalText.escaped(path))': permission denied: \(why) (docs/contracts.md#the-sqlite-file)")
    }

    private func openHandle(_ name: String, flags: Int32) throws {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(name, &db, flags, nil)
        handle = db
        if rc != SQLITE_OK {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            closeOnQueue()
            if path != ":memory:", access(path, F_OK) == 0, access(path, R_OK) != 0 {
                throw Self.unreadable(path, "this user cannot read the file")
            }
            throw TaskqError.unavailable("cannot open database '\(TerminalText.escaped(path))': \(message)")
        }
        sqlite3_extended_result_codes(db, 1)
        // On a locked database, retry soon, then back off: 50 µs doubling to 250 µs (with jitter, so two waiting
        // processes do not poll in step), for 10 s in all. SQLite's default back-off starts at 1 ms and grows to
        // 100 ms, far longer than a worker's transactions hold the lock. The handler runs on this connection's
        // queue, which the connection outlives its handle on (`closeOnQueue`).
        sqlite3_busy_handler(db, { connection, count in
            guard let connection else { return 0 }
            return Unmanaged<SQLiteConnection>.fromOpaque(connection).takeUnretainedValue().retryLocked(attempt: Int(count)) ? 1 : 0
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// How long a statement waits for a locked database before SQLITE_BUSY (exit 75).
    static let busyTimeoutNanos: UInt64 = 10_000_000_000

    /// When the current wait for a locked database began (monotonic); touched only on the connection's queue.
    private var busySince: UInt64 = 0

    /// Sleeps before retry `attempt` (0-based) of a locked database; false once the wait has lasted
    /// `busyTimeoutNanos` (timed, not counted: a short sleep often lasts longer than asked).
    private func retryLocked(attempt: Int) -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        if attempt == 0 {
            busySince = now
        } else if now - busySince >= Self.busyTimeoutNanos {
            return false
        }
        usleep(Self.busyDelayMicros(attempt: attempt))
        return true
    }

    /// The longest wait between two tries of a locked database. Two workers take turns at the write lock, each
    /// holding it for well under a millisecond: a waiter that slept 1 ms left the lock idle for most of that
    /// (BENCHMARKS.md, "The schema's own floor, SQLite's state index, the busy back-off").
    static let busyDelayCapMicros: UInt32 = 250

    /// Microseconds to wait before retry `attempt` (0-based) of a locked database: 50 µs doubling to
    /// `busyDelayCapMicros`, ±25 %.
    static func busyDelayMicros(attempt: Int) -> UInt32 {
        let base = UInt32(50) << UInt32(min(attempt, 5))
        let capped = min(base, busyDelayCapMicros)
        return capped - capped / 4 + UInt32.random(in: 0...(capped / 2))
    }

    /// Whether this process may write the database file and its directory (where WAL keeps `-wal` and `-shm`).
    private static func writable(_ path: String) -> Bool {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        return access(path, W_OK) == 0 && access(directory.isEmpty ? "/" : directory, W_OK) == 0
    }

    /// `path` for a `file:` URI: `%`, `?` and `#` percent-encoded.
    private static func uriPath(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"), 0x80...0xFF: out += "%" + String(byte, radix: 16, uppercase: true)
            default: out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out
    }

    /// Switches to WAL. While another process creates the same file the switch can be refused (SQLITE_BUSY, or the
    /// old mode returned) without the busy handler being asked, so it is retried for up to ~10 s like a locked write.
    private func switchToWAL() throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let mode = try queryText("PRAGMA journal_mode=WAL")
                resetActive()
                if mode?.lowercased() == "wal" || path == ":memory:" { return }
                if attempt >= 1000 { throw TaskqError.unavailable("cannot switch '\(TerminalText.escaped(path))' to WAL mode (got \(mode ?? "nothing"))") }
            } catch let error as TaskqError {
                resetActive()
                guard case .temporary = error, attempt < 1000 else { throw error }
            }
            usleep(10_000)
        }
    }

    deinit { closeOnQueue() }

    /// Runs `body` on the connection's queue and returns its result to the awaiting task.
    func run<T>(_ body: @escaping (SQLiteConnection) throws -> T) async throws -> T {
        try await queue.run {
            defer { self.resetActive() }
            return try body(self)
        }
    }

    /// Closes the connection on its queue.
    func close() async {
        await queue.run { self.closeOnQueue() }
    }

    private func closeOnQueue() {
        // Borrowed statements are about to be finalized: `run` must not reset them afterwards.
        active.removeAll()
        for statement in cache.values { sqlite3_finalize(statement) }
        cache.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    // MARK: Synchronous API — call only inside `run`.

    private func resetActive() {
        for statement in active { sqlite3_reset(statement) }
        active.removeAll(keepingCapacity: true)
    }

    /// The one funnel from sqlite3 result codes to TaskqError.
    func check(_ rc: Int32, _ context: @autoclosure () -> String) throws {
        guard rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE else { return }
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "no connection"
        switch rc & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED:
            throw TaskqError.temporary("database '\(TerminalText.escaped(path))' is locked (\(context())): \(message)")
        case SQLITE_NOTADB:
            throw TaskqError.unavailable("'\(TerminalText.escaped(path))' is not an SQLite database")
        case SQLITE_CORRUPT:
            throw TaskqError.unavailable("database '\(TerminalText.escaped(path))' is corrupt: \(message)")
        case SQLITE_FULL:
            // A full disk is temporary: once space is freed the same command succeeds (docs/contracts.md#exit-codes).
            throw TaskqError.temporary("database '\(TerminalText.escaped(path))' cannot grow, the disk is full: \(message)")
        case SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH:
            throw TaskqError.unavailable("database '\(TerminalText.escaped(path))' cannot be used: \(message)")
        case SQLITE_CONSTRAINT:
            throw TaskqError.failed("constraint failed (\(context())): \(message)")
        default:
            if message.hasPrefix("no such table: taskq_") || message.hasPrefix("no such column") {
                throw TaskqError.unavailable("the taskq schema in '\(TerminalText.escaped(path))' is missing or out of date: run `taskq migrate`")
            }
            throw TaskqError.unavailable("sqlite error in \(context()): \(message)")
        }
    }

    /// Turns the schema's triggers on or off for this connection (off for taskq's own: see `openOnQueue`).
    func enableTriggers(_ on: Bool) throws {
        try check(taskq_sqlite3_enable_triggers(handle, on ? 1 : 0), "turning triggers \(on ? "on" : "off")")
    }

    /// Executes one or more statements without results.
    func execute(_ sql: String) throws {
        try check(sqlite3_exec(handle, sql, nil, nil, nil), "executing \(sql.prefix(40))")
    }

    /// A cached prepared statement, reset and with bindings cleared.
    func prepare(_ sql: String) throws -> SQLiteStatement {
        if let cached = cache[sql] {
            sqlite3_reset(cached)
            sqlite3_clear_bindings(cached)
            active.append(cached)
            return SQLiteStatement(connection: self, raw: cached)
        }
        var raw: OpaquePointer?
        try check(sqlite3_prepare_v2(handle, sql, -1, &raw, nil), "preparing \(sql.prefix(60))")
        guard let raw else { throw TaskqError.unavailable("sqlite returned no statement for \(sql.prefix(60))") }
        cache[sql] = raw
        active.append(raw)
        return SQLiteStatement(connection: self, raw: raw)
    }

    /// Runs `body` inside `BEGIN … COMMIT` without taking the write lock: one consistent snapshot for its reads.
    func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            resetActive()
            try execute("COMMIT")
            return value
        } catch {
            resetActive()
            sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            throw error
        }
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT` (the write lock is taken up front), rolling back on error.
    func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            resetActive()
            try execute("COMMIT")
            return value
        } catch {
            resetActive()
            sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            throw error
        }
    }

    /// First column of the first row as text.
    func queryText(_ sql: String) throws -> String? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.text(0) : nil
    }

    /// Rowid of the last insert on this connection.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last statement.
    var changes: Int { Int(sqlite3_changes(handle)) }
}

/// A prepared statement borrowed from the connection's cache. Binding indexes are 1-based.
struct SQLiteStatement {
    let connection: SQLiteConnection
    let raw: OpaquePointer

    @discardableResult
    func bind(_ values: [SQLiteValue]) throws -> SQLiteStatement {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(raw, index)
            case let .int(v): rc = sqlite3_bind_int64(raw, index, v)
            case let .text(v): rc = sqlite3_bind_text(raw, index, v, -1, SQLITE_TRANSIENT)
            case let .blob(v):
                rc = v.withUnsafeBytes { sqlite3_bind_blob64(raw, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64($0.count), SQLITE_TRANSIENT) }
            }
            try connection.check(rc, "binding parameter \(index)")
        }
        return self
    }

    /// Binds text (or NULL for nil) to one parameter.
    func bindText(_ index: Int32, _ value: String?) throws {
        let rc: Int32
        if let value {
            // The bytes and their length as they are (no strlen); SQLite copies them.
            rc = value.utf8.withContiguousStorageIfAvailable { bytes -> Int32 in
                guard let base = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_text(raw, index, "", 0, SQLITE_TRANSIENT) }
                return sqlite3_bind_text(raw, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                         Int32(bytes.count), SQLITE_TRANSIENT)
            } ?? sqlite3_bind_text(raw, index, value, -1, SQLITE_TRANSIENT)
        } else {
            rc = sqlite3_bind_null(raw, index)
        }
        if rc != SQLITE_OK { try connection.check(rc, "binding parameter \(index)") }
    }

    /// Binds an integer (or NULL for nil) to one parameter.
    func bindInt(_ index: Int32, _ value: Int64?) throws {
        let rc = value.map { sqlite3_bind_int64(raw, index, $0) } ?? sqlite3_bind_null(raw, index)
        if rc != SQLITE_OK { try connection.check(rc, "binding parameter \(index)") }
    }

    /// Advances; true when a row is available.
    func step() throws -> Bool {
        let rc = sqlite3_step(raw)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        try connection.check(rc, "running \(String(cString: sqlite3_sql(raw)).prefix(60))")
        return false
    }

    /// Makes the statement ready to bind and run again.
    func reset() {
        sqlite3_reset(raw)
    }

    /// Steps to completion, ignoring rows.
    func run() throws { while try step() {} }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }
    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }
    func optionalInt(_ column: Int32) -> Int64? { isNull(column) ? nil : int(column) }
    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(raw, column) else { return "" }
        return String(cString: pointer)
    }
    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
    /// The column's bytes as stored (a BLOB, or a TEXT's bytes).
    func blob(_ column: Int32) -> [UInt8] {
        let pointer = sqlite3_column_blob(raw, column)
        let count = Int(sqlite3_column_bytes(raw, column))
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}

/// A value bound to a statement parameter.
enum SQLiteValue {
    case null
    case int(Int64)
    case text(String)
    /// Arbitrary bytes, bound as a BLOB.
    case blob([UInt8])

    static func optional(_ value: Int64?) -> SQLiteValue { value.map { .int($0) } ?? .null }
    static func optional(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
}
