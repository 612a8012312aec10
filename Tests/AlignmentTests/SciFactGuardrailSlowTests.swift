import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// The guardrail on a real anisotropic index: minilm corpus vectors mapped onto e5small's (SciFact,
/// every pair, era's defaults, seed 0). InfoNCE refinement lowers the training queries' nDCG@10 there
/// (0.490 against 0.551 for centred Procrustes with a bias; docs/alignment.md).
///
/// Slow tier: the claim is about the full corpus trained with the defaults (about 30 s in a debug
/// build); a smaller sample would not show the saturated MRR.
@Suite(
    .enabled(if: SlowTier.isEnabled, "\(SlowTier.skipReason("full SciFact stage one, about 30 s"))"),
    .enabled(if: SharedData.scifact != nil, "\(SharedData.skipReason)"))
struct SciFactGuardrailSlowTests {
    static func corpus(_ model: String) throws -> Matrix {
        try Npy.read(SharedData.scifact!.appendingPathComponent("\(model).corpus.npy"))
    }

    /// The held-out MRR among all targets is saturated: the refined map's is within 0.005 of the best
    /// Procrustes variant's (the old rule kept the refinement on it). The mean rank is not: it puts the
    /// refinement clearly behind centred Procrustes with a bias, which the guardrail returns.
    @Test func theMeanRankSeesWhatTheSaturatedMRRMisses() throws {
        let x = try Self.corpus("minilm"), y = try Self.corpus("e5small")
        let result = try AlignmentTrainer(configuration: AlignmentConfiguration()).train(sources: x, targets: y)
        let record = try #require(result.log.guardrail)
        let refined = record.candidates[0]
        let procrustes = record.candidates.dropFirst()
        let bestMRR = try #require(procrustes.map(\.meanReciprocalRank).max())
        #expect(refined.meanReciprocalRank > 0.95 && bestMRR > 0.95)
        #expect(abs(refined.meanReciprocalRank - bestMRR) < 0.005)
        #expect(record.chosen == "procrustes-centred-bias")
        let chosen = try #require(record.candidates.first { $0.name == record.chosen })
        #expect(refined.meanRank > chosen.meanRank + 0.05)
        #expect(record.refittedOnAllPairs == true)
    }
}
