import Mustache

/// The dashboard's Mustache templates, compiled into the binary (Sources/TaskqServer/Templates) and parsed once.
enum Templates {
    static let library: MustacheLibrary = {
        let sources: [(String, [UInt8])] = [
            ("layout", PackageResources.layout_mustache), ("login", PackageResources.login_mustache),
            ("overview", PackageResources.overview_mustache), ("overview_body", PackageResources.overview_body_mustache),
            ("jobs", PackageResources.jobs_mustache), ("job", PackageResources.job_mustache),
            ("job_body", PackageResources.job_body_mustache), ("new_job", PackageResources.new_job_mustache),
            ("schedules", PackageResources.schedules_mustache), ("workers", PackageResources.workers_mustache),
            ("error", PackageResources.error_mustache),
        ]
        var templates: [String: MustacheTemplate] = [:]
        for (name, bytes) in sources {
            // The templates are ours and tested: a parse error is a build defect.
            templates[name] = try! MustacheTemplate(string: String(decoding: bytes, as: UTF8.self))
        }
        return MustacheLibrary(templates: templates)
    }()

    /// Renders `name` with `data` (Mustache escapes every `{{value}}` for HTML).
    static func render(_ name: String, _ data: [String: Any]) -> String {
        library.render(data, withTemplate: name) ?? ""
    }
}
