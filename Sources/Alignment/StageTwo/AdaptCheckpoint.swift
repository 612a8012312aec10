import Foundation

/// One dev evaluation during step selection (over the dev queries of every fold).
public struct AdaptCheckpoint: Sendable, Hashable, Codable {
    public var step: Int
    /// Mean nDCG@10 over every dev query of every fold (the folds the objective scores on).
    public var devNDCG10: Double
    public var devQueries: Int
    /// The penalty of the run (nil before objectives: the settings' penalty).
    public var penalty: Double?
    /// Both fold kinds' figures when the objective is `balanced` (nil when those folds were not run).
    public var documentDisjointDevNDCG10: Double?
    public var randomDevNDCG10: Double?

    /// A figure is named after its metric, as everywhere era writes one (`ndcg@10`).
    enum CodingKeys: String, CodingKey {
        case step, devNDCG10 = "dev_ndcg@10", devQueries = "dev_queries", penalty
        case documentDisjointDevNDCG10 = "document_disjoint_dev_ndcg@10", randomDevNDCG10 = "random_dev_ndcg@10"
    }
}
