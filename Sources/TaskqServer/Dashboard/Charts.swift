import TaskKit

/// Small server-rendered SVG charts (no JavaScript): the overview's throughput bars and per-queue sparklines. The
/// live feed's buckets hold average rates per second; the charts show jobs per bucket (10 s), each bucket placed by
/// its start time, so a gap in the history stays a gap instead of shifting the bars.
///
/// The SVG is built from numbers only (counts, coordinates) and fixed text, and is the only markup the pages insert
/// unescaped (`HTML(chartSVG:)`): never put a name or any other text from the store or a request in it.
enum Charts {
    static let bucketSeconds = Double(LiveFeed.bucketMillis) / 1000

    /// Slot of a bucket starting at `start` (0 = oldest shown, `historyBuckets - 1` = the current one), or nil when
    /// outside the window.
    static func slot(_ start: Millis, now: Millis) -> Int? {
        let current = now - now % LiveFeed.bucketMillis
        let age = Int((current - start) / LiveFeed.bucketMillis)
        let slot = LiveFeed.historyBuckets - 1 - age
        return (0..<LiveFeed.historyBuckets).contains(slot) ? slot : nil
    }

    /// Bars of completed (blue) and failed (red, stacked on top) jobs per 10 s over the last ten minutes. Scales to
    /// its container's width (viewBox); the labels name the peak and the time axis.
    /// `narrow` draws it for a phone (a smaller canvas, so its labels stay readable once scaled to the screen); the
    /// page carries both and CSS shows the one that fits.
    static func throughput(_ buckets: [LiveFeed.Bucket], now: Millis, narrow: Bool = false) -> HTML {
        let width = narrow ? 380 : 1100, height = narrow ? 190 : 170
        let slots = LiveFeed.historyBuckets
        var completed = [Double](repeating: 0, count: slots)
        var failed = [Double](repeating: 0, count: slots)
        for bucket in buckets {
            guard let i = slot(bucket.start, now: now) else { continue }
            completed[i] += bucket.completed * bucketSeconds
            failed[i] += bucket.failed * bucketSeconds
        }
        let peakValue = zip(completed, failed).map { ($0 + $1).rounded() }.max() ?? 0
        let (peak, tick) = scale(peakValue)
        let left = 44.0, right = 8.0, top = 10.0, bottom = 24.0
        let plotWidth = Double(width) - left - right
        let plotHeight = Double(height) - top - bottom
        let baseline = top + plotHeight
        let step = plotWidth / Double(slots)
        let barWidth = max(1, step * 0.75)
        var svg = "<svg class=\"chart \(narrow ? "narrow" : "wide")\" viewBox=\"0 0 \(width) \(height)\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"jobs finished per 10 seconds, last 10 minutes\">"
        // Grid lines at round values (1, 2 or 5 × 10ⁿ apart), labelled.
        var value = tick
        while value <= peak {
            let y = baseline - plotHeight * value / peak
            svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y))\" x2=\"\(fmt(Double(width) - right))\" y2=\"\(fmt(y))\" stroke=\"#eef0f3\"/>"
            svg += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 4))\" text-anchor=\"end\" font-size=\"12\" fill=\"#667085\">\(Int(value))</text>"
            value += tick
        }
        svg += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(baseline + 4))\" text-anchor=\"end\" font-size=\"12\" fill=\"#667085\">0</text>"
        for i in 0..<slots where completed[i] + failed[i] > 0 {
            let x = left + Double(i) * step + (step - barWidth) / 2
            let hc = plotHeight * completed[i] / peak
            let hf = plotHeight * failed[i] / peak
            let title = "\(Int(completed[i].rounded())) completed, \(Int(failed[i].rounded())) failed"
            svg += "<g><title>\(title)</title>"
            if hc > 0 { svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(baseline - hc))\" width=\"\(fmt(barWidth))\" height=\"\(fmt(hc))\" fill=\"#2f6fde\"/>" }
            if hf > 0 { svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(baseline - hc - hf))\" width=\"\(fmt(barWidth))\" height=\"\(fmt(hf))\" fill=\"#d64545\"/>" }
            svg += "</g>"
        }
        svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(baseline))\" x2=\"\(fmt(Double(width) - right))\" y2=\"\(fmt(baseline))\" stroke=\"#cfd5dd\"/>"
        let labelY = fmt(Double(height) - 6)
        svg += "<text x=\"\(fmt(left))\" y=\"\(labelY)\" font-size=\"12\" fill=\"#667085\">10 min ago</text>"
        svg += "<text x=\"\(fmt(left + plotWidth / 2))\" y=\"\(labelY)\" text-anchor=\"middle\" font-size=\"12\" fill=\"#667085\">5 min ago</text>"
        svg += "<text x=\"\(fmt(Double(width) - right))\" y=\"\(labelY)\" text-anchor=\"end\" font-size=\"12\" fill=\"#667085\">now</text></svg>"
        return HTML(chartSVG: svg)
    }

    /// A sparkline of one queue's completed jobs per 10 s over the last ten minutes (a flat line when idle).
    static func spark(_ buckets: [(start: Millis, completed: Double)], now: Millis, width: Int = 100, height: Int = 22) -> HTML {
        let slots = LiveFeed.historyBuckets
        var values = [Double](repeating: 0, count: slots)
        for bucket in buckets {
            if let i = slot(bucket.start, now: now) { values[i] += bucket.completed * bucketSeconds }
        }
        let peak = max(1, values.max() ?? 1)
        let step = Double(width) / Double(slots - 1)
        let points = values.enumerated().map { i, v in "\(fmt(Double(i) * step)),\(fmt(Double(height) - 2 - Double(height - 4) * v / peak))" }
        let total = Int(values.reduce(0, +).rounded())
        return HTML(chartSVG: "<svg class=\"spark\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(total) completed in 10 minutes\"><title>\(total) completed in the last 10 minutes</title>"
            + "<polyline fill=\"none\" stroke=\"#2f6fde\" stroke-width=\"1.5\" stroke-linejoin=\"round\" points=\"\(points.joined(separator: " "))\"/></svg>")
    }

    /// The chart's top (a multiple of the tick, at least `peak`) and a round tick giving 2 to 5 grid lines.
    static func scale(_ peak: Double) -> (top: Double, tick: Double) {
        guard peak > 1 else { return (1, 1) }
        var magnitude = 1.0
        while magnitude * 10 <= peak { magnitude *= 10 }
        let tick = [0.2, 0.5, 1, 2].map { $0 * magnitude }.first { $0 >= 1 && peak / $0 <= 4 } ?? 2 * magnitude
        return ((peak / tick).rounded(.up) * tick, tick)
    }

    private static func fmt(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
