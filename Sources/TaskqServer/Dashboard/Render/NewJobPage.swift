import TaskKit

/// The enqueue form (`/jobs/new`), empty or (after an error, shown by the layout) filled with what was sent.
struct NewJobPage: DashboardPage {
    var layout: Layout
    /// The tasks to choose from: the registry's and those workers announced.
    var tasks: [TaskListing]
    var form: EnqueueForm

    var content: HTML {
        let chosen = form.task ?? ""
        let options = tasks.map { t -> HTML in
            "<option value=\"\(t.name)\" \(if: t.name == chosen, "selected")>\(t.name) — \(t.description)</option>"
        }
        return """
            <h1>Enqueue a job</h1>
            <form method="post" action="/jobs" class="stack">
              <input type="hidden" name="csrf" value="\(layout.csrf)">
              <div class="row">
                <label>Task <select name="task"><option value="" \(if: chosen.isEmpty, "selected")>auto: shell with a command, else echo</option>\(options)</select></label>
                <label>Name <input name="name" value="\(form.name ?? "")" placeholder="defaults to the task name"></label>
              </div>
              <label><span>Arguments <small>a JSON object</small></span><textarea name="args" rows="4" spellcheck="false" placeholder='{"to": "ops@example.com"}'>\(form.args ?? "")</textarea></label>
              <label><span>Command <small>for the shell task: one argument per line, run without a shell</small></span><textarea name="command" rows="3" spellcheck="false" placeholder="sleep&#10;30">\(form.command ?? "")</textarea></label>
              <div class="row">
                <label>Queue <input name="queue" value="\(form.queue ?? "")" placeholder="default"></label>
                <label>Priority <input name="priority" value="\(form.priority ?? "")" placeholder="normal: 0–10 or low, high, critical"></label>
                <label>Unique key <input name="unique_key" value="\(form.unique_key ?? "")" placeholder="optional: one live job per key"></label>
              </div>
              <div class="row">
                <label><span>Run at <small>UTC; empty: now</small></span><input name="run_at" type="datetime-local" step="1" value="\(form.run_at ?? "")"></label>
                <label>Retries <input name="max_retries" inputmode="numeric" value="\(form.max_retries ?? "")" placeholder="3"></label>
                <label>Timeout <input name="timeout" value="\(form.timeout ?? "")" placeholder="none; e.g. 30s, 5m"></label>
              </div>
              <div class="buttons"><button type="submit">Enqueue</button></div>
            </form>

            """
    }
}
