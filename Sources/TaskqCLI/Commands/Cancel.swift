import ArgumentParser
import TaskKit

struct Cancel: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        abstract: "Cancel a job.",
        discussion: "A scheduled, pending or retrying job is cancelled at once and never runs. A running job is told to stop (a shell task's process group gets SIGTERM, then SIGKILL) and ends cancelled.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Job id.") var id: String

    func validate() throws { _ = try parseJobID(id) }

    func run(registry: TaskRegistry) async throws {
        let jobID = try parseJobID(id)
        let result = try await Context(store, registry: registry).withStore { try await $0.cancel(id: jobID, now: Clock.now()) }
        let status: String
        switch result {
        case .notFound: throw TaskqError.failed("no job with id \(jobID)")
        case let .notCancellable(state): throw TaskqError.failed("job \(jobID) is \(state.rawValue) and cannot be cancelled")
        case .cancelled: status = "cancelled"
        case .cancelRequested: status = "cancel_requested"
        }
        if output.json {
            Output.json(.obj(("id", .int(jobID)), ("status", .string(status))))
        } else if result == .cancelled {
            Output.line("Cancelled job \(jobID).")
        } else {
            Output.line("Job \(jobID) is running: cancellation requested; its worker will stop it.")
        }
    }
}
