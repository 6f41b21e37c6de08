import ArgumentParser
import TaskKit

/// Completion candidates a shell asks taskq for (`taskq ---completion …`, called by the scripts in completions/):
/// they come from the store the typed command line names, within a short time budget, and are silently empty when
/// the store cannot be reached or read in time.
enum DynamicCompletion {
    /// How long a completion may take before the shell gets nothing.
    static let budgetSeconds = 0.1

    static let jobIDs = CompletionKind.custom { words, _, prefix in
        await candidates(words, prefix) { store, _ in try await CompletionCandidates.jobIDs(store: store!) }
    }
    static let queues = CompletionKind.custom { words, _, prefix in
        await candidates(words, prefix) { store, _ in try await CompletionCandidates.queues(store: store!) }
    }
    static let tasks = CompletionKind.custom { words, _, prefix in
        await candidates(words, prefix, storeOptional: true) { store, config in
            try await CompletionCandidates.tasks(config: config, store: store)
        }
    }
    static let schedules = CompletionKind.custom { words, _, prefix in
        await candidates(words, prefix, storeOptional: true) { store, config in
            try await CompletionCandidates.schedules(config: config, store: store)
        }
    }
    static let timeZones = CompletionKind.custom { _, _, prefix in
        CompletionCandidates.timeZones().filter { $0.hasPrefix(prefix) }
    }

    /// Runs `read` against the store named by `--database-url`/`--config` in `words` (else the usual
    /// precedence), keeping the values that start with `prefix`. With `storeOptional`, a store that cannot be
    /// opened still lets `read` answer from the config.
    private static func candidates(_ words: [String], _ prefix: String, storeOptional: Bool = false,
                                   _ read: @escaping @Sendable (TaskqStore?, TaskqConfig) async throws -> [String]) async -> [String] {
        let flag = CommandLineInput.optionValue("--database-url", in: words), configPath = CommandLineInput.optionValue("--config", in: words)
        // Unstructured tasks raced through one continuation: the answer (or nothing) comes at the budget even when
        // opening the store blocks (a connect to an unreachable host cannot be cancelled); the process exits after.
        let first = Locked<CheckedContinuation<[String], Never>?>(nil)
        func answer(_ values: [String]) { first.withLock { c in c?.resume(returning: values); c = nil } }
        let values = await withCheckedContinuation { (continuation: CheckedContinuation<[String], Never>) in
            first.withLock { $0 = continuation }
            Task.detached {
                guard let config = try? TaskqConfig.load(explicitPath: configPath ?? ProcessEnvironment.value("TASKQ_CONFIG")) else {
                    return answer([])
                }
                var store: TaskqStore?
                if let url = try? DatabaseURL.resolve(flag: flag, config: config) { store = try? await StoreFactory.open(url) }
                guard store != nil || storeOptional else { return answer([]) }
                if let values = try? await read(store, config) { return answer(values) }
                answer(storeOptional && store != nil ? ((try? await read(nil, config)) ?? []) : [])
            }
            Task.detached {
                try? await Task.sleep(nanoseconds: UInt64(budgetSeconds * 1e9))
                answer([])
            }
        }
        return values.filter { $0.hasPrefix(prefix) }
    }
}
