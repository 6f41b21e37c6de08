/// A failed page or form, in the layout: the status, its reason and the problem's detail.
struct ErrorPage: DashboardPage {
    var layout: Layout
    var status: Int
    var detail: String

    var content: HTML {
        """
        <section class="problem">
          <p class="code">\(status)</p>
          <h1>\(layout.title)</h1>
          <p class="detail">\(detail)</p>
          <p>\(status == 401 ? "<a href=\"/login\">Log in</a> · " as HTML : .empty)<a href="/">← Back to the overview</a></p>
        </section>

        """
    }
}
