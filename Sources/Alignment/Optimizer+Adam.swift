import Foundation
import LinearAlgebra

/// Adam / AdamW settings (defaults: PyTorch's).
public struct AdamSettings: Sendable, Hashable, Codable {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    /// Weight decay; 0 turns it off.
    public var weightDecay: Double
    /// true: AdamW (decoupled, p -= lr * wd * p before the Adam step); false: Adam with an L2 term
    /// (g += wd * p), as `torch.optim.Adam(weight_decay:)`.
    public var decoupledWeightDecay: Bool

    public init(
        learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
        weightDecay: Double = 0, decoupledWeightDecay: Bool = false
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    /// Plain Adam (no weight decay).
    public static func adam(learningRate: Double = 1e-3) -> AdamSettings { AdamSettings(learningRate: learningRate) }

    /// AdamW with PyTorch's default decay 0.01 (ERA's published settings: lr 1e-3, decay 0.01).
    public static func adamW(learningRate: Double = 1e-3, weightDecay: Double = 0.01) -> AdamSettings {
        AdamSettings(learningRate: learningRate, weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    /// Throws for a non-positive learning rate, betas outside [0, 1), epsilon <= 0 or a negative decay.
    public func validated() throws(AlignmentError) -> AdamSettings {
        guard learningRate.isFinite, learningRate > 0 else {
            throw .invalidParameter(name: "learning rate", value: "\(learningRate)", reason: "must be > 0")
        }
        for (name, beta) in [("beta1", beta1), ("beta2", beta2)] where !(beta >= 0 && beta < 1) {
            throw .invalidParameter(name: name, value: "\(beta)", reason: "must be in [0, 1)")
        }
        guard epsilon > 0 else { throw .invalidParameter(name: "epsilon", value: "\(epsilon)", reason: "must be > 0") }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw .invalidParameter(name: "weight decay", value: "\(weightDecay)", reason: "must be >= 0")
        }
        return self
    }
}

/// Adam (Kingma & Ba 2015) with bias correction, or AdamW (Loshchilov & Hutter 2019), on the
/// parameters of an ``AffineMap``; the same update as `torch.optim.Adam` / `AdamW`:
/// m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  p <- p - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
///
/// One fused pass over the parameters per step, no temporaries. For an ``MapFamily/orthogonal`` map
/// the caller retracts W afterwards (``AffineMap/projectOntoFamily()``).
public struct AdamOptimizer<Scalar: BLASScalar>: Sendable {
    public let settings: AdamSettings
    /// Steps taken so far (t in the bias corrections).
    public private(set) var stepCount = 0
    private var firstMoment: MapGradient<Scalar>
    private var secondMoment: MapGradient<Scalar>

    /// An optimizer with zero moments for maps shaped like `map`.
    public init(settings: AdamSettings, for map: AffineMap<Scalar>) throws(AlignmentError) {
        self.settings = try settings.validated()
        firstMoment = MapGradient(like: map)
        secondMoment = MapGradient(like: map)
    }

    /// One update of `map` along `gradient` (which must be shaped like the map).
    /// Throws when the gradient holds NaN or infinity; the map is then left unchanged.
    /// - Complexity: O(m p).
    public mutating func step(_ map: inout AffineMap<Scalar>, gradient: MapGradient<Scalar>) throws(AlignmentError) {
        precondition(
            gradient.weight.shape == map.weight.shape && gradient.bias.count == map.bias.count,
            "gradient shape differs from the map")
        guard gradient.isFinite else { throw .nonFinite(what: "gradient") }
        stepCount += 1
        let s = settings
        let c1 = 1 - Foundation.pow(s.beta1, Double(stepCount))
        let c2 = 1 - Foundation.pow(s.beta2, Double(stepCount))
        let coefficients = Coefficients(
            beta1: Scalar(s.beta1), beta2: Scalar(s.beta2), stepSize: Scalar(s.learningRate / c1),
            inverseRootC2: Scalar(1 / c2.squareRoot()), epsilon: Scalar(s.epsilon),
            l2: s.decoupledWeightDecay ? 0 : Scalar(s.weightDecay),
            shrink: s.decoupledWeightDecay ? Scalar(1 - s.learningRate * s.weightDecay) : 1)
        map.weight.withUnsafeMutableBufferPointer { p in
            firstMoment.weight.withUnsafeMutableBufferPointer { m in
                secondMoment.weight.withUnsafeMutableBufferPointer { v in
                    gradient.weight.withUnsafeBufferPointer { g in
                        Self.update(
                            p.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!, p.count, coefficients)
                    }
                }
            }
        }
        map.bias.withUnsafeMutableBufferPointer { p in
            firstMoment.bias.withUnsafeMutableBufferPointer { m in
                secondMoment.bias.withUnsafeMutableBufferPointer { v in
                    gradient.bias.withUnsafeBufferPointer { g in
                        Self.update(
                            p.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!, p.count, coefficients)
                    }
                }
            }
        }
    }

    private struct Coefficients {
        var beta1, beta2, stepSize, inverseRootC2, epsilon, l2, shrink: Scalar
    }

    /// The fused update of `count` parameters; 16 lanes at a time for Float (the loop over four
    /// buffers is not auto-vectorized), the scalar loop for the rest and for Double.
    private static func update(
        _ p: UnsafeMutablePointer<Scalar>, _ g: UnsafePointer<Scalar>,
        _ m: UnsafeMutablePointer<Scalar>, _ v: UnsafeMutablePointer<Scalar>,
        _ count: Int, _ k: Coefficients
    ) {
        #if DEBUG
        // An unoptimized build does not specialize SIMD16's generic operators: the vector loop
        // below took a third of a debug `era run`, so the debug test suite uses Float's scalar
        // loop (the same operations in the same order per element: the same figures).
        if Scalar.self == Float.self {
            func float(_ x: Scalar) -> Float { x as! Float }
            updateFloats(
                UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self),
                UnsafeRawPointer(g).assumingMemoryBound(to: Float.self),
                UnsafeMutableRawPointer(m).assumingMemoryBound(to: Float.self),
                UnsafeMutableRawPointer(v).assumingMemoryBound(to: Float.self), count,
                (
                    float(k.beta1), float(k.beta2), float(k.stepSize), float(k.inverseRootC2), float(k.epsilon),
                    float(k.l2), float(k.shrink)
                ))
            return
        }
        #endif
        var start = 0
        if Scalar.self == Float.self {
            start = count - count % 16
            let pf = UnsafeMutableRawPointer(p), gf = UnsafeRawPointer(g)
            let mf = UnsafeMutableRawPointer(m), vf = UnsafeMutableRawPointer(v)
            typealias V = SIMD16<Float>
            let b1 = V(repeating: k.beta1 as! Float), b2 = V(repeating: k.beta2 as! Float)
            let c1 = V(repeating: 1 - (k.beta1 as! Float)), c2 = V(repeating: 1 - (k.beta2 as! Float))
            let l2 = V(repeating: k.l2 as! Float), shrink = V(repeating: k.shrink as! Float)
            let stepSize = V(repeating: k.stepSize as! Float), rootC2 = V(repeating: k.inverseRootC2 as! Float)
            let epsilon = V(repeating: k.epsilon as! Float)
            for offset in stride(from: 0, to: start * 4, by: 64) {
                let pi = pf.loadUnaligned(fromByteOffset: offset, as: V.self)
                let gi = gf.loadUnaligned(fromByteOffset: offset, as: V.self) + l2 * pi
                let mi = b1 * mf.loadUnaligned(fromByteOffset: offset, as: V.self) + c1 * gi
                let vi = b2 * vf.loadUnaligned(fromByteOffset: offset, as: V.self) + c2 * gi * gi
                mf.storeBytes(of: mi, toByteOffset: offset, as: V.self)
                vf.storeBytes(of: vi, toByteOffset: offset, as: V.self)
                let updated = shrink * pi - stepSize * mi / (vi.squareRoot() * rootC2 + epsilon)
                pf.storeBytes(of: updated, toByteOffset: offset, as: V.self)
            }
        }
        // The same update, element by element, as `updateFloats` below (debug builds): keep the two in step.
        let oneMinusB1 = 1 - k.beta1, oneMinusB2 = 1 - k.beta2
        for i in start..<count {
            let gi = g[i] + k.l2 * p[i]
            let mi = k.beta1 * m[i] + oneMinusB1 * gi
            let vi = k.beta2 * v[i] + oneMinusB2 * gi * gi
            m[i] = mi
            v[i] = vi
            p[i] = k.shrink * p[i] - k.stepSize * mi / (vi.squareRoot() * k.inverseRootC2 + k.epsilon)
        }
    }
}

#if DEBUG
/// The scalar form of `AdamOptimizer.update` for Float (debug builds only; see there).
private func updateFloats(
    _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
    _ v: UnsafeMutablePointer<Float>, _ count: Int,
    _ k: (beta1: Float, beta2: Float, stepSize: Float, inverseRootC2: Float, epsilon: Float, l2: Float, shrink: Float)
) {
    let oneMinusB1 = 1 - k.beta1, oneMinusB2 = 1 - k.beta2
    for i in 0..<count {
        let gi = g[i] + k.l2 * p[i]
        let mi = k.beta1 * m[i] + oneMinusB1 * gi
        let vi = k.beta2 * v[i] + oneMinusB2 * gi * gi
        m[i] = mi
        v[i] = vi
        p[i] = k.shrink * p[i] - k.stepSize * mi / (vi.squareRoot() * k.inverseRootC2 + k.epsilon)
    }
}
#endif
