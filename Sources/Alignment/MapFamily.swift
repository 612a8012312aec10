/// Which matrices a map's weight may be.
public enum MapFamily: String, Sendable, Hashable, Codable, CaseIterable {
    /// Any `m x p` matrix.
    case linear
    /// Orthonormal rows (`W W^T = I_m`, when `p >= m`) or orthonormal columns (`W^T W = I_p`, when `p < m`):
    /// the map keeps the geometry of the query space (angles, and lengths when `p <= m`).
    case orthogonal
}
