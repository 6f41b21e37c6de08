import ArgumentParser
import TaskKit

struct Cancel: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        abstract: "Cancel a job.",
        discussion: "A scheduled, pending or retrying job is cancelled at once and never runs. A running job is told to stop (a shell task's process group gets SIGTERM, then SIGKILL) and ends cancelled.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Job id.", completion: DynamicCompletion.jobIDs) var id: String

    func validate() throws { _ = try parseJobID(id) }

    func run(registry: TaskRegistry) async throws {
        let jobID = try parseJobID(id)
        let (result, job) = try await Context(store, registry: registry).withStore { store -> (CancelResult, Job?) in
            let result = try await store.cancel(id: jobID, now: Clock.now())
            switch result {
            case .notFound: throw TaskqError.failed("no job with id \(jobID)")
            case let .notCancellable(state): throw TaskqError.failed("job \(jobID) is \(state.rawValue) and cannot be cancelled")
            case .cancelled, .cancelRequested: return (result, try await store.job(id: jobID))
            }
        }
        if output.json {
            Output.json(job?.jsonObject() ?? .null)
        } else if result == .cancelled {
            Output.line("Cancelled job \(jobID).")
        } else {
            Output.line("Job \(jobID) is running: cancellation requested; its worker will stop it.")
        }
    }
}
