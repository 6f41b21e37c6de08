import HTTPTypes
import Hummingbird
import NIOCore
import TaskKit

/// JSON responses in the CLI's vocabulary (docs/json.md): the very `JSONValue`s `--json` prints.
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: value.serialized() + "\n")))
    }
}

/// Reading request bodies: whole, bounded (413 above the limit), `application/json` only (415 otherwise), parsed with
/// TaskKit's JSON parser (400 with line and column when malformed).
enum RequestBody {
    static func bytes(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw tooLarge(limit) }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge(limit)
        } catch let error as CancellationError {
            throw error
        } catch {
            // The client closed the connection mid-body (nobody reads this answer; the access log does).
            throw Problem(.badRequest, "the request body ended early: the connection closed before it was complete")
        }
    }

    /// A JSON body; a missing `Content-Type` is taken as JSON (`curl --data` aside, clients that send none mean it).
    static func json(_ request: Request, limit: Int) async throws -> JSONValue {
        try checkJSONType(request)
        let buffer = try await bytes(request, limit: limit)
        guard buffer.readableBytes > 0 else { throw Problem(.badRequest, "the request body is empty: expected JSON") }
        return try parse(buffer)
    }

    /// A JSON body that may be left out (no bytes: nil).
    static func optionalJSON(_ request: Request, limit: Int) async throws -> JSONValue? {
        let buffer = try await bytes(request, limit: limit)
        guard buffer.readableBytes > 0 else { return nil }
        try checkJSONType(request)
        return try parse(buffer)
    }

    /// 415 unless the media type is `application/json` or a `+json` type (parameters such as `charset` allowed).
    static func checkJSONType(_ request: Request) throws {
        guard let type = request.headers[.contentType] else { return }
        let media = String(type.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]).trimmingSpaces.lowercased()
        guard media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json")) else {
            throw Problem(.unsupportedMediaType, "send the body as application/json")
        }
    }

    /// JSON is UTF-8 (RFC 8259): a body that is not is refused (400) rather than stored with U+FFFD in its place.
    private static func parse(_ buffer: ByteBuffer) throws -> JSONValue {
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw Problem(.badRequest, "the request body is not valid UTF-8")
        }
        do {
            return try JSONValue.parse(text, what: "body")
        } catch let error as TaskqError {
            throw Problem(.badRequest, error.description)
        }
    }

    static func tooLarge(_ limit: Int) -> Problem {
        Problem(.contentTooLarge, "the request body is larger than \(ByteSize.format(Int64(limit)))")
    }
}
