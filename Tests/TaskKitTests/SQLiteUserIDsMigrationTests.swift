import Testing
import TaskqMigrations
@testable import TaskKit

/// SQLite's migration 0010 rebuilds the user and token tables with AUTOINCREMENT: what was there stays, with its
/// ids, and removing a user still revokes its tokens.
@Suite("SQLite: user and token ids after migration 0010")
struct SQLiteUserIDsMigrationTests {
    @Test func existingUsersAndTokensSurviveTheRebuild() async throws {
        let location = try await Backend.sqlite.makeLocation()
        let store = try await location.open(create: true)
        let raw = try await SQLiteConnection.open(path: String(location.url.dropFirst("sqlite:".count)), create: false)
        try await raw.run { db in
            try db.writeTransaction {
                _ = try SQLMigrations.apply(Array(MigrationCatalog.sqlite.prefix(9)), on: db, now: t0)
                try db.execute("""
                    INSERT INTO taskq_users (id, name, role, password_hash, created_at, updated_at) VALUES
                        (1, 'ann', 'admin', 'h', 1, 1), (2, 'bo', 'viewer', 'h', 1, 1);
                    INSERT INTO taskq_tokens (id, user_id, name, token_hash, created_at) VALUES
                        (1, 1, 'a1', 'x1', 1), (2, 2, 'b1', 'x2', 1), (3, 2, 'b2', 'x3', 1);
                    """)
            }
        }
        #expect(try await store.migrate(now: t0).map(\.version) == [10])
        #expect(try await store.users().map { "\($0.id):\($0.name)" } == ["1:ann", "2:bo"])
        #expect(try await store.tokens(user: nil).map { "\($0.id):\($0.user)" } == ["1:ann", "2:bo", "3:bo"])
        #expect(try await store.removeUser(named: "bo") == 2)
        #expect(try await store.tokens(user: nil).map(\.id) == [1])
        let next = try #require(try await store.addUser(NewUser(name: "cy", email: nil, role: .viewer, passwordHash: UserConformanceTests.hash), now: t0))
        #expect(next.id == 3)
        let integrity = try await raw.run { db in try db.prepare("PRAGMA foreign_key_check").step() }
        #expect(!integrity, "no token refers to a missing user")
    }
}
