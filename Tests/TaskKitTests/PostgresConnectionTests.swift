import Testing
import TaskqTestSupport
@testable import TaskKit

/// A server on this machine is reached without TLS or GSSAPI negotiation (`PostgresTarget.loopbackDefaults`), yet a
/// server that insists on TLS still gets it, and the URL's own `sslmode` wins.
@Suite("PostgreSQL connections on this machine")
struct PostgresConnectionTests {
    @Test func aLoopbackServerIsReachedWithoutTLSUnlessItInsists() async throws {
        let server = try TestServers.dedicatedPostgresWithTLS(hba: "local all all trust\nhost all all 127.0.0.1/32 trust\n")
        // The server takes either: taskq connects in plain text, and TLS when the URL asks for it.
        #expect(try await usesTLS(server.url) == false)
        #expect(try await usesTLS(server.url + "?sslmode=require") == true)

        // TLS only (hostssl): the same plain URL still connects, over TLS.
        let owner = try #require(try await StoreFactory.open(url: server.url) as? PostgresStore)
        _ = try await owner.connection.run { db in try db.exec("CREATE ROLE app LOGIN PASSWORD 'right-one'", [], prepare: false) }
        await owner.close()
        try server.setHBA("local all all trust\nhostssl all postgres 127.0.0.1/32 trust\nhostssl all app 127.0.0.1/32 scram-sha-256\n")
        #expect(try await usesTLS(server.url) == true)
        let app = server.url.replacingOccurrences(of: "postgres://postgres@", with: "postgres://app:right-one@")
        #expect(try await usesTLS(app) == true)
        // A wrong password is reported as such: the refused plain attempt before it is not the news.
        do {
            _ = try await usesTLS(app.replacingOccurrences(of: "right-one", with: "wrong-one"))
            Issue.record("a wrong password connected")
        } catch let error as TaskqError {
            #expect(error.description.contains("password authentication failed") && !error.description.contains("wrong-one"), "\(error)")
        }
        do {
            _ = try await usesTLS(server.url + "?sslmode=disable")
            Issue.record("sslmode=disable connected to a server that accepts only TLS")
        } catch let error as TaskqError {
            #expect(error.exitCode == 69 && error.description.contains("no pg_hba.conf entry"), "\(error)")
        }
    }

    /// The schema check is one statement; a role that may not use the schema is told so, not to run `migrate`.
    @Test func aRoleWithoutAccessToTheSchemaIsToldSo() async throws {
        let location = try await Backend.postgres.makeLocation()
        let owner = try #require(try await location.migrated() as? PostgresStore)
        let role = "r_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        _ = try await owner.connection.run { db in try db.exec("CREATE ROLE \(role) LOGIN", [], prepare: false) }
        await owner.close()
        let url = location.url.replacingOccurrences(of: "postgres://postgres@", with: "postgres://\(role)@")
        let store = try await StoreFactory.open(url: url)
        do {
            try await store.requireSchema()
            Issue.record("a role without USAGE on the schema passed the schema check")
        } catch let error as TaskqError {
            #expect(error.description.contains("permission denied for schema") && !error.description.contains("migrate"), "\(error)")
        }
        await store.close()
        // The owner, on a schema that does not exist yet: the usual advice.
        let missing = try await StoreFactory.open(url: location.url.replacingOccurrences(of: "?schema=", with: "?schema=none_"))
        do {
            try await missing.requireSchema()
            Issue.record("a missing schema passed the schema check")
        } catch let error as TaskqError {
            #expect(error.exitCode == 69 && error.description.contains("taskq migrate"), "\(error)")
        }
        await missing.close()
    }

