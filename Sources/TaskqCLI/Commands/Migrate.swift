import ArgumentParser
import TaskKit

struct Migrate: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the taskq schema (idempotent; safe to run concurrently).",
        discussion: "The SQL migrations are embedded in the binary. With --list, show applied and pending versions.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Flag(name: .long, help: "List applied and pending migrations without applying anything.")
    var list = false

    @Flag(name: .long, help: "Print the SQL that migrate applies (for teams that apply schema with their own tools); connects to nothing.")
    var sql = false

    func validate() throws {
        if sql && (list || output.json) {
            throw ValidationError("--sql prints the SQL script itself; it cannot be combined with \(list ? "--list" : "--json")")
        }
    }

    func run(registry: TaskRegistry) async throws {
        let context = try Context(store, registry: registry)
        let database = try context.databaseURL()
        let url = database.display
        if sql {
            print(try MigrationScript.sql(for: database), terminator: "")
            return
        }
        if list {
            let status = try await context.withStore(checkSchema: false) { try await $0.migrationStatus() }
            if output.json {
                Output.json(.obj(("database", .string(url)), ("migrations", .array(status.map {
                    .obj(("version", .int(Int64($0.version))), ("name", .string($0.name)),
                         ("applied", .bool($0.appliedAt != nil)), ("applied_at", .time($0.appliedAt)), ("known", .bool($0.known)))
                }))))
            } else {
                Output.table(["VERSION", "NAME", "STATUS", "APPLIED AT"], status.map {
                    [zeroPadded($0.version), $0.name, $0.appliedAt == nil ? "pending" : "applied",
                     $0.appliedAt.map(TimeFormat.short) ?? "-"]
                })
            }
            if let newest = status.filter({ !$0.known }).map(\.version).max() {
                Output.warning("the store has version \(zeroPadded(newest)), newer than this taskq knows: upgrade taskq (other commands refuse this store)")
            }
            return
        }
        let (applied, warnings) = try await context.withStore(create: true) { store in
            (try await store.migrate(now: Clock.now()), await store.durabilityWarnings())
        }
        warnings.forEach(Output.warning)
        if output.json {
            Output.json(.obj(("database", .string(url)), ("migrations", .array(applied.map {
                .obj(("version", .int(Int64($0.version))), ("name", .string($0.name)), ("applied", .bool(true)),
                     ("applied_at", .time($0.appliedAt)))
            }))))
        } else if applied.isEmpty {
            Output.line("No migrations to apply: \(url) is up to date.")
        } else {
            for m in applied { Output.line("Applied \(zeroPadded(m.version))_\(m.name)") }
            Output.line("\(url) is up to date.")
        }
    }
}

/// `1` → `0001`.
func zeroPadded(_ value: Int) -> String {
    let digits = "\(value)"
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
