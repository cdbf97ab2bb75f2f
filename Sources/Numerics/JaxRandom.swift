import Foundation

/// JAX's default PRNG replayed (jax 0.4.x, `jax_threefry_partitionable` off, the default there): a key is two
/// 32-bit words, `split` and `fold_in` hash with threefry2x32 (Salmon et al. 2011, 20 rounds), and draws hash the
/// counters 0 … n−1. Used to rebuild bioflax's teacher task from the same keys (Bioflax README, "Random streams").
///
/// Exact, bit for bit: keys, `split`, `fold_in`, `bits`, `uniform` (integer operations and one float32 rounding).
/// To round-off: `normal` and `truncatedNormal` go through erf⁻¹, which XLA evaluates in float32 with its own
/// log1p; here the same polynomial (Giles 2010, XLA's `ErfInv32`) gets log1p in Double, so a value can differ
/// from JAX's by an ulp or two (the test bounds it and counts the exact ones).
public struct JaxKey: Equatable, Sendable, CustomStringConvertible {
  public var k0: UInt32, k1: UInt32
  public init(_ k0: UInt32, _ k1: UInt32) { self.k0 = k0; self.k1 = k1 }

  /// `jax.random.PRNGKey(seed)` with 64-bit integers off: the seed is taken as a 32-bit integer, so the key
  /// is [0, seed mod 2³²] (for the seeds bioflax uses, 0 … 2³² − 1).
  public init(seed: UInt32) { self.init(0, seed) }

  public var description: String { "[\(k0), \(k1)]" }

  /// `jax.random.split(key, n)`: threefry of the counters 0 … 2n−1, read as n keys.
  public func split(_ n: Int = 2) -> [JaxKey] {
    let w = JaxRandom.threefry(self, counters: (0..<UInt32(2 * n)).map { $0 })
    return (0..<n).map { JaxKey(w[2 * $0], w[2 * $0 + 1]) }
  }

  /// `jax.random.fold_in(key, data)`: threefry of the key [0, data].
  public func foldIn(_ data: UInt32) -> JaxKey {
    let w = JaxRandom.threefry(self, counters: [0, data])
    return JaxKey(w[0], w[1])
  }
}

public enum JaxRandom {
  /// threefry2x32 of one counter pair (JAX `_threefry2x32_lowering`'s rounds and key schedule).
  @inlinable static func block(_ key: JaxKey, _ x0: UInt32, _ x1: UInt32) -> (UInt32, UInt32) {
    let ks = [key.k0, key.k1, key.k0 ^ key.k1 ^ 0x1BD1_1BDA]
    let rotations: [[UInt32]] = [[13, 15, 26, 6], [17, 29, 16, 24]]
    var a = x0 &+ ks[0], b = x1 &+ ks[1]
    for round in 0..<5 {
      for r in rotations[round % 2] {
        a = a &+ b
        b = (b << r) | (b >> (32 - r))
        b ^= a
      }
      a = a &+ ks[(round + 1) % 3]
      b = b &+ ks[(round + 2) % 3] &+ UInt32(round + 1)
    }
    return (a, b)
  }

  /// `threefry_2x32(key, counters)`: an odd count is padded with a zero; the first half of the counters are the
  /// blocks' first words, the second half their second words, and the output is laid out the same way.
  public static func threefry(_ key: JaxKey, counters: [UInt32]) -> [UInt32] {
    let n = counters.count, padded = counters + (n % 2 == 1 ? [0] : []), half = padded.count / 2
    var out = [UInt32](repeating: 0, count: padded.count)
    for i in 0..<half {
      let (a, b) = block(key, padded[i], padded[half + i])
      out[i] = a; out[half + i] = b
    }
    return Array(out[0..<n])
  }

  /// `jax.random.bits(key, (count,))`, 32-bit: threefry of the counters 0 … count−1 (one call up to 2³² draws).
  public static func bits(_ key: JaxKey, count: Int) -> [UInt32] {
    threefry(key, counters: (0..<UInt32(count)).map { $0 })
  }

  /// `jax.random.uniform(key, (count,), float32, minval, maxval)`: the top 23 bits as the mantissa of a float in
  /// [1, 2), minus 1, then `max(minval, u·(maxval − minval) + minval)` in float32, the multiply-add fused as XLA
  /// compiles it (with separate roundings, half of the values on a non-dyadic range differ by an ulp).
  public static func uniform(_ key: JaxKey, count: Int, minval: Float = 0, maxval: Float = 1) -> [Float] {
    bits(key, count: count).map { w in
      let u = Float(bitPattern: (w >> 9) | 0x3F80_0000) - 1
      return Swift.max(minval, minval.addingProduct(u, maxval - minval))
    }
  }

