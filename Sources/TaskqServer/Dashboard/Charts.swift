/// Small server-rendered SVG charts (no JavaScript): the overview's throughput bars and per-queue sparklines.
enum Charts {
    /// Bars of completed (and failed, stacked in red) jobs per bucket; `labels` under the first and last bar.
    static func throughput(_ buckets: [LiveFeed.Bucket], width: Int = 720, height: Int = 120) -> String {
        let slots = LiveFeed.historyBuckets
        let values = buckets.suffix(slots)
        let peak = max(1, values.map { $0.completed + $0.failed }.max() ?? 1)
        let barWidth = Double(width - 40) / Double(slots)
        var svg = "<svg class=\"chart\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"jobs completed per 10 seconds\">"
        let offset = slots - values.count
        for (i, bucket) in values.enumerated() {
            let x = 30 + Double(offset + i) * barWidth
            let total = bucket.completed + bucket.failed
            let h = Double(height - 30) * total / peak
            let fh = Double(height - 30) * bucket.failed / peak
            svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(Double(height - 20) - h))\" width=\"\(fmt(barWidth * 0.8))\" height=\"\(fmt(h - fh))\" fill=\"#2f6fde\"><title>\(Int(bucket.completed.rounded())) completed, \(Int(bucket.failed.rounded())) failed</title></rect>"
            if fh > 0 { svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(Double(height - 20) - fh))\" width=\"\(fmt(barWidth * 0.8))\" height=\"\(fmt(fh))\" fill=\"#c62828\"/>" }
        }
        svg += "<line x1=\"30\" y1=\"\(height - 20)\" x2=\"\(width - 10)\" y2=\"\(height - 20)\" stroke=\"#cfd5dd\"/>"
        svg += "<text x=\"2\" y=\"14\" font-size=\"11\" fill=\"#667085\">\(Int(peak.rounded()))</text>"
        svg += "<text x=\"30\" y=\"\(height - 5)\" font-size=\"11\" fill=\"#667085\">10 min ago</text>"
        svg += "<text x=\"\(width - 40)\" y=\"\(height - 5)\" font-size=\"11\" fill=\"#667085\">now</text></svg>"
        return svg
    }

    /// A sparkline of one queue's completed jobs per bucket.
    static func spark(_ values: [Double], width: Int = 120, height: Int = 24) -> String {
        guard values.count > 1 else { return "<svg class=\"spark\" width=\"\(width)\" height=\"\(height)\"></svg>" }
        let peak = max(1, values.max() ?? 1)
        let step = Double(width) / Double(max(1, LiveFeed.historyBuckets - 1))
        let start = Double(LiveFeed.historyBuckets - values.count) * step
        let points = values.enumerated().map { i, v in "\(fmt(start + Double(i) * step)),\(fmt(Double(height - 2) - Double(height - 4) * v / peak))" }
        return "<svg class=\"spark\" width=\"\(width)\" height=\"\(height)\"><polyline fill=\"none\" stroke=\"#2f6fde\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/></svg>"
    }

    private static func fmt(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
