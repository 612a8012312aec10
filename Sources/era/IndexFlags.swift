import Workflows

/// The index a command's `--corpus` or `--target` names, with its ids flag: the one place the CLI
/// builds an ``IndexSource`` (`era align`, `era adapt`, `era sweep`, `era evaluate`).
struct IndexFlags {
    /// The location given (`--corpus c.npy`, `--target chroma://...`).
    var location: String
    /// The flag of the ids (`--corpus-ids`, `--target-ids`) and its value.
    var idsFlag: String
    var ids: String?

    /// The store the location names; nil for a file.
    var kind: StoreKind? { IndexSource.kind(of: location) }

    /// The index of these flags: a store's location (ids refused: its records carry their own), or
    /// a file with its ids (required with `requiringIds`).
    /// - Throws: the store's own error for a location that does not parse, else a message naming the ids' flag.
    func source(_ options: IndexSource.Options = IndexSource.Options(), requiringIds: Bool = false) throws
        -> IndexSource
    {
        let source: IndexSource
        do { source = try IndexSource(parsing: location, ids: ids, options: options) } catch {
            if case .unreadable(let error) = error.problem { throw error }
            throw CommandError("\(idsFlag) \(ids ?? ""): \(error.detail)")
        }
        if requiringIds, !source.isStore, ids == nil {
            throw CommandError("\(idsFlag): give the ids of the rows of \(location)")
        }
        return source
    }

    /// The location as an input of the output guard (a store's location is not a file).
    func guardInput(_ flag: String) -> [OutputGuard.Input] { kind == nil ? [.init(flag, location)] : [] }
}
