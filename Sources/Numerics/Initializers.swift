/// Weight initialisers, for a weight stored (fanIn × fanOut) as the suite stores layers (a = x·W + b).
/// Each case says its distribution; the papers' specs name which one they use.
public enum Initializer: Sendable, Equatable, Codable {
  /// Xavier/Glorot normal: N(0, gain²·2/(fanIn + fanOut)).
  case xavierNormal(gain: Double)
  /// Xavier/Glorot uniform: U[−a, a), a = gain·√(6/(fanIn + fanOut)).
  case xavierUniform(gain: Double)
  /// LeCun truncated normal (JAX/Flax `lecun_normal`): z ~ N(0,1) truncated to [−2, 2], times
  /// √(1/fanIn)/0.87962566103423978, so that the variance is exactly 1/fanIn.
  case lecunTruncatedNormal
  /// Variance scaling, normal, not truncated: N(0, scale/fanIn).
  case varianceScaling(scale: Double)
  /// U[−s, s), not fan-in scaled.
  case uniform(scale: Double)
  /// N(0, std²).
  case normal(std: Double)
  /// U[−1/√fanIn, 1/√fanIn): torch.nn.Linear's default weights (kaiming_uniform with a = √5).
  case torchLinear
  case zeros

  /// The std of a standard normal truncated to [−2, 2]: what `lecunTruncatedNormal` divides by.
  public static let truncatedNormalStd = 0.87962566103423978

  @inlinable public func matrix<T: BLASScalar>(fanIn: Int, fanOut: Int, _ rng: inout Random) -> Matrix<T> {
    var m = Matrix<T>(rows: fanIn, cols: fanOut)
    let fi = Double(fanIn), fo = Double(fanOut)
    for i in 0..<m.count {
      let v: Double
      switch self {
      case .xavierNormal(let gain): v = gain * (2 / (fi + fo)).squareRoot() * rng.normal()
      case .xavierUniform(let gain):
        let a = gain * (6 / (fi + fo)).squareRoot()
        v = rng.uniform(-a, a)
      case .lecunTruncatedNormal:
        v = (1 / fi).squareRoot() / Initializer.truncatedNormalStd * rng.truncatedNormal(bound: 2)
      case .varianceScaling(let scale): v = (scale / fi).squareRoot() * rng.normal()
      case .uniform(let s): v = rng.uniform(-s, s)
      case .normal(let std): v = std * rng.normal()
      case .torchLinear:
        let a = 1 / fi.squareRoot()
        v = rng.uniform(-a, a)
      case .zeros: v = 0
      }
      m.storage[i] = T(v)
    }
    return m
  }
}
