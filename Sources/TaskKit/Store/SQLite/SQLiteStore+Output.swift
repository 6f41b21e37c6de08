/// Job output in SQLite (`taskq_job_output`, migration 4): one row per job, attempt and stream holding the kept tail
/// as a BLOB and the total bytes written. An append is one upsert whose SELECT is the ownership guard; the rows go
/// with their job (`ON DELETE CASCADE`).
extension SQLiteStore {
    public func appendOutput(_ chunk: [UInt8], skipped: Int64, jobID: Int64, attempt: Int, stream: OutputStreamName,
                             worker: String, cap: Int) async throws -> Bool {
        precondition(cap >= 1, "output cap must be at least 1 byte")
        let params: [SQLiteValue] = [.int(jobID), .int(Int64(attempt)), .text(stream.rawValue), .blob(chunk),
                                     .int(Int64(cap)), .int(skipped), .text(worker)]
        return try await connection.run { db in
            try db.writeTransaction {
                try db.prepare(Self.appendOutputSQL).bind(params).run()
                return db.changes == 1
            }
        }
    }

    public func output(jobID: Int64, attempt: Int, stream: OutputStreamName) async throws -> JobOutput? {
        try await connection.run { db in
            let select = try db.prepare("""
                SELECT data, total_bytes FROM taskq_job_output WHERE job_id = ? AND attempt = ? AND stream = ?
                """).bind([.int(jobID), .int(Int64(attempt)), .text(stream.rawValue)])
            guard try select.step() else { return nil }
            let bytes = select.blob(0)
            return JobOutput(bytes: bytes, dropped: select.int(1) - Int64(bytes.count))
        }
    }

    /// ?1 job, ?2 attempt, ?3 stream, ?4 chunk, ?5 cap, ?6 skipped, ?7 worker. `||` on BLOBs gives TEXT with the same
    /// bytes, so the result is cast back before `substr` (which counts bytes on a BLOB; a negative start keeps the tail).
    static let appendOutputSQL = """
        INSERT INTO taskq_job_output (job_id, attempt, stream, data, total_bytes)
        SELECT id, attempt, ?3, substr(CAST(?4 AS BLOB), -?5), ?6 + length(CAST(?4 AS BLOB))
        FROM taskq_jobs WHERE id = ?1 AND state = 'running' AND worker = ?7 AND attempt = ?2
        ON CONFLICT (job_id, attempt, stream) DO UPDATE SET
            data = CASE WHEN ?6 > 0 THEN excluded.data ELSE substr(CAST(data || excluded.data AS BLOB), -?5) END,
            total_bytes = total_bytes + excluded.total_bytes
        """
}
