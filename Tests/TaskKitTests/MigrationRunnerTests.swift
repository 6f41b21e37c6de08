import Testing
@testable import TaskqMigrations
@testable import TaskKit

/// The SQL migration runner with version gaps (branches adding migrations are merged in any order).
@Suite("Migrations: gaps in versions")
struct MigrationRunnerTests {
    final class FakeConnection: MigrationConnection {
        var applied: [Int: Millis]
        var scripts: [String] = []
        init(applied: [Int: Millis]) { self.applied = applied }
        func runScript(_ sql: String) throws { scripts.append(sql) }
        func recordedMigrations() throws -> [Int: Millis] { applied }
        func appliedMigrations() throws -> [Int: Millis] { applied }
        func recordMigration(_ migration: Migration, at now: Millis) throws { applied[migration.version] = now }
    }

    let catalog = [1, 2, 3, 4].map { Migration(version: $0, name: "m\($0)", fileName: "x_000\($0)_m\($0).sql", sql: "-- \($0)") }

    @Test func aMissingMiddleVersionIsBehindAndGetsApplied() throws {
        let db = FakeConnection(applied: [1: 1, 2: 1, 4: 1])
        #expect(throws: TaskqError.self) { try SQLMigrations.require(catalog, on: db, place: "db") }
        #expect(try SQLMigrations.apply(catalog, on: db, now: 5).map(\.version) == [3])
        try SQLMigrations.require(catalog, on: db, place: "db")
    }

    @Test func aCatalogWithAGapIsCurrentOnceAllItsVersionsAreApplied() throws {
        let gapped = catalog.filter { $0.version != 3 }
        let db = FakeConnection(applied: [:])
        #expect(try SQLMigrations.apply(gapped, on: db, now: 5).map(\.version) == [1, 2, 4])
        try SQLMigrations.require(gapped, on: db, place: "db")
        db.applied[5] = 6
        #expect(throws: TaskqError.self) { try SQLMigrations.require(gapped, on: db, place: "db") }
    }
}
