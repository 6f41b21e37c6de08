import HTTPTypes
import Hummingbird
import TaskKit

/// `/health` (the process answers) and `/health/ready` (the store answers within two seconds and its schema is
/// current). Neither needs a login; neither says more than a reason.
struct HealthRoutes {
    let state: ServerState

    func register(on router: Router<ServerContext>) {
        router.get("health") { _, _ in
            JSONResponse.make(.obj(("status", .string("ok"))))
        }
        router.get("health/ready") { _, _ in try await self.ready() }
    }

    func ready() async throws -> Response {
        let store = state.store
        let outcome: Result<Void, Error>? = await withTaskGroup(of: Result<Void, Error>?.self) { group in
            group.addTask { await Result(catching: { try await store.requireSchema() }) }
            group.addTask { try? await Task.sleep(nanoseconds: 2_000_000_000); return nil }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch outcome {
        case .success?: return JSONResponse.make(.obj(("status", .string("ready"))))
        case let .failure(error)?:
            let reason = (error as? TaskqError)?.description ?? "the store cannot be read"
            throw Problem(.serviceUnavailable, "not ready: \(reason)")
        case nil: throw Problem(.serviceUnavailable, "not ready: the store did not answer within 2 s")
        }
    }
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
