/// era's version, recorded in adapter metadata, run manifests and reports.
public enum EraVersion {
    public static let current = "0.1.0"
}
