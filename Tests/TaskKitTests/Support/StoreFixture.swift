import Foundation
import Testing
import TaskqTestSupport
@testable import TaskKit

/// A backend the conformance suite runs against. Each case opens fresh, isolated stores.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres
    case redis

    var testDescription: String { rawValue }

    /// A fresh, migrated store location; `open` gives further connections to the same one.
    func makeLocation() async throws -> StoreLocation {
        let location: StoreLocation
        switch self {
        case .sqlite:
            let dir = try TempDir()
            location = StoreLocation(url: "sqlite:\(dir.path)/taskq.sqlite3", dir: dir)
        case .postgres:
            // Each location is its own schema in the shared throwaway cluster.
            let schema = "t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
            location = StoreLocation(url: try TestServers.postgresURL() + "?schema=\(schema)", dir: try TempDir())
        case .redis:
            // Each location is its own key prefix in the shared throwaway redis-server.
            let prefix = "t" + UUID().uuidString.prefix(12).lowercased()
            location = StoreLocation(url: try TestServers.redisURL() + "?prefix=\(prefix)", dir: try TempDir())
        }
        // Stores outlive the expression that made them; keep their directories until the process ends.
        StoreLocation.live.withLock { $0.append(location) }
        return location
    }
}

/// One isolated database; keeps its temp directory alive.
final class StoreLocation: @unchecked Sendable {
    static let live = TaskKit.Locked<[StoreLocation]>([])
    let url: String
    let dir: TempDir

    init(url: String, dir: TempDir) {
        self.url = url
        self.dir = dir
    }

    func open(create: Bool = false) async throws -> TaskqStore {
        try await StoreFactory.open(url: url, create: create)
    }

    /// A migrated store.
    func migrated() async throws -> TaskqStore {
        let store = try await open(create: true)
        _ = try await store.migrate(now: Clock.now())
        return store
    }
}

/// A temporary directory removed on deinit.
final class TempDir: @unchecked Sendable {
    let path: String

    /// Removes directories left by earlier test processes that have exited.
    private static let sweep: Void = {
        let tmp = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? [] where name.hasPrefix("taskq-test-") {
            let parts = name.split(separator: "-")
            if parts.count > 2, let pid = Int32(parts[2]), pid != getpid(), kill(pid, 0) != 0 {
                try? FileManager.default.removeItem(at: tmp.appendingPathComponent(name))
            }
        }
    }()

    init() throws {
        _ = TempDir.sweep
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("taskq-test-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
        TestServers.removeAtExit(path)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Builds a job with test defaults.
func newJob(_ name: String = "job", task: String = "noop", queue: String = "default", priority: Int = 5,
            maxRetries: Int = 3, runAt: Millis? = nil, uniqueKey: String? = nil, args: JSONValue = .object([])) -> NewJob {
    NewJob(name: name, task: task, args: args, queue: queue, priority: priority, maxRetries: maxRetries, runAt: runAt, uniqueKey: uniqueKey)
}

/// A fixed clock for store calls.
let t0: Millis = 1_800_000_000_000

/// The tasks the conformance tests enqueue; test claims take all of them unless a test says otherwise.
let testTasks = ["noop", "echo", "shell", "sleep", "fail"]

extension JobStore {
    /// A claim of every test task.
    func claim(queues: [String], limit: Int, worker: String, now: Millis, leaseUntil: Millis) async throws -> [Job] {
        try await claim(queues: queues, tasks: testTasks, limit: limit, worker: worker, now: now, leaseUntil: leaseUntil)
    }

    /// One rescue pass through the engine's rescuer (the store lists, the engine decides, the store applies).
    func rescueExpired(now: Millis, limit: Int) async throws -> [RescuedJob] {
        try await Rescuer.rescueBatch(store: self, now: now, limit: limit).rescued
    }
}
