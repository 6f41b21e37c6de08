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

/// Reading request bodies: whole, bounded (413 above the limit), parsed with TaskKit's JSON parser (400 with line and
/// column when malformed).
enum RequestBody {
    static func bytes(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw tooLarge(limit) }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge(limit)
        }
    }

    static func json(_ request: Request, limit: Int) async throws -> JSONValue {
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw Problem(.unsupportedMediaType, "send the body as application/json")
        }
        let buffer = try await bytes(request, limit: limit)
        let text = String(buffer: buffer)
        guard !text.isEmpty else { throw Problem(.badRequest, "the request body is empty: expected JSON") }
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
