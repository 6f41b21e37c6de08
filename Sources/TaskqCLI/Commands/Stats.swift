import ArgumentParser
import TaskKit

struct Stats: TaskqSubcommand {
    static let configuration = CommandConfiguration(abstract: "Count jobs per queue and state.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption

    func run(registry: TaskRegistry) async throws {
        let counts = JobCounts(try await Context(store, registry: registry).withStore { try await $0.counts() })
        if output.json {
            func stateObject(_ pick: (JobState) -> Int) -> JSONValue {
                .object(JobState.allCases.map { ($0.rawValue, .int(Int64(pick($0)))) })
            }
            let perQueue: [(String, JSONValue)] = counts.queues.map { queue in
                (queue, stateObject { counts.count(queue: queue, state: $0) })
            }
            Output.json(.obj(("total", .int(Int64(counts.total))), ("by_state", stateObject { counts.count(state: $0) }),
                             ("by_queue", .object(perQueue))))
            return
        }
        let states = JobState.allCases
        var rows: [[String]] = counts.queues.map { queue in
            [queue] + states.map { String(counts.count(queue: queue, state: $0)) } + [String(counts.total(queue: queue))]
        }
        rows.append(["TOTAL"] + states.map { String(counts.count(state: $0)) } + [String(counts.total)])
        Output.table(["QUEUE"] + states.map { $0.rawValue.uppercased() } + ["TOTAL"], rows)
    }
}
