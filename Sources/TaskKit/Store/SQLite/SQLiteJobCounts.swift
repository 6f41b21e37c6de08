/// Keeps `taskq_job_counts` (migration 0007: jobs per queue and state, read by `counts()`) for the changes taskq
/// makes itself.
///
/// The schema keeps the table right for any writer with row triggers (another process, an older taskq during an
/// upgrade, the sqlite3 shell). taskq's own connections turn triggers off (`SQLiteConnection`) and record the same
/// changes here instead, netted per batch, inside the same write transaction: a row trigger costs a few microseconds
/// for every job that moves, about a sixth of a drain's time per job. So every statement of `SQLiteStore` that
/// inserts, deletes or moves jobs between states or queues must report it here.
struct SQLiteJobCounts {
    private struct Key: Hashable {
        let queue: String
        let state: String
    }

    private var delta: [Key: Int64] = [:]

    mutating func add(queue: String, state: String, _ n: Int64) {
        delta[Key(queue: queue, state: state), default: 0] += n
    }

    mutating func move(queue: String, from: String, to: String) {
        add(queue: queue, state: from, -1)
        add(queue: queue, state: to, 1)
    }

    /// Writes the net changes: one UPSERT per (queue, state) that changed.
    func apply(_ db: SQLiteConnection) throws {
        for (key, n) in delta where n != 0 {
            try db.prepare("""
                INSERT INTO taskq_job_counts (queue, state, n) VALUES (?1, ?2, ?3)
                ON CONFLICT (queue, state) DO UPDATE SET n = n + excluded.n
                """).bind([.text(key.queue), .text(key.state), .int(n)]).run()
        }
    }

    /// Runs `body`, which may move the jobs `ids` (and no others) between states and queues, and records where they
    /// were before and are after (two reads: for an operator's change of one job; the claim records its moves
    /// directly). Ids that do not exist count for nothing.
    static func tracking<T>(_ ids: [Int64], _ db: SQLiteConnection, _ body: () throws -> T) throws -> T {
        guard !ids.isEmpty else { return try body() }
        var counts = SQLiteJobCounts()
        try counts.read(ids, db) { counts, queue, state in counts.add(queue: queue, state: state, -1) }
        let value = try body()
        try counts.read(ids, db) { counts, queue, state in counts.add(queue: queue, state: state, 1) }
        try counts.apply(db)
        return value
    }

    /// Records that the jobs `ids`, all running before, moved to the state they are in now: a batch of outcomes,
    /// read once after it (one read rather than a RETURNING per job, which costs SQLite a temporary table each).
    static func movedFromRunning(_ ids: [Int64], _ db: SQLiteConnection) throws {
        guard !ids.isEmpty else { return }
        var counts = SQLiteJobCounts()
        try counts.read(ids, db) { counts, queue, state in counts.move(queue: queue, from: JobState.running.rawValue, to: state) }
        try counts.apply(db)
    }

    private mutating func read(_ ids: [Int64], _ db: SQLiteConnection,
                               _ each: (inout SQLiteJobCounts, _ queue: String, _ state: String) -> Void) throws {
        let select: SQLiteStatement
        if ids.count == 1 {
            select = try db.prepare("SELECT queue, state FROM taskq_jobs WHERE id = ?").bind([.int(ids[0])])
        } else {
            select = try db.prepare("SELECT queue, state FROM taskq_jobs WHERE id IN (SELECT value FROM json_each(?))")
                .bind([.text("[" + ids.map { String($0) }.joined(separator: ",") + "]")])
        }
        while try select.step() { each(&self, select.text(0), select.text(1)) }
    }
}

extension SQLiteConnection {
    /// `writeTransaction` whose body may move the jobs `ids` (and no others) between states and queues; their
    /// moves are recorded in `taskq_job_counts` in the same transaction (`SQLiteJobCounts.tracking`).
    func writeTransaction<T>(moving ids: [Int64], _ body: () throws -> T) throws -> T {
        try writeTransaction { try SQLiteJobCounts.tracking(ids, self, body) }
    }
}
