/// One row of `taskq list-tasks`.
public struct TaskListing: Sendable, Equatable {
    public var name: String
    public var description: String
    /// `builtin`, `config`, `swift`, `store`, or `worker` for a task only workers elsewhere announced.
    public var source: String
}

extension TaskRegistry {
    /// The tasks jobs can name: this registry's, then those in `announced` (by workers, to the store) that it does
    /// not hold; sorted by name.
    public func listing(announced: [TaskInfo]) -> [TaskListing] {
        var rows = entries.map { TaskListing(name: $0.info.name, description: $0.info.description, source: $0.source.rawValue) }
        for task in announced where !rows.contains(where: { $0.name == task.name }) {
            rows.append(TaskListing(name: task.name, description: task.description, source: "worker"))
        }
        rows.sort { $0.name < $1.name }
        return rows
    }
}
