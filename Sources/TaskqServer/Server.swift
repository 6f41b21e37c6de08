import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import TaskKit

/// `taskq serve`: the REST API (`/api/v1`), the dashboard, `/health`, `/health/ready` and `/metrics` over one
/// store. docs/server.md describes every route; Resources/openapi.json (served at /api/openapi.json) the API.
public enum TaskqServer {
    /// Serves until SIGTERM or SIGINT: then stops accepting, ends live streams, lets in-flight requests finish for
    /// up to `settings.shutdownGraceMillis` (a client that stalls mid-request is then cut off) and returns.
    /// `onListening` receives the bound port (useful with port 0).
    public static func run(store: TaskqStore, config: TaskqConfig, registry: TaskRegistry, settings: ServerSettings,
                           logger: Logger, onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let state = ServerState(store: store, config: config, registry: registry, settings: settings, logger: logger)
        let router = makeRouter(state)
        let app = Application(
            responder: HeadResponder(base: router.buildResponder()),
            // Slow or silent clients (half a request head, a stalled body, an idle keep-alive) are closed after the
            // idle timeout; Hummingbird does not count a response in progress as idle, so event streams stay open.
            server: .http1(configuration: .init(idleTimeout: .milliseconds(settings.idleTimeoutMillis))),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
            services: [LiveFeedService(feed: state.live)],
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? settings.port) },
            logger: logger)
        var configuration = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint, .sighup], logger: logger)
        configuration.maximumGracefulShutdownDuration = .milliseconds(settings.shutdownGraceMillis)
        // Past the grace period the group cancels what still runs (each cut-off request is logged) and returns.
        try await ServiceGroup(configuration: configuration).run()
    }

    static func makeRouter(_ state: ServerState) -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        let routes = RouteMethods()
        router.add(middleware: AccessLogMiddleware(state: state, routes: routes))
        router.add(middleware: CanonicalPathMiddleware())
        router.add(middleware: ReadPatienceMiddleware(seconds: state.settings.readPatienceSeconds))
        HealthRoutes(state: state).register(on: router)
        router.add(middleware: AuthMiddleware(state: state))
        MetricsRoute(state: state).register(on: router)
        let api = router.group("api/v1")
        JobsAPI(state: state).register(on: api)
        InfoAPI(state: state).register(on: api)
        router.get("api/openapi.json") { _, context in
            _ = try context.requireUser()
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_json)))
        }
        Dashboard(state: state).register(on: router)
        routes.load(from: router)
        return router
    }
}

/// Runs the live feed for as long as the server runs; ends its streams on graceful shutdown.
struct LiveFeedService: Service {
    let feed: LiveFeed

    func run() async throws {
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown { await feed.run() }
        } onGracefulShutdown: {
            feed.finishAll()
        }
    }
}
