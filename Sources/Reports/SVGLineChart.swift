import Foundation

/// A self-contained SVG line chart: series of points with optional error (drawn as a shaded
/// mean ± error band plus error bars) and labelled horizontal reference lines.
///
/// Made for the budget curve (x: number of labeled queries, y: nDCG@10, band: ± sd over repeats,
/// references: stage one and the index as it is), reusable for any small chart. The output has
/// no scripts, fonts or external references, so it can be inlined in HTML or saved as `.svg`.
/// Output is deterministic (fixed number formatting), so equal inputs give equal bytes.
public struct SVGLineChart: Sendable, Hashable {
    public struct Point: Sendable, Hashable {
        public var x: Double
        public var y: Double
        /// Half-height of the band / error bar at this point (e.g. one standard deviation); nil for none.
        public var error: Double?

        public init(x: Double, y: Double, error: Double? = nil) {
            self.x = x
            self.y = y
            self.error = error
        }
    }

    public struct Series: Sendable, Hashable {
        public var label: String
        public var points: [Point]

        public init(label: String, points: [Point]) {
            self.label = label
            self.points = points
        }
    }

    public struct Reference: Sendable, Hashable {
        public var label: String
        public var y: Double

        public init(label: String, y: Double) {
            self.label = label
            self.y = y
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var references: [Reference]
    /// Log-2 x axis (natural for budgets 8, 16, 32, ...); points with x <= 0 are then left out.
    public var logarithmicX: Bool
    public var width: Int
    public var height: Int

    public init(
        title: String, xLabel: String, yLabel: String, series: [Series], references: [Reference] = [],
        logarithmicX: Bool = false, width: Int = 720, height: Int = 400
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.references = references
        self.logarithmicX = logarithmicX
        self.width = width
        self.height = height
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    static let referencePalette = ["#555555", "#999999", "#bcbd22", "#17becf"]

    /// The `<svg>` element.
    /// - Complexity: O(total points).
    public func render() -> String {
        let margin = (left: 64.0, right: 150.0, top: 36.0, bottom: 64.0)
        let plotWidth = Double(width) - margin.left - margin.right
        let plotHeight = Double(height) - margin.top - margin.bottom
        let plotted = series.map { s in Series(label: s.label, points: s.points.filter { !logarithmicX || $0.x > 0 }) }
        let xs = plotted.flatMap { $0.points.map(\.x) }
        var ys = plotted.flatMap { $0.points.flatMap { [$0.y - ($0.error ?? 0), $0.y + ($0.error ?? 0)] } }
        ys += references.map(\.y)
        let tx: (Double) -> Double = logarithmicX ? { log2($0) } : { $0 }
        var (xMin, xMax) = (xs.map(tx).min() ?? 0, xs.map(tx).max() ?? 1)
        if xMin == xMax { xMin -= 1; xMax += 1 }
        let yTicks = Self.niceTicks(min: ys.min() ?? 0, max: ys.max() ?? 1)
        let (yMin, yMax) = (yTicks.first ?? 0, yTicks.last ?? 1)
        let px: (Double) -> Double = { margin.left + (tx($0) - xMin) / (xMax - xMin) * plotWidth }
        let py: (Double) -> Double = { margin.top + (1 - ($0 - yMin) / (yMax - yMin)) * plotHeight }

        // Width 100% with the viewBox: the chart fills its container (a report column, a browser
        // window) at the viewBox's aspect ratio instead of a fixed pixel size.
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 \(width) \(height)" \
            style="max-width: \(width * 2)px" font-family="Helvetica, Arial, sans-serif" font-size="12" role="img" aria-label="\(Self.escape(title))">
            <title>\(Self.escape(title))</title>
            <rect x="0" y="0" width="\(width)" height="\(height)" fill="#ffffff"/>
            <text x="\(Self.f(Double(width) / 2))" y="20" text-anchor="middle" font-size="14" font-weight="bold">\(Self.escape(title))</text>

            """
        // Grid and y axis ticks.
        for tick in yTicks {
            let y = py(tick)
            svg +=
                "<line x1=\"\(Self.f(margin.left))\" y1=\"\(Self.f(y))\" x2=\"\(Self.f(margin.left + plotWidth))\" y2=\"\(Self.f(y))\" stroke=\"#e5e5e5\"/>\n"
            svg +=
                "<text x=\"\(Self.f(margin.left - 6))\" y=\"\(Self.f(y + 4))\" text-anchor=\"end\">\(Self.tickLabel(tick, step: yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1))</text>\n"
        }
        // x ticks at the data's x values (budgets), each once; a label that would touch another is
        // left out (its tick mark stays), e.g. 113 beside 100 on a log axis.
        let xTicks = Array(Set(xs)).sorted()
        let labelled = Self.labelledTicks(xTicks.map { (px($0), Self.tickLabel($0, step: 1)) })
        for (index, x) in xTicks.enumerated() {
            let tickX = px(x)
            svg +=
                "<line x1=\"\(Self.f(tickX))\" y1=\"\(Self.f(margin.top + plotHeight))\" x2=\"\(Self.f(tickX))\" y2=\"\(Self.f(margin.top + plotHeight + 4))\" stroke=\"#333333\"/>\n"
            guard labelled.contains(index) else { continue }
            svg +=
                "<text class=\"x-tick\" x=\"\(Self.f(tickX))\" y=\"\(Self.f(margin.top + plotHeight + 17))\" text-anchor=\"middle\">\(Self.tickLabel(x, step: 1))</text>\n"
        }
        svg +=
            "<rect x=\"\(Self.f(margin.left))\" y=\"\(Self.f(margin.top))\" width=\"\(Self.f(plotWidth))\" height=\"\(Self.f(plotHeight))\" fill=\"none\" stroke=\"#333333\"/>\n"
        svg +=
            "<text x=\"\(Self.f(margin.left + plotWidth / 2))\" y=\"\(Self.f(Double(height) - 32))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        svg +=
            "<text x=\"16\" y=\"\(Self.f(margin.top + plotHeight / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(Self.f(margin.top + plotHeight / 2)))\">\(Self.escape(yLabel))</text>\n"

        // The series legend runs along the bottom, under the axis label.
        var legendX = margin.left
        let legendY = Double(height) - 12
        // Reference labels sit in the right margin at their line's height, where no data is drawn;
        // a label that would touch the one above moves down just enough.
        var labelY: [Int: Double] = [:]
        var previous = -Double.infinity
        for index in references.indices.sorted(by: { py(references[$0].y) < py(references[$1].y) }) {
            previous = max(py(references[index].y) + 4, previous + 13)
            labelY[index] = previous
        }
        for (index, reference) in references.enumerated() {
            let color = Self.referencePalette[index % Self.referencePalette.count]
            let y = py(reference.y)
            svg +=
                "<line class=\"reference\" x1=\"\(Self.f(margin.left))\" y1=\"\(Self.f(y))\" x2=\"\(Self.f(margin.left + plotWidth))\" y2=\"\(Self.f(y))\" stroke=\"\(color)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n"
            svg +=
                "<text class=\"reference-label\" x=\"\(Self.f(margin.left + plotWidth + 6))\" y=\"\(Self.f(labelY[index] ?? y))\" fill=\"\(color)\" font-size=\"11\">\(Self.escape(reference.label)) \(Self.tickLabel(reference.y, step: 0.001))</text>\n"
        }
        for (index, s) in plotted.enumerated() where !s.points.isEmpty {
            let color = Self.palette[index % Self.palette.count]
            let points = s.points.sorted { $0.x < $1.x }
            if points.contains(where: { $0.error != nil }) {
                let upper = points.map { "\(Self.f(px($0.x))),\(Self.f(py($0.y + ($0.error ?? 0))))" }
                let lower = points.reversed().map { "\(Self.f(px($0.x))),\(Self.f(py($0.y - ($0.error ?? 0))))" }
                svg +=
                    "<polygon class=\"band\" points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.15\" stroke=\"none\"/>\n"
                for p in points {
                    guard let error = p.error, error > 0 else { continue }
                    let barX = Self.f(px(p.x))
                    svg +=
                        "<line class=\"error-bar\" x1=\"\(barX)\" y1=\"\(Self.f(py(p.y - error)))\" x2=\"\(barX)\" y2=\"\(Self.f(py(p.y + error)))\" stroke=\"\(color)\"/>\n"
                }
            }
            let path = points.map { "\(Self.f(px($0.x))),\(Self.f(py($0.y)))" }.joined(separator: " ")
            svg +=
                "<polyline class=\"series\" points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            for p in points {
                svg +=
                    "<circle cx=\"\(Self.f(px(p.x)))\" cy=\"\(Self.f(py(p.y)))\" r=\"3\" fill=\"\(color)\"><title>\(Self.escape(s.label)): x = \(Self.tickLabel(p.x, step: 1)), y = \(Self.tickLabel(p.y, step: 0.0001))\(p.error.map { " ± " + Self.tickLabel($0, step: 0.0001) } ?? "")</title></circle>\n"
            }
            svg += legendEntry(x: legendX, y: legendY, color: color, dashed: false, label: s.label)
            legendX += 40 + Self.labelWidth(s.label)
        }
        svg += "</svg>"
        return svg
    }

    private func legendEntry(x: Double, y: Double, color: String, dashed: Bool, label: String) -> String {
        let dash = dashed ? " stroke-dasharray=\"6 4\"" : ""
        return
            "<line x1=\"\(Self.f(x))\" y1=\"\(Self.f(y))\" x2=\"\(Self.f(x + 20))\" y2=\"\(Self.f(y))\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>"
            + "<text x=\"\(Self.f(x + 26))\" y=\"\(Self.f(y + 4))\" font-size=\"11\">\(Self.escape(label))</text>\n"
    }

    /// Approximate width of a tick label at the chart's font size (12): digits are about 0.56 em.
    static func labelWidth(_ text: String) -> Double {
        Double(text.count) * 6.7
    }

    /// Indices of the tick labels to draw so that no two overlap (with a 6-unit gap): the last
    /// (largest budget, usually "all") always, then from the left every label clear of those kept.
    /// - Parameter ticks: label centers (in chart units) and texts, in ascending x.
    public static func labelledTicks(_ ticks: [(x: Double, text: String)]) -> Set<Int> {
        guard let last = ticks.indices.last else { return [] }
        func span(_ i: Int) -> ClosedRange<Double> {
            let half = labelWidth(ticks[i].text) / 2 + 3
            return (ticks[i].x - half)...(ticks[i].x + half)
        }
        var kept: Set<Int> = [last]
        for i in ticks.indices.dropLast() where kept.allSatisfy({ !span($0).overlaps(span(i)) }) {
            kept.insert(i)
        }
        return kept
    }

    /// About five round tick values covering [min, max] (steps of 1, 2 or 5 times a power of ten).
    public static func niceTicks(min low: Double, max high: Double) -> [Double] {
        var (low, high) = (low, high)
        if !(low.isFinite && high.isFinite) { return [0, 1] }
        if low == high { low -= 0.05; high += 0.05 }
        let raw = (high - low) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = floor(low / step) * step
        let last = ceil(high / step) * step
        let count = Int(((last - first) / step).rounded())
        return (0...count).map { first + Double($0) * step }
    }

    /// Fixed-point text with as many decimals as `step` needs.
    static func tickLabel(_ value: Double, step: Double) -> String {
        let decimals = step >= 1 ? 0 : min(6, Int(ceil(-log10(step) - 1e-9)))
        if decimals == 0, value == value.rounded() { return String(Int(value)) }
        return String(format: "%.\(max(decimals, 0))f", value)
    }

    static func f(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
