import Alignment
import Retrieval
import Settings

/// The label-budget sweep's own settings (stage two's come from the adapt settings it repeats).
public struct SweepSettings: DeclaredSettings, Hashable, Encodable {
    /// Label budgets (numbers of labeled queries), the x axis of the budget chart.
    public var budgets = [10, 25, 50, 100, 200]
    /// Also train on every labeled query (the last point of the curve).
    public var includeAll = true
    /// Runs per budget with different seeds (mean and sd are reported).
    public var repeats = 3
    /// Sign flips and bootstrap resamples of the paired tests.
    public var significanceTrials = 10_000

    public init() {}

    public static let settings: [Setting<SweepSettings>] = [
        Setting(
            \.budgets, key: "budgets", doc: "Label budgets (numbers of labeled queries), the x axis of the chart.",
            expectation: "a list of integers >= 1", valid: { $0.allSatisfy { $0 >= 1 } }),
        Setting(
            \.includeAll, key: "include_all", doc: "Also train on every labeled query (the last point of the curve).",
            expectation: "true or false"),
        Setting(
            \.repeats, key: "repeats", flag: "seeds",
            doc: "Runs per budget with seeds 0, 1, ... (mean and sd are reported).",
            expectation: "an integer >= 1", valid: { $0 >= 1 }),
        Setting(
            \.significanceTrials, key: "significance_trials", flag: "trials",
            doc: "Sign flips and bootstrap resamples of the paired tests.",
            expectation: PairedSignificance.trialsExpectation, valid: PairedSignificance.validTrials),
    ]

    /// The budgets to train, smallest first, without repeats; nil stands for every labeled query.
    /// - Parameter labeled: the number of labeled queries, when known: budgets at or above it are
    ///   the same run as "all" and are dropped (with `include_all`) or capped to one run.
    public func budgetList(labeled: Int? = nil) -> [Int?] {
        var list = Array(Set(budgets)).sorted()
        if let labeled {
            list = list.filter { $0 < labeled } + (!includeAll && list.contains { $0 >= labeled } ? [labeled] : [])
        }
        return list.map { Optional($0) } + (includeAll ? [nil] : [])
    }

    public func encode(to encoder: any Encoder) throws {
        try encodeDeclared(to: encoder)
    }
}
