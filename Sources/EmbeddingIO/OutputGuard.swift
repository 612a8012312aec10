import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one check a command makes before it writes anything: no output may destroy an input, another
/// output, a special file, or a file era did not write.
///
/// Writes are atomic renames (``AtomicFile``), and a rename replaces whatever the name pointed at:
/// the `--target` index, `/dev/null`, a FIFO, a read-only file. So each output path must be
///
/// - none of the inputs (compared as resolved real paths, and as (device, inode) when it exists,
///   which also catches hard links and other spellings);
/// - distinct from every other output;
/// - absent, or a regular file (never a device, FIFO, socket, directory or symbolic link, even
///   with `force`);
/// - absent, or provably era's (``Ownership``) and writable, unless `force` is set.
public struct OutputGuard: Sendable, Hashable {
    /// How era recognises a file it wrote at an output path.
    public enum Ownership: Sendable, Hashable {
        /// A safetensors file whose `__metadata__` has `format = era-adapter`.
        case eraAdapter
        /// An era adapter (``eraAdapter``) of this stage (`stage` in its metadata: `align`, `adapt`): a
        /// trained stage-two adapter, or a user's copy of one, is not replaced by a stage-one map.
        case eraAdapterOfStage(String)
        /// A JSON object whose top-level `format` string starts with `era-`.
        case eraJSON
        /// A format that cannot carry a marker (`.npy`, Markdown, SVG): an existing file needs force.
        case unmarked
        /// A file that cannot carry a marker (Markdown, SVG) written together with an era JSON file
        /// (``eraJSON``) at the path given: era's while that file lists it under `artifact_hashes` with
        /// the SHA-256 of its content (`sweep.md` beside era's `sweep.json`), so that a command run again
        /// into its own folder is not refused, and a user's file of that name, or one edited since, is.
        case listedInEraJSON(String)
    }

    /// A path the command reads, by the flag that named it.
    public struct Input: Sendable, Hashable {
        public var flag: String
        public var path: String

        public init(_ flag: String, _ path: String) {
            self.flag = flag
            self.path = path
        }
    }

    /// A path the command writes, by the flag that named it (or from which it was derived).
    public struct Output: Sendable, Hashable {
        public var flag: String
        public var path: String
        public var ownership: Ownership

        public init(_ flag: String, _ path: String, _ ownership: Ownership) {
            self.flag = flag
            self.path = path
            self.ownership = ownership
        }
    }

    public var inputs: [Input]
    public var outputs: [Output]
    /// Replace existing regular files era cannot prove it wrote, and read-only ones.
    public var force: Bool
    /// How the front end spells `force` in its advice (`--force` on the command line).
    public var forceFlag: String

    public init(inputs: [Input], outputs: [Output], force: Bool, forceFlag: String) {
        self.inputs = inputs
        self.outputs = outputs
        self.force = force
        self.forceFlag = forceFlag
    }

    /// - Throws: ``EmbeddingIOError`` (kind `.unsafeOutput`) naming the flag, the path and what to do.
    public func check() throws {
        let resolvedInputs = inputs.map {
            (input: $0, resolved: FilePath.resolved($0.path), identity: FilePath.identity($0.path))
        }
        var seen: [(output: Output, resolved: String, identity: FilePath.Identity?)] = []
        for output in outputs {
            // An empty path names no file: the write would fail only after all the work.
            guard !output.path.isEmpty else {
                throw EmbeddingIOError(.unsafeOutput, path: output.flag, "an empty path: give the path of a file")
            }
            guard !output.path.hasSuffix("/") else {
                throw refusal(output, "is a folder path: give the path of a file")
            }
            let resolved = FilePath.resolved(output.path)
            let identity = FilePath.identity(output.path, followLinks: false)
            if let clash = resolvedInputs.first(where: {
                $0.resolved == resolved || (identity != nil && $0.identity == identity)
            }) {
                throw refusal(
                    output,
                    "is the same file as \(clash.input.flag) \(clash.input.path), which this command "
                        + "reads; writing it would destroy that input: give \(output.flag) another path")
            }
            if let clash = seen.first(where: { $0.resolved == resolved || (identity != nil && $0.identity == identity) }
            ) {
                throw refusal(
                    output,
                    "is also the path of \(clash.output.flag) (\(clash.output.path)); one would overwrite "
                        + "the other: give the two different paths")
            }
            seen.append((output, resolved, identity))
            try checkExisting(output)
        }
    }

    private func checkExisting(_ output: Output) throws {
        var info = stat()
        guard lstat(output.path, &info) == 0 else {
            if errno == ENOENT { return }
            if errno == ENOTDIR {
                throw refusal(
                    output,
                    "cannot be written: part of its folder path is a file, not a folder; "
                        + "give \(output.flag) a path inside a folder")
            }
            throw EmbeddingIOError.posix("inspect the output \(output.flag)", path: output.path, errno: errno)
        }
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG else {
            throw refusal(
                output,
                "exists and is \(FilePath.describe(type)); era only replaces regular files, and never "
                    + "this one, even with \(forceFlag): move it away, or give \(output.flag) another path")
        }
        if force { return }
        guard FilePath.isEras(output.path, output.ownership) else {
            throw refusal(
                output,
                "exists and era cannot tell that it wrote it (\(output.ownership.describe)); "
                    + "pass \(forceFlag) to replace it, or give \(output.flag) a new path")
        }
        if info.st_mode & 0o222 == 0 {
            throw refusal(
                output, "exists and is read-only; pass \(forceFlag) to replace it, or give \(output.flag) a new path")
        }
    }

    private func refusal(_ output: Output, _ message: String) -> EmbeddingIOError {
        EmbeddingIOError(.unsafeOutput, path: output.path, "\(output.flag) \(message)")
    }
}

extension OutputGuard.Ownership {
    var describe: String {
        switch self {
        case .eraAdapter: "not an era adapter: no format = era-adapter in its metadata"
        case .eraAdapterOfStage(let stage):
            "not an era adapter of stage \(stage): no format = era-adapter, stage = \(stage) in its metadata"
        case .eraJSON: "no \"format\": \"era-...\" field"
        case .unmarked: "this format carries no mark of era's"
        case .listedInEraJSON(let companion):
            "this format carries no mark of era's, and no \((companion as NSString).lastPathComponent) of era's "
                + "beside it lists this content under artifact_hashes"
        }
    }
}
