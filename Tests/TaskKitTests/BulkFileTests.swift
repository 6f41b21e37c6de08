import Testing
@testable import TaskKit

/// `create-job --from-file`: a file that streams (more lines than `inMemoryLines`) writes the same jobs, in the same
/// order and batches, as one held in memory; a bad line anywhere writes nothing in either.
@Suite("Bulk files: in memory and streamed alike")
struct BulkFileTests {
    static func text(_ count: Int, badLine: Int? = nil) -> [UInt8] {
        var lines = (1...count).map { #"{"name":"n\#($0)","task":"noop","queue":"q\#($0 % 3)","args":{"i":\#($0)}}"# }
        lines[4] = "  \t"
        if let badLine { lines[badLine - 1] = #"{"name":"bad","task":"noop","args":[1]}"# }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// Writes `bytes` through `BulkFile` into a fresh SQLite store; the jobs' names in id order and the batch sizes.
    func write(_ bytes: [UInt8], inMemoryLines: Int) async throws -> (names: [String], batches: [Int], checked: CheckedBulk) {
        let store = try await Backend.sqlite.makeLocation().migrated()
        let file = BulkFile(bytes: bytes, source: "jobs.jsonl", inMemoryLines: inMemoryLines)
        let parsed = try await file.parse()
        #expect((parsed.requests == nil) == (file.lineCount > inMemoryLines) && parsed.tasks == ["noop"])
        let builder = JobBuilder(config: TaskqConfig(), registry: .builtins())
        let now = Clock.now()
        let checked = try await file.check(parsed, builder: builder, now: now)
        var ids: [Int64] = []
        var batches: [Int] = []
        try await file.enqueue(checked, store: store, batchSize: 40) { batch in
            ids += batch.map(\.id)
            batches.append(batch.count)
        }
        var names: [String] = []
        for id in ids { names.append(try #require(try await store.job(id: id)).name) }
        await store.close()
        return (names, batches, checked)
    }

    @Test func aStreamedFileWritesWhatAnInMemoryOneWrites() async throws {
        let bytes = Self.text(2_345)
        let held = try await write(bytes, inMemoryLines: 100_000)
        let streamed = try await write(bytes, inMemoryLines: 100)
        let expected = (1...2_345).filter { $0 != 5 }.map { "n\($0)" }
        #expect(held.names == expected && streamed.names == expected)
        #expect(held.checked.count == 2_344 && streamed.checked.count == 2_344)
        #expect(held.checked.queues == ["q0", "q1", "q2"] && streamed.checked.queues == held.checked.queues)
        // Batches of 40 lines: the blank line makes the first batch one job short when streamed.
        #expect(held.batches.reduce(0, +) == 2_344 && streamed.batches.reduce(0, +) == 2_344)
        #expect(streamed.batches.first == 39 && streamed.batches.dropFirst().allSatisfy { $0 <= 40 })
    }

    /// "More than `inMemoryLines` lines": the empty rest after a final newline is no line.
    @Test func aFileOfExactlyTheLimitIsHeldInMemory() async throws {
        let file = BulkFile(bytes: Array("{\"task\":\"noop\"}\n{\"task\":\"noop\"}\n".utf8), source: "f", inMemoryLines: 2)
        let parsed = try await file.parse()
        #expect(file.lineCount == 2 && parsed.requests?.count == 2)
        let longer = BulkFile(bytes: Array("{\"task\":\"noop\"}\n\n{\"task\":\"noop\"}".utf8), source: "f", inMemoryLines: 2)
        let streamed = try await longer.parse()
        #expect(longer.lineCount == 3 && streamed.requests == nil)
    }

    /// A line that is not JSON is found by `parse`, before any store is needed, in either path.
    @Test func parseFindsTheFirstBadLineWithoutAStore() async {
        var lines = (1...3_000).map { _ in #"{"task":"noop"}"# }
        lines[2_000] = "{"
        lines[2_500] = "[]"
        for inMemoryLines in [100_000, 10] {
            let file = BulkFile(bytes: Array(lines.joined(separator: "\n").utf8), source: "f", inMemoryLines: inMemoryLines)
            await #expect(throws: TaskqError.self) { _ = try await file.parse() }
            do { _ = try await file.parse() } catch let error as TaskqError {
                #expect(error.exitCode == 65 && error.description.hasPrefix("f line 2001: "), "\(error)")
            } catch { Issue.record("\(error)") }
        }
    }

    @Test func aBadLineWritesNothingAndIsNamed() async throws {
        for inMemoryLines in [100_000, 100] {
            for badLine in [3, 2_300] {
                let location = try await Backend.sqlite.makeLocation()
                let store = try await location.migrated()
                let file = BulkFile(bytes: Self.text(2_345, badLine: badLine), source: "jobs.jsonl", inMemoryLines: inMemoryLines)
                do {
                    let parsed = try await file.parse()
                    let checked = try await file.check(parsed, builder: JobBuilder(config: TaskqConfig(), registry: .builtins()),
                                                       now: Clock.now())
                    try await file.enqueue(checked, store: store) { _ in Issue.record("a batch was written") }
                    Issue.record("line \(badLine) accepted")
                } catch let error as TaskqError {
                    #expect(error.exitCode == 65 && error.description.hasPrefix("jobs.jsonl line \(badLine): "), "\(error)")
                }
                #expect(try await store.job(id: 1) == nil)
                await store.close()
            }
        }
    }
}
