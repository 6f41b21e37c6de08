/// A whole dashboard page: its content inside the layout. Every page type renders with `HTML` interpolation, so
/// whatever text it shows is escaped (see `HTML`).
protocol DashboardPage {
    var layout: Layout { get }
    /// What goes in the layout's `<main>`, after the notices.
    var content: HTML { get }
}

extension DashboardPage {
    var html: HTML { layout.render(content) }
}

/// What every page around its content shows: the title, the navigation with the current section, who is logged in
/// (with the log-out form and its CSRF token), the one-time notice (`Flash`) and a form's error.
struct Layout {
    /// The navigation's sections; a page outside them (the login and error pages) highlights none.
    enum Section {
        case overview, jobs, enqueue, schedules, workers
    }

    /// The logged-in user, with the session's CSRF token for the page's forms.
    struct SignedIn {
        var user: String
        var role: String
        var isAdmin: Bool
        var csrf: String

        init(_ identity: Identity) {
            user = identity.user
            role = identity.role.rawValue
            isAdmin = identity.role.canChange
            csrf = identity.session?.csrf ?? ""
        }
    }

    var title: String
    var section: Section?
    var signedIn: SignedIn?
    var flash: String?
    var error: String?

    init(title: String, section: Section?, identity: Identity?, flash: String? = nil, error: String? = nil) {
        self.title = title
        self.section = section
        self.signedIn = identity.map(SignedIn.init)
        self.flash = flash
        self.error = error
    }

    var isAdmin: Bool { signedIn?.isAdmin ?? false }
    var csrf: String { signedIn?.csrf ?? "" }

    func render(_ content: HTML) -> HTML {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · taskq</title>
        <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='4' fill='%232f6fde'/%3E%3Cpath d='M4 5h8M4 8h6M4 11h4' stroke='white' stroke-width='1.6' stroke-linecap='round'/%3E%3C/svg%3E">
        <link rel="stylesheet" href="/static/taskq.css">
        <script src="/static/taskq.js" defer></script>
        </head>
        <body>
        <header class="top">
          <a class="brand" href="/"><span class="logo" aria-hidden="true"></span>taskq</a>
        \(signedIn.map(navigation) ?? .empty)</header>
        <main>
        \(flash.map { "<p class=\"flash\" role=\"status\">\($0)</p>" as HTML } ?? .empty)
        \(error.map { "<p class=\"error\" role=\"alert\">\($0)</p>" as HTML } ?? .empty)
        \(content)
        </main>
        </body>
        </html>

        """
    }

    private func navigation(_ user: SignedIn) -> HTML {
        func active(_ item: Section) -> HTML { section == item ? "class=\"active\"" : .empty }
        return """
              <nav>
                <a href="/" \(active(.overview))>Overview</a>
                <a href="/jobs" \(active(.jobs))>Jobs</a>
                \(if: user.isAdmin, "<a href=\"/jobs/new\" \(active(.enqueue))>Enqueue</a>")
                <a href="/schedules" \(active(.schedules))>Schedules</a>
                <a href="/workers" \(active(.workers))>Workers</a>
              </nav>
              <form class="who" method="post" action="/logout">
                <span class="user">\(user.user) <span class="role">\(user.role)</span></span>
                <input type="hidden" name="csrf" value="\(user.csrf)">
                <button type="submit" class="link">Log out</button>
              </form>

            """
    }
}
