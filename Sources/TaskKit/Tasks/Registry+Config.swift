extension TaskRegistry {
    /// Built-ins plus the named tasks of `config`.
    public static func standard(config: TaskqConfig) -> TaskRegistry {
        var registry = TaskRegistry.builtins()
        registry.add(config: config)
        return registry
    }

    /// Adds the `[tasks.NAME]` entries of `config` (they may shadow nothing built in: built-in names win).
    public mutating func add(config: TaskqConfig) {
        for (name, definition) in config.tasks where !BuiltinTasks.all.contains(where: { $0.name == name }) {
            register(ConfiguredTask(definition), source: .config)
        }
    }
}
