import LinearAlgebra

/// Kiers (1990) majorization for the unbalanced orthogonal Procrustes problem
/// min ||X T - Y||_F^2 over T (p x m, p > m) with T^T T = I.
///
/// With A = X^T X, M = X^T Y and lambda >= max eig(A), f(T) = ||Y||^2 + tr(T^T A T) - 2 tr(T^T M) is
/// majorized at T_k by a function whose minimizer over the constraint set is polar(M + (lambda I - A) T_k):
/// that is a projected gradient step of length 1/lambda, and f never rises.
/// The accelerated variant tries the Barzilai-Borwein length first (projected by the same polar factor),
/// shortens it while the trial would raise f and falls back to the 1/lambda step, so it keeps the guarantee.
enum Majorization {
    struct Result {
        var t: MatrixD
        var iterations: Int
        var lastRelativeDecrease: Double
    }

    static func refine(
        x: MatrixD, cross m: MatrixD, start: MatrixD, yy: Double, accelerated: Bool,
        tolerance: Double, maxIterations: Int
    ) throws(AlignmentError) -> Result {
        try wrapLinearAlgebra { () throws(LinearAlgebraError) -> Result in
            let a = try MatrixD.multiply(x, x, transA: .transposed)  // p x p
            let lambda = try a.largestSymmetricEigenvalue()
            guard lambda > 0 else { return Result(t: start, iterations: 0, lastRelativeDecrease: 0) }
            var t = start
            var at = try MatrixD.multiply(a, t)
            // f(T) = ||Y||^2 + <T, A T> - 2 <T, M>, reusing A T: one gemm and one SVD per plain step.
            func objective(_ t: MatrixD, _ at: MatrixD) throws(LinearAlgebraError) -> Double {
                yy + (try t.frobeniusDot(at)) - 2 * (try t.frobeniusDot(m))
            }
            var f = try objective(t, at)
            var previous: (t: MatrixD, gradient: MatrixD)? = nil
            var iterations = 0
            var relative = 0.0
            while iterations < maxIterations {
                iterations += 1
                let gradient = at - m  // half the Euclidean gradient of f
                var next: (t: MatrixD, at: MatrixD, f: Double)? = nil
                if accelerated, let previous {
                    // BB1 length <S, S> / |<S, D>|, S and D the changes of T and of the gradient;
                    // shortened by 4x while the trial raises f, down to the majorization length.
                    let s = t - previous.t, d = gradient - previous.gradient
                    let sd = abs(try s.frobeniusDot(d))
                    var length = sd > 0 ? s.frobeniusNormSquared / sd : 0
                    while length > 1 / lambda, length.isFinite, next == nil {
                        let trial = try (t - length * gradient).polarFactor()
                        let trialAT = try MatrixD.multiply(a, trial)
                        let trialF = try objective(trial, trialAT)
                        if trialF <= f { next = (trial, trialAT, trialF) } else { length /= 4 }
                    }
                }
                if next == nil {
                    let trial = try (t - (1 / lambda) * gradient).polarFactor()  // polar(M + (lambda I - A) T)
                    let trialAT = try MatrixD.multiply(a, trial)
                    next = (trial, trialAT, try objective(trial, trialAT))
                }
                previous = (t, gradient)
                relative = (f - next!.f) / f
                (t, at, f) = next!
                if relative < tolerance { break }
            }
            return Result(t: t, iterations: iterations, lastRelativeDecrease: relative)
        }
    }
}
