import Numerics

/// A layer's non-linearity φ. Each case states its derivative's value at the kinks.
public enum Activation: Sendable, Codable, Equatable, CustomStringConvertible {
  case tanh
  /// max(0, x); φ′(0) = 0 (as JAX and PyTorch).
  case relu
  /// x for x ≥ 0, slope·x otherwise; φ′(0) = 1 (JAX takes the x ≥ 0 branch).
  case leakyReLU(slope: Double)
  /// 1/(1 + e^{−x}); φ′ = σ(1 − σ).
  case sigmoid
  case linear

  public var description: String {
    switch self {
    case .tanh: return "tanh"
    case .relu: return "relu"
    case .leakyReLU(let s): return s == 0.01 ? "leaky-relu" : "leaky-relu(\(s))"
    case .sigmoid: return "sigmoid"
    case .linear: return "linear"
    }
  }

  /// Names accepted on the command line.
  public static let names = ["tanh", "relu", "leaky-relu", "sigmoid", "linear"]

  public init?(name: String, leakySlope: Double = 0.01) {
    switch name.lowercased() {
    case "tanh": self = .tanh
    case "relu": self = .relu
    case "leaky-relu", "leaky_relu", "leakyrelu": self = .leakyReLU(slope: leakySlope)
    case "sigmoid": self = .sigmoid
    case "linear", "identity": self = .linear
    default: return nil
    }
  }

  /// φ(x), one scalar (tests and small code; the layers use `forward`).
  @inlinable public func value<T: BLASScalar>(_ x: T) -> T {
    switch self {
    case .tanh: return T.tanh(x)
    case .relu: return x > 0 ? x : 0
    case .leakyReLU(let s): return x >= 0 ? x : T(s) * x
    case .sigmoid: return 1 / (1 + T.exp(-x))
    case .linear: return x
    }
  }

  /// In one pass over a (rows × n) batch: a ← a + b (bias on every row), h ← φ(a), d ← φ′(a).
  /// tanh through `FastMath.tanh` (its doc states the error of each precision).
  @inlinable public func forward<T: BLASScalar>(rows: Int, n: Int, bias: UnsafePointer<T>,
                                               a: UnsafeMutablePointer<T>, h: UnsafeMutablePointer<T>,
                                               d: UnsafeMutablePointer<T>) {
    // Row pointers, not a[r·n + j]: Swift's checked index sum kept this loop scalar (3 % of a Float BP epoch).
    for r in 0..<rows {
      let row = a + r * n
      for j in 0..<n { row[j] += bias[j] }
    }
    let count = rows * n
    switch self {
    case .tanh:
      FastMath.tanh(a, h, count)
      for i in 0..<count { d[i] = 1 - h[i] * h[i] }
    case .relu:
      for i in 0..<count { let x = a[i]; h[i] = x > 0 ? x : 0; d[i] = x > 0 ? 1 : 0 }
    case .leakyReLU(let s):
      let slope = T(s)
      for i in 0..<count { let x = a[i]; h[i] = x >= 0 ? x : slope * x; d[i] = x >= 0 ? 1 : slope }
    case .sigmoid:
      for i in 0..<count { let y = 1 / (1 + T.exp(-a[i])); h[i] = y; d[i] = y * (1 - y) }
    case .linear:
      for i in 0..<count { h[i] = a[i]; d[i] = 1 }
    }
  }
}
