/// `<stage>/stage.json`: committed together with the artifacts, so it always describes them.
struct StageRecord: Codable, Hashable {
    var name: String
    var kind: StageKind
    var fingerprint: String
    var output: StageOutput
}
