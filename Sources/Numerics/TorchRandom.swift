import Foundation

/// torch's CPU generator replayed for what the DFC teacher draws (`torch.manual_seed(s)`, then `normal_` on float64
/// tensors of 16 or more values; DFC README, "Random streams"). The engine is MT19937 seeded as numpy seeds it
/// (`NumpyRandom`'s state); a double is the low 53 bits of two 32-bit words, the first as the high word, times 2⁻⁵³.
/// `normal_` on a contiguous tensor of n ≥ 16 values first fills it with n uniforms, then turns each block of 16 into
/// normals by Box–Muller (u1 = 1 − data[j], u2 = data[j + 8], j < 8: cos into j, sin into j + 8); when 16 does not
/// divide n, the last 16 places are drawn again and transformed once more. glibc's log, sin and cos, as torch's.
public struct TorchRandom: Sendable, Codable, Equatable {
  var engine: NumpyRandom

  /// `torch.manual_seed(seed)` for 0 ≤ seed < 2³².
  public init(seed: UInt32) { engine = NumpyRandom(seed: seed) }

  /// `random64()`: two words, the first in the high half.
  public mutating func next64() -> UInt64 { UInt64(engine.nextUInt32()) << 32 | UInt64(engine.nextUInt32()) }

  /// `uniform_real_distribution<double>(0, 1)`: the low 53 bits of `random64()` times 2⁻⁵³.
  public mutating func uniform() -> Double { Double(next64() & ((1 << 53) - 1)) * 0x1p-53 }

  /// `tensor.normal_(mean, std)` on a contiguous float64 tensor of `count` ≥ 16 values (torch's `normal_fill`).
  public mutating func normal(count: Int, mean: Double = 0, std: Double = 1) -> [Double] {
    precondition(count >= 16, "torch draws fewer than 16 normals another way (not replayed)")
    var data = (0..<count).map { _ in uniform() }
    func fill16(_ o: Int) {
      for j in 0..<8 {
        let u1 = 1 - data[o + j], u2 = data[o + j + 8]
        let radius = (-2 * Foundation.log(u1)).squareRoot(), theta = 2 * Double.pi * u2
        data[o + j] = radius * Foundation.cos(theta) * std + mean
        data[o + j + 8] = radius * Foundation.sin(theta) * std + mean
      }
    }
    for o in stride(from: 0, to: count - 15, by: 16) { fill16(o) }
    if count % 16 != 0 {
      for j in (count - 16)..<count { data[j] = uniform() }
      fill16(count - 16)
    }
    return data
  }
}
