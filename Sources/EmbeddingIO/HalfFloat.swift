/// IEEE 754 binary16 <-> binary32 conversion on bit patterns.
///
/// Written out instead of using `Float16` because that type is unavailable on macOS/x86_64;
/// the tests compare it with `Float16` where the platform has it, over all 65 536 patterns.
enum HalfFloat {
    /// The `Float` with the value of the half-precision bit pattern `h` (exact: every half
    /// is a float). NaN payloads are kept in the top mantissa bits.
    @inline(__always)
    static func toFloat(_ h: UInt16) -> Float {
        // Masking shifts (`&<<`) of one concrete type: the generic smart shifts are standard-library
        // calls in a debug build, where this runs once per element of a float16 file.
        let sign = UInt32(h & 0x8000) &<< 16
        let exponent = UInt32(h &>> 10) & 0x1F
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            // Zero or subnormal: mantissa * 2^-24, exact in Float.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | mantissa &<< 13) }
        return Float(bitPattern: sign | (exponent &+ 112) &<< 23 | mantissa &<< 13)
    }

    /// The nearest half-precision bit pattern to `f` (round to nearest, ties to even, as
    /// numpy's `astype(np.float16)`); values beyond 65504 round to infinity, NaN stays NaN.
    @inline(__always)
    static func fromFloat(_ f: Float) -> UInt16 {
        let x = f.bitPattern
        let sign = UInt16((x >> 16) & 0x8000)
        let exponent = Int((x >> 23) & 0xFF)
        let mantissa = x & 0x7F_FFFF
        if exponent == 0xFF {
            return sign | 0x7C00 | (mantissa == 0 ? 0 : 0x200 | UInt16(truncatingIfNeeded: mantissa >> 13))
        }
        let halfExponent = exponent - 127 + 15
        if halfExponent >= 0x1F { return sign | 0x7C00 }
        if halfExponent <= 0 {
            // Subnormal half (or zero): value = (1.mantissa) >> (14 - halfExponent) in units of 2^-24.
            let shift = 14 - halfExponent
            if shift > 24 { return sign }  // below half the smallest subnormal: rounds to zero
            let full = mantissa | 0x80_0000
            var h = full >> UInt32(shift)
            let remainder = full & ((1 << UInt32(shift)) - 1)
            let halfway = UInt32(1) << UInt32(shift - 1)
            if remainder > halfway || (remainder == halfway && h & 1 == 1) { h += 1 }
            return sign | UInt16(h)
        }
        var h = UInt32(halfExponent) << 10 | mantissa >> 13
        let remainder = mantissa & 0x1FFF
        // A carry out of the mantissa correctly bumps the exponent (up to infinity).
        if remainder > 0x1000 || (remainder == 0x1000 && h & 1 == 1) { h += 1 }
        return sign | UInt16(h)
    }
}
