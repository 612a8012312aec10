import Settings

/// The settings of unpaired stage one (``UnpairedAligner``): how matches are induced between two
/// sets of vectors of different texts, and when the result counts as an alignment.
public struct UnpairedSettings: Sendable, Hashable, Codable {
    /// CSLS neighbourhood: the `k` nearest rows whose mean cosine measures a row's hubness.
    public var neighbourhood = 10
    /// Rows per side for the correspondence-free start (its work grows with the cube of this).
    public var initSample = 4000
    /// Rows per side for the self-learning rounds; the final matching covers every row in blocks.
    public var learningSample = 8000
    /// The first probability of keeping a similarity in stochastic dictionary induction.
    public var initialKeep = 0.1
    /// Rounds without a gain in the objective before the keep probability doubles (and, at 1, the end).
    public var stallRounds = 5
    /// The least rise of the objective that counts as a gain (smaller ones are the draw's noise).
    public var minimumGain = 1e-6
    /// At most this many self-learning rounds per attempt.
    public var maxRounds = 400
    /// Attempts from other starting samples (seeded) while the result cannot be told from the null.
    public var restarts = 3

    public init() {}
}

extension UnpairedSettings: DeclaredSettings {
    public static let settings: [Setting<UnpairedSettings>] = [
        Setting(
            \.neighbourhood, key: "csls_neighbours",
            doc: "Unpaired: the k of CSLS, the nearest rows whose mean cosine corrects hubs.",
            expectation: "an integer >= 1", valid: { $0 >= 1 }),
        Setting(
            \.initSample, key: "init_sample",
            doc: "Unpaired: rows per side for the correspondence-free start (sorted similarity profiles).",
            expectation: "an integer >= 10", valid: { $0 >= 10 }),
        Setting(
            \.learningSample, key: "learning_sample",
            doc: "Unpaired: rows per side for the self-learning rounds; the final matching covers every row.",
            expectation: "an integer >= 10", valid: { $0 >= 10 }),
        Setting(
            \.initialKeep, key: "initial_keep",
            doc: "Unpaired: the first probability of keeping a similarity (stochastic dictionary induction).",
            expectation: "a number in (0, 1]", valid: { $0 > 0 && $0 <= 1 }),
        Setting(
            \.stallRounds, key: "stall_rounds",
            doc: "Unpaired: rounds without gain before the keep probability doubles (at 1: stop).",
            expectation: "an integer >= 1", valid: { $0 >= 1 }),
        Setting(
            \.minimumGain, key: "minimum_gain",
            doc: "Unpaired: the least rise of the objective that counts as a gain.",
            expectation: "a number >= 0", valid: { $0.isFinite && $0 >= 0 }),
        Setting(
            \.maxRounds, key: "max_rounds", doc: "Unpaired: at most this many self-learning rounds per attempt.",
            expectation: "an integer >= 1", valid: { $0 >= 1 }),
        Setting(
            \.restarts, key: "restarts",
            doc: "Unpaired: attempts (other starting samples) while the match cannot be told from the null.",
            expectation: "an integer >= 1", valid: { $0 >= 1 }),
    ]
}
