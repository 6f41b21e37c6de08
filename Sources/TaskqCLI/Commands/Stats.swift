import ArgumentParser
import TaskKit

struct Stats: TaskqSubcommand {
    static let configuration = CommandConfiguration(abstract: "Count jobs per queue and state.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption

    func run(registry: TaskRegistry) async throws {
        let counts = try await Context(store, registry: registry).withStore { try await $0.counts() }
        let queues = Array(Set(counts.map(\.queue))).sorted()
        var byState: [JobState: Int] = [:]
        for c in counts { byState[c.state, default: 0] += c.count }
        let total = counts.reduce(0) { $0 + $1.count }
        if output.json {
            func stateObject(_ pick: (JobState) -> Int) -> JSONValue {
                .object(JobState.allCases.map { ($0.rawValue, .int(Int64(pick($0)))) })
            }
            let perQueue: [(String, JSONValue)] = queues.map { queue in
                (queue, stateObject { state in counts.first { $0.queue == queue && $0.state == state }?.count ?? 0 })
            }
            Output.json(.obj(("total", .int(Int64(total))), ("by_state", stateObject { byState[$0] ?? 0 }),
                             ("by_queue", .object(perQueue))))
            return
        }
        let states = JobState.allCases
        var rows: [[String]] = queues.map { queue in
            let row = states.map { state in counts.first { $0.queue == queue && $0.state == state }?.count ?? 0 }
            return [queue] + row.map(String.init) + [String(row.reduce(0, +))]
        }
        rows.append(["TOTAL"] + states.map { String(byState[$0] ?? 0) } + [String(total)])
        Output.table(["QUEUE"] + states.map { $0.rawValue.uppercased() } + ["TOTAL"], rows)
    }
}
