import HTTPTypes
import Hummingbird
import TaskKit

/// The methods each route template answers, read from the router once every route is registered: a path the
/// router knows asked with another method is 405 with `Allow` (the router itself says 404 for both).
final class RouteMethods: Sendable {
    private struct Entry {
        var segments: [Substring]
        var methods: Set<String>
    }

    private let entries = Locked([Entry]())

    /// Records the router's routes (`/api/v1/jobs/{id}` and the like, as `RouterPath` writes them).
    func load<Context>(from router: Router<Context>) {
        var table: [String: Entry] = [:]
        for route in router.routes {
            let path = route.path.description
            table[path, default: Entry(segments: path.split(separator: "/"), methods: [])].methods.insert(route.method.rawValue)
        }
        // HEAD is answered wherever GET is (HeadResponder), except on the live event streams.
        for key in table.keys where table[key]!.methods.contains("GET") && table[key]!.segments.first != "events" {
            table[key]!.methods.insert("HEAD")
        }
        entries.withLock { $0 = Array(table.values) }
    }

    /// The methods `path` answers to, or nil when no route has that shape. As the router does, a literal segment
    /// beats a `{parameter}`, so `/api/v1/jobs/bulk` answers POST only.
    func allowed(path: String) -> [String]? {
        let parts = path.split(separator: "/")
        var best: (literals: Int, methods: Set<String>)?
        for entry in entries.withLock({ $0 }) where entry.segments.count == parts.count {
            var literals = 0
            var matches = true
            for (pattern, part) in zip(entry.segments, parts) {
                if pattern.hasPrefix("{") || pattern.hasPrefix(":") || pattern == "*" { continue }
                guard pattern == part else { matches = false; break }
                literals += 1
            }
            guard matches else { continue }
            if best == nil || literals > best!.literals { best = (literals, entry.methods) }
            else if literals == best!.literals { best!.methods.formUnion(entry.methods) }
        }
        return best.map { Array($0.methods).sorted() }
    }
}
