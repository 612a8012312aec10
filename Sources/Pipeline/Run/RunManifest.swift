/// `manifest.json`: what a run read and produced, for reproducibility and to decide what to skip.
public struct RunManifest: Sendable, Codable, Hashable {
    /// A data file the run read.
    public struct Input: Sendable, Codable, Hashable {
        public var path: String
        public var bytes: Int64
        public var sha256: String
        /// A Chroma collection (`data.index.chroma`, whose `path` is its `chroma://` location): its
        /// UUID and record count, hashed with its first records into `sha256` in place of a file's content.
        /// A pgvector table (`data.index.postgres`, whose `path` is its `postgresql://` location,
        /// never with a password): its row count, hashed with its first rows into `sha256`.
        public var collectionId: String? = nil
        public var records: Int? = nil

        enum CodingKeys: String, CodingKey {
            case path, bytes, sha256, records
            case collectionId = "collection_id"
        }
    }

    /// A stage that completed.
    public struct Stage: Sendable, Codable, Hashable {
        public var kind: StageKind
        public var fingerprint: String
        /// ISO 8601 time the stage's folder was committed.
        public var completed: String
        public var seconds: Double
        public var artifacts: [String: String]
    }

    public var pipeline: String
    public var eraVersion: String
    /// SHA-256 of the resolved configuration (canonical JSON).
    public var configHash: String
    public var sourceFile: String
    /// Inputs by key path (`data.index.embeddings`, ...).
    public var inputs: [String: Input]
    /// Completed stages by name.
    public var stages: [String: Stage]
    public var started: String
    public var finished: String?
    /// The OpenBLAS kernels the run computed with (the stages' seconds depend on them; results only by
    /// rounding), and the ones OpenBLAS chose itself when era restarted on others; nil for another BLAS.
    public var blasKernels: String? = nil
    public var blasKernelsOpenBLASChose: String? = nil

    enum CodingKeys: String, CodingKey {
        case pipeline, inputs, stages, started, finished
        case eraVersion = "era_version", configHash = "config_hash", sourceFile = "source_file"
        case blasKernels = "blas_kernels", blasKernelsOpenBLASChose = "blas_kernels_openblas_chose"
    }
}
