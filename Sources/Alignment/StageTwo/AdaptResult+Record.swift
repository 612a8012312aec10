import Settings

/// The training record (`training.json`): the settings under the keys users set (``AdaptSettings/settings``)
/// with the seed, and the choice with every candidate. The settings' own `Codable` form is what
/// ``AdaptSettings/configurationHash`` hashes, and stays as it was.
extension AdaptResult: Encodable {
    enum CodingKeys: String, CodingKey {
        case settings, configurationHash = "configuration_hash", labeledQueries = "labeled_queries"
        case devQueries = "dev_queries", pairs, checkpoints, selectedSteps = "selected_steps"
        case stageOneDevNDCG10 = "stage_one_dev_ndcg@10", selectedDevNDCG10 = "dev_ndcg@10", objective
        case candidates, chosen, reference, returnedReference = "returned_reference"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        var written = c.nestedContainer(keyedBy: SettingKey.self, forKey: .settings)
        try settings.encodeDeclared(into: &written)
        try written.encode(settings.seed, forKey: SettingKey("seed"))
        try c.encode(settings.configurationHash, forKey: .configurationHash)
        try c.encode(labeledQueries, forKey: .labeledQueries)
        try c.encode(devQueries, forKey: .devQueries)
        try c.encode(pairs, forKey: .pairs)
        try c.encode(checkpoints, forKey: .checkpoints)
        try c.encode(selectedSteps, forKey: .selectedSteps)
        try c.encode(stageOneDevNDCG10, forKey: .stageOneDevNDCG10)
        try c.encode(selectedDevNDCG10, forKey: .selectedDevNDCG10)
        try c.encodeIfPresent(objective, forKey: .objective)
        try c.encode(candidates, forKey: .candidates)
        try c.encodeIfPresent(chosen, forKey: .chosen)
        try c.encodeIfPresent(reference, forKey: .reference)
        try c.encode(returnedReference, forKey: .returnedReference)
    }
}
