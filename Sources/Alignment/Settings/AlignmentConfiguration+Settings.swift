import Settings

extension AlignmentConfiguration: DeclaredSettings {
    /// Stage one's settings as users set them (the seed and the weight decay are set by the front
    /// ends: the seed per run or stage, the decay's default per optimizer).
    public static let settings: [Setting<AlignmentConfiguration>] = [
        Setting(
            \.warmStart, key: "init", flag: "warm-start",
            doc:
                "Where training starts: procrustes (orthogonal Procrustes on the pairs), identity, or random (ERA's published start).",
            expectation: choices(WarmStart.self)),
        Setting(
            \.procrustes.centering, key: "centering",
            doc: "Procrustes centering: mean (robust to anisotropic models) or none.",
            expectation: choices(Centering.self)),
        Setting(
            \.procrustes.refinement, key: "refinement", flag: "procrustes-refinement",
            doc:
                "Refinement of the unbalanced (p > m) Procrustes problem: none (thin SVD), accelerated, majorization (Kiers).",
            expectation: choices(ProcrustesSettings.Refinement.self)),
        Setting(
            \.procrustes.maxIterations, key: "procrustes_iterations",
            doc: "At most this many Procrustes refinement steps.", expectation: "an integer >= 0", valid: { $0 >= 0 }),
        Setting(
            \.procrustes.whitening, key: "whitening",
            doc:
                "Partial whitening of the query model's vectors in the Procrustes warm start: 0 is plain orthogonal Procrustes; a in (0, 1] fits it between X (X^T X)^(-a/2) and the targets (a linear map), measured by the guardrail beside the plain variants.",
            expectation: "a number in [0, 1]", valid: { $0.isFinite && $0 >= 0 && $0 <= 1 }),
        Setting(
            \.procrustes.guardrailScales, key: "guardrail_scales",
            doc:
                "Scales s of the warm start's centred part, f_s(x) = s W (x - mean x) + f(mean x), that the guardrail measures beside s = 1 (a linear family with a bias): s weighs each query's own direction against the index's mean direction. Empty: s = 1 alone.",
            expectation: "a list of numbers in (0, 100]",
            valid: { $0.allSatisfy { $0.isFinite && $0 > 0 && $0 <= 100 } }),
        Setting(
            \.family, key: "family", doc: "linear, or orthogonal (W kept orthonormal while training).",
            expectation: choices(MapFamily.self)),
        Setting(
            \.loss, key: "loss", doc: "infonce, cosine (ERA's published objective) or mse.",
            expectation: choices(Loss.self)),
        Setting(
            \.temperature, key: "temperature", doc: "InfoNCE softmax temperature.",
            expectation: "a number in (0, 100]", valid: { $0.isFinite && $0 > 0 && $0 <= 100 }),
        Setting(
            \.negatives, key: "negatives",
            doc:
                "InfoNCE negatives: all (every training target), in-batch, pooled (in-batch plus negative_pool drawn targets), or auto (all up to 8,192 training pairs, pooled above).",
            expectation: choices(Negatives.self)),
        Setting(
            \.negativePool, key: "negative_pool",
            doc: "Targets drawn per batch as extra negatives (pooled, or auto at scale).",
            expectation: "an integer >= 1", valid: { $0 >= 1 }),
        Setting(
            \.symmetric, key: "symmetric", doc: "Add InfoNCE's target-to-source term.", expectation: "true or false"),
        Setting(\.optimizer, key: "optimizer", doc: "adam or adamw.", expectation: choices(Optimizer.self)),
        Setting(
            \.learningRate, key: "learning_rate", doc: "The optimizer's learning rate.",
            expectation: "a number in (0, 10]", valid: { $0.isFinite && $0 > 0 && $0 <= 10 }),
        Setting(
            \.batchSize, key: "batch_size", doc: "Pairs per batch.", expectation: "an integer >= 2", valid: { $0 >= 2 }),
        Setting(
            \.epochs, key: "epochs", doc: "Refinement epochs after the warm start (0: the warm start alone).",
            expectation: "an integer >= 0", valid: { $0 >= 0 }),
        Setting(
            \.heldOutFraction, key: "holdout", flag: "held-out",
            doc: "Fraction of the pairs held out to pick the epoch and for the report.",
            expectation: "a fraction in [0, 1)",
            valid: { $0 >= 0 && $0 < 1 }),
        Setting(
            \.stoppingMetric, key: "stopping_metric", doc: "Held-out criterion: loss or mrr.",
            expectation: choices(StoppingMetric.self)),
        Setting(
            \.patience, key: "patience", doc: "Stop after this many epochs without held-out improvement (0: never).",
            expectation: "an integer >= 0", valid: { $0 >= 0 }),
        Setting(
            \.shuffle, key: "shuffle", doc: "Reshuffle the pairs every epoch (false: file order).",
            expectation: "true or false"),
        Setting(
            \.guardrail, key: "guardrail",
            doc:
                "Keep the refined map only if it beats the Procrustes variants on the held-out pairs (mean rank among all targets); a chosen variant is refitted on every pair.",
            expectation: "true or false"),
    ]
}
