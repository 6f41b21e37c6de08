import HTTPTypes

/// Header names HTTPTypes does not define.
extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    /// Internal: a route names the user for the access log; removed before the response leaves.
    static let accessLogUser = HTTPField.Name("X-Taskq-Access-User")!
    /// Internal: a HEAD request answered as GET (`HeadResponder`); any such header a client sends is removed.
    static let headRequest = HTTPField.Name("X-Taskq-Head-Request")!
    static let link = HTTPField.Name("Link")!
    static let warning = HTTPField.Name("Warning")!
    static let droppedBytes = HTTPField.Name("X-Taskq-Dropped-Bytes")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let accelBuffering = HTTPField.Name("X-Accel-Buffering")!
}
