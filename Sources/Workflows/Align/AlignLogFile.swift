import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation

/// The JSON log written beside an adapter by `era align`: inputs plus the trainer's log.
public struct AlignLogFile: Codable, Sendable {
    /// Marks the log as era's, so a later run may replace it without --force.
    public var format: String? = "era-align-log"
    public var adapter: String
    public var sourceModel: String
    public var targetModel: String
    public var source: String
    public var target: String
    public var sample: Int?
    public var version: String
    public var pairs: Int
    public var training: TrainingLog

    enum CodingKeys: String, CodingKey {
        case format, adapter, sourceModel = "source_model", targetModel = "target_model", source, target, sample
        case version, pairs, training
    }

    public init(adapter: String, outcome: AlignWorkflow.Outcome, source: String, target: String, sample: Int?) {
        self.adapter = adapter
        sourceModel = outcome.adapter.sourceModel
        targetModel = outcome.adapter.targetModel
        self.source = source
        self.target = target
        self.sample = sample
        version = EraVersion.current
        pairs = outcome.pairs
        training = outcome.log
    }

    /// Writes the log as canonical JSON, atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(try CanonicalJSON.encode(self, pretty: true) + Data("\n".utf8), to: url)
    }
}
