import Foundation

/// Element-wise kernels as plain scalar loops that LLVM vectorises for the target the calling module is built for:
/// every module of the suite is built for AVX2 (`Package.swift`), and `ElementWiseAVX512` compiles the same loops
/// again for AVX-512, where they run up to twice as fast (the Double tanh's long dependency chain fills the
/// scheduler; a 512-bit vector carries twice the values per entry). The operations and their order are the same in
/// both builds, so the results are bitwise the same; `FastMath` picks the build at run time.
public enum ElementWise {
  /// Double tanh without libm calls, so that LLVM vectorises the loop: tanh|x| = e/(e + 2) with e = expm1(2|x|),
  /// and expm1(z) = 2^k (p + 1) − 1 = 2^k p + (2^k − 1) for z = k ln2 + r, |r| ≤ ln2/2, where p = expm1(r) is its
  /// Taylor polynomial to r¹³ (truncation below 1e-17 relative) and k comes from the 1.5·2⁵² rounding trick.
  /// No cancellation for small |x| (k = 0 gives e = p). |x| ≥ 20 gives ±1, as libm.
  /// In place (x == y) is as fast as out of place: LLVM's runtime overlap check fails for x == y and would run the
  /// scalar remainder loop over the whole buffer (7× slower), so that case loops over y alone.
  @inlinable @inline(__always) public static func tanh(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
    if x == UnsafePointer(y) {
      for i in 0..<n { y[i] = tanh(y[i]) }
    } else {
      for i in 0..<n { y[i] = tanh(x[i]) }
    }
  }

  @inlinable @inline(__always) public static func tanh(_ v: Double) -> Double {
    let shifter = 6755399441055744.0                   // 1.5·2⁵²
    let log2e = 1.4426950408889634, ln2Hi = 0.6931471803691238, ln2Lo = 1.9082149292705877e-10
    let a = Swift.min(Swift.abs(v), 20)
    let z = 2 * a
    let t = z * log2e + shifter
    let k = t - shifter
    let r = (z - k * ln2Hi) - k * ln2Lo
    // expm1(r) = r + r²/2! + … + r¹³/13!
    var p = 1.0 / 6227020800
    p = p * r + 1.0 / 479001600
    p = p * r + 1.0 / 39916800
    p = p * r + 1.0 / 3628800
    p = p * r + 1.0 / 362880
    p = p * r + 1.0 / 40320
    p = p * r + 1.0 / 5040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = (p * r) * r + r
    let scale = Double(bitPattern: (t.bitPattern &- shifter.bitPattern &+ 1023) << 52)   // 2^k
    let e = scale * p + (scale - 1)
    let magnitude = e / (e + 2)
    return v < 0 ? -magnitude : magnitude
  }

  /// A plain scalar loop that LLVM vectorises (the SIMD8 formulation through Swift's generic SIMD
  /// operators measured slower).
  /// In place (x == y) loops over y alone, as the Double loop does.
  @inlinable @inline(__always) public static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    if x == UnsafePointer(y) {
      for i in 0..<n { y[i] = tanh(y[i]) }
    } else {
      for i in 0..<n { y[i] = tanh(x[i]) }
    }
  }

  @inlinable @inline(__always) public static func tanh(_ input: Float) -> Float {
    let clamp: Float = 7.99881172180175781
    let v = Swift.min(Swift.max(input, -clamp), clamp)
    let v2 = v * v
    // Numerator: odd polynomial; denominator: even polynomial (Eigen, MathFunctionsImpl.h).
    var p: Float = v2 * -2.76076847742355e-16 + 2.00018790482477e-13
    p = v2 * p + -8.60467152213735e-11
    p = v2 * p + 5.12229709037114e-08
    p = v2 * p + 1.48572235717979e-05
    p = v2 * p + 6.37261928875436e-04
    p = v2 * p + 4.89352455891786e-03
    p = v * p
    var q: Float = v2 * 1.19825839466702e-06 + 1.18534705686654e-04
    q = v2 * q + 2.26843463243900e-03
    q = v2 * q + 4.89352518554385e-03
    let r = p / q
    return (input < 0.0004 && input > -0.0004) ? input : r
  }
}

extension ElementWise {
  /// The instruction sets `ElementWiseAVX512` is built for (`-target-cpu skylake-avx512`: AVX-512 F, CD, BW, DQ, VL),
  /// as the kernel reports them in /proc/cpuinfo (so also enabled by the OS). False elsewhere, or when the
  /// environment sets REPRODUCE_NO_AVX512 (to time or check the AVX2 build on the same machine).
  public static let hasAVX512: Bool = {
    #if arch(x86_64) && os(Linux)
    if ProcessInfo.processInfo.environment["REPRODUCE_NO_AVX512"] != nil { return false }
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
    let present = Set(flags.split(separator: " ").map(String.init))
    return ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(present.contains)
    #else
    return false
    #endif
  }()
}
