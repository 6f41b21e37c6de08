import ArgumentParser
import Logging
import TaskKit
import TaskqServer

struct Serve: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the REST API, the web dashboard, health checks and Prometheus metrics.",
        discussion: """
            Routes: the dashboard at /, the API under /api/v1 (described by /api/openapi.json), /health, \
            /health/ready (also /health/db) and /metrics. Every route but the health checks needs a login: an API token \
            (Authorization: Bearer, from taskq token create) or the dashboard's session (taskq createsuperuser makes \
            the first user). Viewers may read; admins may also change. SIGTERM, SIGHUP or Ctrl-C stops accepting, lets \
            requests in flight finish and exits 0. See docs/server.md.

            Examples:
              taskq serve
              taskq serve --bind 0.0.0.0:8080 --log-format json
              curl -H "Authorization: Bearer $TOKEN" localhost:8080/api/v1/stats
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Address and port to listen on (HOST:PORT, :PORT; port 0 picks a free one). Default 127.0.0.1:8080.", valueName: "address"))
    var bind: String?

    @Flag(help: "Let /metrics answer without a token (for a Prometheus on a trusted network).")
    var publicMetrics = false

    @Option(help: ArgumentHelp("Mark the session cookie Secure (HTTPS only): always, never or auto (when not bound to loopback). Default auto.", valueName: "when"),
            completion: .list(["auto", "always", "never"]))
    var secureCookies: String = "auto"

    @Option(help: ArgumentHelp("Largest request body accepted (413 above it), e.g. 16MiB (the default).",
                               valueName: "size"))
    var maxBody: String?

    @Option(help: ArgumentHelp("On SIGTERM, how long requests in flight may take before they are cut off. Default 10s.",
                               valueName: "duration"))
    var shutdownGrace: String?

    @Option(help: ArgumentHelp("Close a connection that stays silent this long: idle between requests, or still sending a request. Default 30s; never cuts a response being written (live updates).",
                               valueName: "duration"))
    var idleTimeout: String?

    @Option(help: ArgumentHelp("How long a read (GET) waits for a store that does not answer before it gets 503. Default 10s; changes (POST) wait for the store.",
                               valueName: "duration"))
    var readTimeout: String?

    @OptionGroup var logging: LogOptions

    func settings() throws -> ServerSettings {
        var settings = ServerSettings()
        if let bind {
            do { (settings.host, settings.port) = try ServerSettings.parseBind(bind) } catch let error as TaskqError { throw ValidationError(error.description) }
        }
        settings.publicMetrics = publicMetrics
        do {
            if let maxBody {
                settings.maxBodyBytes = try ByteSize.require(maxBody, option: "--max-body")
                guard settings.maxBodyBytes > 0 else { throw TaskqError.usage("--max-body must be positive") }
            }
            if let shutdownGrace { settings.shutdownGraceMillis = try DurationParser.require(shutdownGrace, option: "--shutdown-grace") }
            if let idleTimeout {
                settings.idleTimeoutMillis = try DurationParser.require(idleTimeout, option: "--idle-timeout")
                guard settings.idleTimeoutMillis > 0 else { throw TaskqError.usage("--idle-timeout must be positive") }
            }
            if let readTimeout {
                let millis = try DurationParser.require(readTimeout, option: "--read-timeout")
                guard millis > 0 else { throw TaskqError.usage("--read-timeout must be positive") }
                settings.readPatienceSeconds = Double(millis) / 1000
            }
        } catch let error as TaskqError {
            throw ValidationError(error.description)
        }
        switch secureCookies {
        case "auto": settings.secureCookies = nil
        case "always": settings.secureCookies = true
        case "never": settings.secureCookies = false
        default: throw ValidationError("invalid --secure-cookies '\(TerminalText.escaped(secureCookies))': expected auto, always or never")
        }
        return settings
    }

    func validate() throws { _ = try settings() }

    func run(registry: TaskRegistry) async throws {
        let context = try Context(store, registry: registry)
        let settings = try settings()
        logging.bootstrap()
        let logger = Logger(label: "taskq.serve")
        SignalWatcher.keepRunningWhenOutputCloses()
        let store = try await context.openStore()
        do {
            try await store.requireSchema()
            for warning in await store.durabilityWarnings() { logger.warning("\(warning)") }
            try await TaskqServer.run(store: store, config: context.config, registry: context.registry, settings: settings,
                                      logger: logger) { port in
                let url = "http://\(settings.address(port: port))"
                logger.info("serving on \(url) (dashboard /, API /api/v1)")
                // Also on stdout, whatever the log level or format: a script that asked for port 0 reads it there.
                Output.lineNow(url + "/")
            }
            await store.close()
        } catch {
            await store.close()
            throw ServeError.wrap(error, settings: settings)
        }
    }
}

/// Turns the server's start-up failures into taskq's one-line errors (a port in use is exit 69).
enum ServeError {
    static func wrap(_ error: Error, settings: ServerSettings) -> Error {
        if error is TaskqError { return error }
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("EADDRINUSE") {
            return TaskqError.unavailable("cannot listen on \(settings.host):\(settings.port): the address is already in use")
        }
        let place = settings.address(port: settings.port)
        if text.contains("Cannot assign requested address") || text.contains("EADDRNOTAVAIL") {
            return TaskqError.unavailable("cannot listen on \(place): no interface of this machine has that address")
        }
        if text.contains("Permission denied") || text.contains("EACCES") {
            return TaskqError.unavailable("cannot listen on \(place): permission denied (ports below 1024 need root)")
        }
        // NIO's resolver: a --bind host that is no address and no name this machine resolves.
        if text.contains("UnknownHost") || text.contains("Name or service not known") {
            return TaskqError.usage("invalid --bind host '\(TerminalText.escaped(settings.host))': not an address, nor a name this machine resolves")
        }
        if text.contains("bind") {
            return TaskqError.unavailable("cannot listen on \(place): \(text)")
        }
        return error
    }
}
