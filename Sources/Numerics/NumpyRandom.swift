/// numpy's legacy global generator (`np.random.seed`, `np.random.normal`, `binomial`, `permutation`) replayed
/// number for number, so that a run can start from an official code's initial weights, data and batch order
/// (Align README, "Random streams"). MT19937 (Matsumoto & Nishimura 1998) with numpy's legacy conversions:
/// doubles from two 32-bit words, Gaussians by the polar method with one cached value, bounded integers by
/// masked rejection. A value type: copy it to fork, store it in a checkpoint to resume.
public struct NumpyRandom: Sendable, Codable, Equatable {
  var mt: [UInt32]
  var index: Int
  /// The polar method's second value, returned by the next `gauss()`; survives other draw types until `seed`.
  var cachedGauss: Double?

  /// `np.random.seed(s)` for 0 ≤ s < 2³²: MT19937's `init_genrand`.
  public init(seed: UInt32) {
    mt = [UInt32](repeating: 0, count: 624)
    mt[0] = seed
    for i in 1..<624 { mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i) }
    index = 624
    cachedGauss = nil
  }

  public mutating func nextUInt32() -> UInt32 {
    if index >= 624 { twist() }
    var y = mt[index]
    index += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9d2c_5680
    y ^= (y << 15) & 0xefc6_0000
    y ^= y >> 18
    return y
  }

  mutating func twist() {
    for i in 0..<624 {
      let y = (mt[i] & 0x8000_0000) | (mt[(i + 1) % 624] & 0x7fff_ffff)
      mt[i] = mt[(i + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_b0df)
    }
    index = 0
  }

  /// Uniform in [0, 1) with 53 bits: (a·2²⁶ + b)/2⁵³ with a = u ≫ 5, b = u ≫ 6.
  public mutating func nextDouble() -> Double {
    let a = Double(nextUInt32() >> 5), b = Double(nextUInt32() >> 6)
    return (a * 67_108_864 + b) / 9_007_199_254_740_992
  }

  /// A standard normal by the polar method, exactly as numpy's `legacy_gauss`.
  public mutating func gauss() -> Double {
    if let g = cachedGauss { cachedGauss = nil; return g }
    var x1 = 0.0, x2 = 0.0, r2 = 0.0
    repeat {
      x1 = 2 * nextDouble() - 1
      x2 = 2 * nextDouble() - 1
      r2 = x1 * x1 + x2 * x2
    } while r2 >= 1 || r2 == 0
    let f = (-2 * Double.log(r2) / r2).squareRoot()
    cachedGauss = f * x1
    return f * x2
  }

  /// `np.random.normal(loc, scale, size=count)`, in float64.
  public mutating func normal(count: Int, loc: Double = 0, scale: Double = 1) -> [Double] {
    (0..<count).map { _ in loc + scale * gauss() }
  }

  /// `np.random.binomial(1, 0.5)`: numpy's inversion algorithm, which for one trial at p = 0.5 is U > 0.5.
  public mutating func coinFlip() -> Int { nextDouble() > 0.5 ? 1 : 0 }

  /// A uniform integer in 0...m by numpy's legacy masked rejection (`rk_interval`).
  public mutating func interval(_ m: UInt32) -> UInt32 {
    if m == 0 { return 0 }
    var mask = m
    mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16
    while true {
      let v = nextUInt32() & mask
      if v <= m { return v }
    }
  }

  /// `np.random.permutation(n)`: Fisher–Yates from the top, j = interval(i).
  public mutating func permutation(_ n: Int) -> [Int] {
    var a = Array(0..<n)
    if n < 2 { return a }
    for i in stride(from: n - 1, through: 1, by: -1) {
      a.swapAt(i, Int(interval(UInt32(i))))
    }
    return a
  }
}
