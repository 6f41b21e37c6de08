/// Job output in Redis: one Lua script per append (guard, append, trim to the cap, count) and per read; keys in
/// docs/redis.md. Arguments and replies travel as bytes, so output need not be UTF-8.
extension RedisStore {
    public func appendOutput(_ chunk: [UInt8], skipped: Int64, jobID: Int64, attempt: Int, stream: OutputStreamName,
                             worker: String, cap: Int) async throws -> Bool {
        precondition(cap >= 1, "output cap must be at least 1 byte")
        let args: [[UInt8]] = [String(jobID), String(attempt), stream.rawValue, worker, String(cap), String(skipped)]
            .map { Array($0.utf8) } + [chunk]
        return try await connection.run { db in
            try self.eval(db, RedisScripts.appendOutput, bytes: args).int == 1
        }
    }

    public func output(jobID: Int64, attempt: Int, stream: OutputStreamName) async throws -> JobOutput? {
        let args = [String(jobID), String(attempt), stream.rawValue].map { Array($0.utf8) }
        return try await connection.run { db in
            let reply = try self.eval(db, RedisScripts.readOutput, bytes: args).array
            guard reply.count == 2, let bytes = reply[0].bytes, let total = reply[1].int else { return nil }
            return JobOutput(bytes: bytes, dropped: total - Int64(bytes.count))
        }
    }
}
