/// The suite's one seeded generator: xoshiro256** (Blackman & Vigna 2018, prng.di.unimi.it), seeded by
/// SplitMix64. Independent streams come from (seed, stream name): the data order, the initialisation and
/// the noise of one run never share numbers, and a run is reproducible from (config, seed).
/// A value type: copy it to fork, store its `state` in a checkpoint to resume.
public struct Random: RandomNumberGenerator, Sendable, Codable, Equatable {
  public var state: [UInt64]          // 4 words of xoshiro256** state
  public var spareNormal: Double?     // Box–Muller's second value, kept so that a resumed run continues exactly

  public init(seed: UInt64, stream: String = "") {
    // FNV-1a of the stream name, mixed with the seed through SplitMix64.
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in stream.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    var sm = seed ^ h
    state = (0..<4).map { _ in Random.splitMix(&sm) }
    if state.allSatisfy({ $0 == 0 }) { state[0] = 1 }
    spareNormal = nil
  }

  @inlinable static func splitMix(_ x: inout UInt64) -> UInt64 {
    x &+= 0x9e37_79b9_7f4a_7c15
    var z = x
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }

  @inlinable static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  @inlinable public mutating func next() -> UInt64 {
    let result = Random.rotl(state[1] &* 5, 7) &* 9
    let t = state[1] << 17
    state[2] ^= state[0]; state[3] ^= state[1]; state[1] ^= state[2]; state[0] ^= state[3]
    state[2] ^= t
    state[3] = Random.rotl(state[3], 45)
    return result
  }

  /// Uniform in [0, 1) with 53 random bits.
  @inlinable public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  /// Uniform in [a, b).
  @inlinable public mutating func uniform<T: BLASScalar>(_ a: T, _ b: T) -> T { a + (b - a) * T(uniform()) }

  /// Standard normal by the Box–Muller transform, in Double.
  @inlinable public mutating func normal() -> Double {
    if let s = spareNormal { spareNormal = nil; return s }
    var u1 = uniform()
    while u1 == 0 { u1 = uniform() }
    let u2 = uniform()
    let r = (-2 * Double.log(u1)).squareRoot()
    let theta = 2 * Double.pi * u2
    spareNormal = r * Double.sin(theta)
    return r * Double.cos(theta)
  }

  /// Standard normal truncated to [−bound, bound], by rejection (bound ≥ 1 keeps acceptance above 68 %).
  public mutating func truncatedNormal(bound: Double = 2) -> Double {
    while true {
      let z = normal()
      if abs(z) <= bound { return z }
    }
  }

  /// A uniformly random permutation of 0..<n (Fisher–Yates).
  public mutating func permutation(_ n: Int) -> [Int] {
    var p = Array(0..<n)
    shuffle(&p)
    return p
  }

  public mutating func shuffle<E>(_ a: inout [E]) {
    if a.count < 2 { return }
    for i in stride(from: a.count - 1, to: 0, by: -1) {
      let j = Int(next() % UInt64(i + 1))   // modulo bias < 2⁻⁴⁰ for any array here
      a.swapAt(i, j)
    }
  }

  @inlinable public mutating func uniformMatrix<T: BLASScalar>(rows: Int, cols: Int, _ a: T, _ b: T) -> Matrix<T> {
    var m = Matrix<T>(rows: rows, cols: cols)
    for i in 0..<m.count { m.storage[i] = uniform(a, b) }
    return m
  }

  @inlinable public mutating func normalMatrix<T: BLASScalar>(rows: Int, cols: Int, std: Double = 1) -> Matrix<T> {
    var m = Matrix<T>(rows: rows, cols: cols)
    for i in 0..<m.count { m.storage[i] = T(std * normal()) }
    return m
  }

  /// A Haar-distributed orthogonal n×n matrix: QR of a Gaussian matrix, with the signs of R's diagonal
  /// moved into Q (Mezzadri 2007), without which Q is not Haar.
  public mutating func orthogonal<T: BLASScalar>(_ n: Int) -> Matrix<T> {
    let g: Matrix<Double> = normalMatrix(rows: n, cols: n)
    var (q, r) = try! qr(g)   // a Gaussian matrix is full rank with probability 1
    for j in 0..<n where r[j, j] < 0 { for i in 0..<n { q[i, j] = -q[i, j] } }
    return q.converted()
  }
}

