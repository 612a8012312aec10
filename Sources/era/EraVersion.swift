/// era's version, recorded in adapters, manifests and reports.
enum EraVersion {
    static let current = "0.1.0"
}
