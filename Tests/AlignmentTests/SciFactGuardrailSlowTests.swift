import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// The guardrail on a real anisotropic index: minilm corpus vectors mapped onto e5small's (SciFact,
/// every pair, era's defaults but plain Procrustes, seed 0). InfoNCE refinement lowers the training queries' nDCG@10 there
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
        var plain = AlignmentConfiguration()
        plain.procrustes.whitening = 0
        plain.procrustes.guardrailScales = []
        let result = try AlignmentTrainer(configuration: plain).train(sources: x, targets: y)
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

    /// With the defaults (the half-whitened warm start, measured beside it scaled by 0.71 and 1.41) the
    /// guardrail returns the whitened fit scaled by 0.71: the lowest held-out mean rank of all seven
    /// candidates (training queries' nDCG@10 0.573 against 0.563 for the whitened fit and 0.552 for
    /// centred Procrustes with a bias; docs/alignment.md).
    @Test func theDefaultReturnsTheScaledWhitenedFitOnAnAnisotropicIndex() throws {
        let x = try Self.corpus("minilm"), y = try Self.corpus("e5small")
        let result = try AlignmentTrainer(configuration: AlignmentConfiguration()).train(sources: x, targets: y)
        let record = try #require(result.log.guardrail)
        #expect(
            record.candidates.map(\.name).suffix(3) == [
                "procrustes-whitened", "procrustes-whitened-scaled-0.71", "procrustes-whitened-scaled-1.41",
            ])
        #expect(record.chosen == "procrustes-whitened-scaled-0.71")
        let rank = Dictionary(uniqueKeysWithValues: record.candidates.map { ($0.name, $0.meanRank) })
        #expect(rank["procrustes-whitened-scaled-0.71"]! < rank["procrustes-whitened"]!)
        #expect(rank["procrustes-whitened"]! < rank["procrustes-centred-bias"]!)
        #expect(record.refittedOnAllPairs == true)
    }
}
