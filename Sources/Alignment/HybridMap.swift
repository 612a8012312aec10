import LinearAlgebra

/// The hybrid query map f(x, y) = W x + V y + b (DESIGN.md, "Hybrid queries"): x is the query
/// model's vector (p-d), y the index model's own vector for the same query (m-d), scored as
/// normalize(f) against the unchanged index. `weight` W is `m x p`, `indexWeight` V is `m x m`.
///
/// Special cases: stage one alone is V = 0 (``stageOne(_:)``); the index as it is is W = 0, V = I,
/// b = 0 (``indexAsIs(source:target:)``); the label-free start is W = a W1, V = (1 - a) I, b = a b1
/// (``mix(stageOne:alpha:)``). Every case is applied the same way, so an adapter written from any of
/// them needs both inputs.
///
/// f is affine in the concatenated input [x; y] (`p + m` values) with weight [W V]: stage two trains
/// it as an ``AffineMap`` over concatenated rows (``concatenated``, ``init(concatenated:source:)``),
/// while applying it needs no concatenation (two gemms into one output).
public struct HybridMap<Scalar: BLASScalar>: Sendable, Hashable {
    /// W, `m x p`, row-major.
    public var weight: DenseMatrix<Scalar>
    /// V, `m x m`, row-major.
    public var indexWeight: DenseMatrix<Scalar>
    /// b, `m` entries.
    public var bias: [Scalar]

    /// p: the query model's dimension.
    public var sourceDimension: Int { weight.columns }
    /// m: the index model's dimension.
    public var targetDimension: Int { weight.rows }

    /// A map from its parts. Throws when the shapes disagree or an entry is not finite.
    public init(weight: DenseMatrix<Scalar>, indexWeight: DenseMatrix<Scalar>, bias: [Scalar]) throws(AlignmentError) {
        let m = weight.rows
        guard m > 0, weight.columns > 0 else { throw .empty(what: "hybrid map weight \(weight.shape)") }
        guard indexWeight.rows == m, indexWeight.columns == m else {
            throw .shapeMismatch(
                operation: "HybridMap", expected: "index weight \(m) x \(m)", got: "\(indexWeight.shape)")
        }
        guard bias.count == m else {
            throw .shapeMismatch(operation: "HybridMap", expected: "bias of \(m) entries", got: "\(bias.count)")
        }
        guard allFinite(weight), allFinite(indexWeight), allFinite(bias) else { throw .nonFinite(what: "hybrid map") }
        self.init(unchecked: weight, indexWeight: indexWeight, bias: bias)
    }

    init(unchecked weight: DenseMatrix<Scalar>, indexWeight: DenseMatrix<Scalar>, bias: [Scalar]) {
        self.weight = weight
        self.indexWeight = indexWeight
        self.bias = bias
    }

    /// Stage one alone: W = W1, V = 0, b = b1 (the index-model vector is taken and ignored).
    public static func stageOne(_ map: AffineMap<Scalar>) -> HybridMap {
        mix(stageOne: map, alpha: 1)
    }

    /// The index as it is: W = 0, V = I, b = 0, so f(x, y) = y.
    public static func indexAsIs(source p: Int, target m: Int) -> HybridMap {
        precondition(p > 0 && m > 0, "dimensions must be positive")
        return HybridMap(
            unchecked: DenseMatrix(rows: m, columns: p), indexWeight: .identity(m),
            bias: [Scalar](repeating: 0, count: m))
    }

    /// The label-free start W = a W1, V = (1 - a) I, b = a b1: a = 1 is stage one, a = 0 the index
    /// as it is. Index vectors and stage-one outputs are both near unit length, so a weighs the two
    /// directions before the final normalization.
    public static func mix(stageOne map: AffineMap<Scalar>, alpha: Double) -> HybridMap {
        let a = Scalar(alpha), m = map.targetDimension
        return HybridMap(
            unchecked: a * map.weight, indexWeight: Scalar(1 - alpha) * DenseMatrix.identity(m),
            bias: map.bias.map { a * $0 })
    }

    /// [W V] and b as one affine map on concatenated inputs [x; y] (`m x (p + m)`).
    public var concatenated: AffineMap<Scalar> {
        let m = targetDimension, p = sourceDimension, width = p + m
        var joined = DenseMatrix<Scalar>(rows: m, columns: width)
        weight.withUnsafeBufferPointer { w in
            indexWeight.withUnsafeBufferPointer { v in
                joined.withUnsafeMutableBufferPointer { j in
                    for i in 0..<m {
                        (j.baseAddress! + i * width).update(from: w.baseAddress! + i * p, count: p)
                        (j.baseAddress! + i * width + p).update(from: v.baseAddress! + i * m, count: m)
                    }
                }
            }
        }
        return AffineMap(unchecked: joined, bias: bias, family: .linear)
    }

    /// Splits an affine map on concatenated inputs (`m x (source + m)`) into W and V.
    public init(concatenated map: AffineMap<Scalar>, source p: Int) throws(AlignmentError) {
        let m = map.targetDimension
        guard map.sourceDimension == p + m else {
            throw .shapeMismatch(
                operation: "HybridMap(concatenated:)", expected: "\(p + m) input columns",
                got: "\(map.sourceDimension)")
        }
        var w = DenseMatrix<Scalar>(rows: m, columns: p), v = DenseMatrix<Scalar>(rows: m, columns: m)
        map.weight.withUnsafeBufferPointer { j in
            w.withUnsafeMutableBufferPointer { pw in
                v.withUnsafeMutableBufferPointer { pv in
                    for i in 0..<m {
                        (pw.baseAddress! + i * p).update(from: j.baseAddress! + i * (p + m), count: p)
                        (pv.baseAddress! + i * m).update(from: j.baseAddress! + i * (p + m) + p, count: m)
                    }
                }
            }
        }
        self.init(unchecked: w, indexWeight: v, bias: map.bias)
    }

    /// The same map in another precision.
    public func converted<Other: BLASScalar>(to: Other.Type = Other.self) -> HybridMap<Other> {
        HybridMap<Other>(
            unchecked: weight.converted(to: Other.self), indexWeight: indexWeight.converted(to: Other.self),
            bias: bias.map { Other($0) })
    }
}