  /// `jax.random.normal(key, (count,), float32)`: √2 · erf⁻¹(u), u uniform on (nextafter(−1, 0), 1).
  public static func normal(_ key: JaxKey, count: Int) -> [Float] {
    uniform(key, count: count, minval: Float(-1).nextUp, maxval: 1).map { Float(2).squareRoot() * erfInv($0) }
  }

  /// `jax.random.truncated_normal(key, lower, upper, (count,), float32)`: √2 · erf⁻¹(u) for u uniform on
  /// (erf(lower/√2), erf(upper/√2)), clipped to the open interval (lower, upper).
  public static func truncatedNormal(_ key: JaxKey, lower: Float, upper: Float, count: Int) -> [Float] {
    let sqrt2 = Float(2).squareRoot()
    let a = Float(Foundation.erf(Double(lower / sqrt2))), b = Float(Foundation.erf(Double(upper / sqrt2)))
    return uniform(key, count: count, minval: a, maxval: b).map { u in
      Swift.min(Swift.max(sqrt2 * erfInv(u), lower.nextUp), upper.nextDown)
    }
  }

  /// erf⁻¹ in float32 (XLA's `ErfInv32`, Giles 2010): w = −log1p(−x²); for w < 5 a degree-8 polynomial in
  /// w − 2.5, else in √w − 3, by fused multiply-adds (as XLA compiles it); times x. ±1 map to ±∞.
  public static func erfInv(_ x: Float) -> Float {
    if Swift.abs(x) == 1 { return x * .infinity }
    let small: [Float] = [2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                          -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]
    let large: [Float] = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                          -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]
    let w = -Float(Foundation.log1p(Double(-(x * x))))
    let lt = w < 5
    let c = lt ? small : large
    let t = lt ? w - 2.5 : w.squareRoot() - 3
    var p = c[0]
    for i in 1..<c.count { p = c[i].addingProduct(p, t) }
    return p * x
  }

  /// Flax's key for a parameter (flax 0.7.5, lazy RNG): the module's key folded with the first four bytes of the
  /// SHA-1 of its path names and the scope's draw counter (1 for a Dense layer's kernel), big-endian, with no
  /// separator. `DenseLayer("Dense_0")` under `model.init(key, …)` draws its kernel from `flaxKey(key, ["Dense_0"], 1)`.
  public static func flaxKey(_ key: JaxKey, path: [String], counter: Int) -> JaxKey {
    var bytes: [UInt8] = path.flatMap { Array($0.utf8) }
    var c = counter, be: [UInt8] = []
    while c > 0 { be.insert(UInt8(c & 0xFF), at: 0); c >>= 8 }
    bytes += be
    let d = SHA1.digest(bytes)
    return key.foldIn(UInt32(d[0]) << 24 | UInt32(d[1]) << 16 | UInt32(d[2]) << 8 | UInt32(d[3]))
  }

  /// Flax's `lecun_normal()` kernel (fan_in × fan_out, row-major): a truncated normal on (−2, 2) times
  /// √(1/fan_in) / 0.87962566103423978 (the std of that truncated normal), in float32.
  public static func lecunNormalKernel(_ key: JaxKey, fanIn: Int, fanOut: Int) -> [Float] {
    let scale = Float((1 / Double(fanIn)).squareRoot() / 0.87962566103423978)
    return truncatedNormal(key, lower: -2, upper: 2, count: fanIn * fanOut).map { $0 * scale }
  }
}

/// SHA-1 (FIPS 180-4) of a short message: flax derives parameter keys from it. Not for security.
public enum SHA1 {
  public static func digest(_ message: [UInt8]) -> [UInt8] {
    var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
    var m = message + [0x80]
    while m.count % 64 != 56 { m.append(0) }
    let bitLength = UInt64(message.count) * 8
    for s in stride(from: 56, through: 0, by: -8) { m.append(UInt8((bitLength >> UInt64(s)) & 0xFF)) }
    func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
    for chunk in stride(from: 0, to: m.count, by: 64) {
      var w = (0..<16).map { i in (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(m[chunk + 4 * i + $1]) } }
      for i in 16..<80 { w.append(rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1)) }
      var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
      for i in 0..<80 {
        let (f, k): (UInt32, UInt32) =
          i < 20 ? ((b & c) | (~b & d), 0x5A82_7999) :
          i < 40 ? (b ^ c ^ d, 0x6ED9_EBA1) :
          i < 60 ? ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC) : (b ^ c ^ d, 0xCA62_C1D6)
        let t = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
        (e, d, c, b, a) = (d, c, rotl(b, 30), a, t)
      }
      h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d; h[4] = h[4] &+ e
    }
    return h.flatMap { v in (0..<4).map { UInt8((v >> UInt32(24 - 8 * $0)) & 0xFF) } }
  }
}