    /// A worker waits for NOTIFY on its one connection. A statement queued meanwhile (a running job's output, a start
    /// report) runs at once instead of after the wait, and the wait goes on afterwards: it still returns on a NOTIFY
    /// of its queue, and at its timeout otherwise.
    @Test func aStatementQueuedBehindAListenWaitRunsAtOnce() async throws {
        let location = try await Backend.postgres.makeLocation()
        let store = try #require(try await location.migrated() as? PostgresStore)
        let waitStarted = Clock.monotonicSeconds()
        let waiting = Task { await store.waitForWork(queues: ["q"], timeout: 20); return Clock.monotonicSeconds() - waitStarted }
        try await Task.sleep(nanoseconds: 300_000_000)
        let queued = Clock.monotonicSeconds()
        for _ in 0..<3 { _ = try await store.job(id: 1) }
        let tookSeconds = Clock.monotonicSeconds() - queued
        #expect(tookSeconds < 10, "three reads behind a 20 s wait took \(tookSeconds) s")
        // Still waiting after giving way: a NOTIFY of its queue (an enqueue to it) ends the wait.
        try await Task.sleep(nanoseconds: 300_000_000)
        let other = try await StoreFactory.open(url: location.url)
        _ = try await other.enqueue([newJob("wake", queue: "q")], now: Clock.now())
        await other.close()
        let waited = await waiting.value
        #expect(waited > 0.5 && waited < 10, "the wait ended after \(waited) s")
        // A wait with nothing to wake it lasts its timeout, even when statements come and go.
        let short = Task { await store.waitForWork(queues: ["q"], timeout: 1.5); return Clock.monotonicSeconds() }
        let shortStarted = Clock.monotonicSeconds()
        for _ in 0..<5 { _ = try await store.job(id: 1); try await Task.sleep(nanoseconds: 100_000_000) }
        #expect(await short.value - shortStarted >= 1.4)
        await store.close()
    }

    /// After the server restarts, the wait LISTENs again on the new connection, even when another statement made that
    /// connection first (libpq may give the new handle the old one's address).
    @Test func waitsHearNotificationsAgainAfterTheServerRestarts() async throws {
        let server = try TestServers.dedicatedPostgres()
        let store = try #require(try await StoreFactory.open(url: server.url) as? PostgresStore)
        _ = try await store.migrate(now: Clock.now())
        await store.waitForWork(queues: ["q"], timeout: 0.2)   // LISTEN issued
        try server.restart()
        // A statement reconnects first (its first try may meet the dead connection).
        var reconnected = false
        for _ in 0..<40 where !reconnected {
            do { _ = try await store.job(id: 1); reconnected = true } catch { try await Task.sleep(nanoseconds: 250_000_000) }
        }
        #expect(reconnected)
        let started = Clock.monotonicSeconds()
        let waiting = Task { await store.waitForWork(queues: ["q"], timeout: 20); return Clock.monotonicSeconds() - started }
        try await Task.sleep(nanoseconds: 500_000_000)
        let other = try await StoreFactory.open(url: server.url)
        _ = try await other.enqueue([newJob("wake", queue: "q")], now: Clock.now())
        await other.close()
        let waited = await waiting.value
        #expect(waited < 10, "the wait after the restart heard no NOTIFY: it ended after \(waited) s")
        await store.close()
    }

    /// A session that cannot write (a standby after a failover, `default_transaction_read_only`) is a temporary
    /// failure, and the connection is made again: a worker once kept its read-only session for good after the role's
    /// setting was reset.
    @Test func aReadOnlySessionIsTemporaryAndReplaced() async throws {
        let location = try await Backend.postgres.makeLocation()
        let owner = try #require(try await location.migrated() as? PostgresStore)
        let role = "ro_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let schema = String(location.url.split(separator: "=").last!)
        _ = try await owner.connection.run { db in
            for statement in ["CREATE ROLE \(role) LOGIN", "GRANT USAGE ON SCHEMA \(schema) TO \(role)",
                              "GRANT ALL ON ALL TABLES IN SCHEMA \(schema) TO \(role)", "GRANT ALL ON ALL SEQUENCES IN SCHEMA \(schema) TO \(role)",
                              "ALTER ROLE \(role) SET default_transaction_read_only = on"] {
                try db.exec(statement, [], prepare: false)
            }
        }
        let store = try await StoreFactory.open(url: location.url.replacingOccurrences(of: "postgres://postgres@", with: "postgres://\(role)@"))
        do {
            _ = try await store.enqueue([newJob("ro")], now: Clock.now())
            Issue.record("a read-only session wrote a job")
        } catch let error as TaskqError {
            #expect(error.exitCode == 75 && error.description.contains("takes no writes now"), "\(error)")
        }
        _ = try await owner.connection.run { db in try db.exec("ALTER ROLE \(role) RESET default_transaction_read_only", [], prepare: false) }
        let written = try await store.enqueue([newJob("rw")], now: Clock.now())
        #expect(written.count == 1, "the same store writes once the role may")
        await store.close()
        await owner.close()
    }

    /// Whether the store's connection to `url` is encrypted, from the server's own view (`pg_stat_ssl`).
    private func usesTLS(_ url: String) async throws -> Bool {
        let store = try #require(try await StoreFactory.open(url: url) as? PostgresStore)
        do {
            let ssl = try await store.connection.run { db in
                try db.exec("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", [], prepare: false).bool(0, 0)
            }
            await store.close()
            return ssl
        } catch {
            await store.close()
            throw error
        }
    }
}
