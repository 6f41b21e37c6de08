/// The login form (`/login`), with the form's double-submit token and where to go after.
struct LoginPage: DashboardPage {
    var layout: Layout { Layout(title: "Log in", section: nil, identity: nil) }
    /// The hidden field matching the `taskq_login_csrf` cookie.
    var token: String
    /// A local path (`LoginRoutes.safeNext`).
    var next: String
    /// What was typed, kept after a failed attempt (the password never is).
    var username: String
    var error: String?
    /// The store has no user yet: the page says how to create one.
    var noUserYet = false

    var content: HTML {
        """
        <section class="login">
          <h1>Log in</h1>
          \(error.map { "<p class=\"error\" role=\"alert\">\($0)</p>" as HTML } ?? .empty)
          <form method="post" action="/login">
            <input type="hidden" name="csrf" value="\(token)">
            <input type="hidden" name="next" value="\(next)">
            <label>User name <input name="username" autocomplete="username" value="\(username)" required \(if: username.isEmpty, "autofocus")></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required \(if: !username.isEmpty, "autofocus")></label>
            <button type="submit">Log in</button>
          </form>
          \(if: noUserYet, "<p class=\"hint\">No user yet: create one with <code>taskq createsuperuser</code>.</p>")
        </section>

        """
    }
}
