import AdapterFormat
import Foundation
import Workflows

extension StageContext {
    /// The state one run's stages share: each input file decoded once (Workflows' `InputFiles`), and the
    /// adapter each align or adapt stage made, kept in memory for the stages after it (the file in
    /// the stage folder stays the record, and is what a later run resumes from).
    public final class Shared: @unchecked Sendable {
        public let files: InputFiles
        private let lock = NSLock()
        private var adapters: [String: Adapter] = [:]

        /// - Parameter files: the run's input files; pass the cache the configuration was checked
        ///   with, so that the run reads each file once in all.
        public init(files: InputFiles = InputFiles()) {
            self.files = files
        }

        func keep(_ adapter: Adapter, of stage: String) {
            lock.lock()
            defer { lock.unlock() }
            adapters[stage] = adapter
        }

        func adapter(of stage: String) -> Adapter? {
            lock.lock()
            defer { lock.unlock() }
            return adapters[stage]
        }
    }

    /// Keeps this stage's map for the stages after it in this run.
    public func keep(_ adapter: Adapter) {
        shared.keep(adapter, of: progress.stage)
    }

    /// The map of a completed align or adapt stage: from memory when it ran in this run, else its file.
    public func adapter(of stage: String) throws -> Adapter {
        guard let completed = dependencies[stage] else {
            throw PipelineRunError("the map of stage \(stage) is not available")
        }
        if let adapter = shared.adapter(of: stage) { return adapter }
        return try MapArtifact.adapter(of: completed)
    }
}
