/// Job output in PostgreSQL (`taskq_job_output`, migration 4): one row per job, attempt and stream holding the kept
/// tail as `bytea` (sent and read as hex text) and the total bytes written. An append is one upsert whose SELECT is
/// the ownership guard, holding the job row `FOR SHARE` so a finish or rescue cannot slip in between; the rows go with
/// their job (`ON DELETE CASCADE`).
extension PostgresStore {
    public func appendOutput(_ chunk: [UInt8], skipped: Int64, jobID: Int64, attempt: Int, stream: OutputStreamName,
                             worker: String, cap: Int) async throws -> Bool {
        precondition(cap >= 1, "output cap must be at least 1 byte")
        let params: [String?] = [String(jobID), String(attempt), stream.rawValue, Hex.encode(chunk), String(cap),
                                 String(skipped), worker]
        return try await connection.run { db in
            try db.exec(Self.appendOutputSQL, params).rowCount == 1
        }
    }

    public func output(jobID: Int64, attempt: Int, stream: OutputStreamName) async throws -> JobOutput? {
        try await connection.run { db in
            let r = try db.exec("""
                SELECT encode(data, 'hex'), total_bytes - length(data) FROM taskq_job_output
                WHERE job_id = $1 AND attempt = $2 AND stream = $3
                """, [String(jobID), String(attempt), stream.rawValue])
            guard r.rowCount == 1 else { return nil }
            guard let bytes = Hex.decode(r.string(0, 0)) else { throw TaskqError.unavailable("PostgreSQL returned output that is not hex") }
            return JobOutput(bytes: bytes, dropped: r.int(0, 1))
        }
    }

    /// $1 job, $2 attempt, $3 stream, $4 chunk (hex), $5 cap, $6 skipped, $7 worker.
    static let appendOutputSQL = """
        INSERT INTO taskq_job_output (job_id, attempt, stream, data, total_bytes)
        SELECT j.id, j.attempt, $3, substring(c.b FROM greatest(1, length(c.b) - $5::integer + 1)), $6::bigint + length(c.b)
        FROM taskq_jobs j, (SELECT decode($4, 'hex') AS b) c
        WHERE j.id = $1::bigint AND j.state = 'running' AND j.worker = $7 AND j.attempt = $2::integer
        FOR SHARE OF j
        ON CONFLICT (job_id, attempt, stream) DO UPDATE SET
            data = CASE WHEN $6::bigint > 0 THEN EXCLUDED.data
                   ELSE substring(taskq_job_output.data || EXCLUDED.data
                                  FROM greatest(1, length(taskq_job_output.data) + length(EXCLUDED.data) - $5::integer + 1)) END,
            total_bytes = taskq_job_output.total_bytes + EXCLUDED.total_bytes
        RETURNING 1
        """
}
