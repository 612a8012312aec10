/// era's version, recorded in run manifests and stage fingerprints (a new version re-runs stages).
public enum EraVersion {
    public static let current = "0.1.0"
}
