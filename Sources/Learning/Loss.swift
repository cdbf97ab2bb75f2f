import Numerics

/// One minibatch as the rules see it: `rows` examples in row-major order, and either class labels
/// (classification) or target rows (regression). Pointers into the runner's reused batch buffers.
public struct Batch<T: BLASScalar> {
  public let rows: Int
  public let inputs: UnsafePointer<T>            // (rows × d₀)
  public let labels: UnsafePointer<Int32>?       // (rows), class indices
  public let targets: UnsafePointer<T>?          // (rows × d_L)
  public init(rows: Int, inputs: UnsafePointer<T>, labels: UnsafePointer<Int32>? = nil, targets: UnsafePointer<T>? = nil) {
    self.rows = rows; self.inputs = inputs; self.labels = labels; self.targets = targets
  }
}

/// How a mean-squared error is averaged.
public enum Reduction: String, Sendable, Codable, Equatable {
  case batch              // Σ over outputs, mean over the batch
  case batchAndOutputs    // mean over batch × outputs
}

/// The training loss ℓ(Y, ·) on the network output Y (N × d_L), and its output error Δ_L = ∂ℓ/∂Y.
public enum Loss: Sendable, Codable, Equatable, CustomStringConvertible {
  /// ℓ = (1/N) Σₙ [logsumexp(yₙ) − yₙ,cₙ]; Δ_L = (softmax(Y) − onehot(c))/N.
  case softmaxCrossEntropy
  /// ℓ = s·Σ (y − t)² / D with s = ½ if `half` else 1, D = N or N·d_L by `reduction`; Δ_L = 2s(Y − T)/D.
  case meanSquaredError(half: Bool, reduction: Reduction)

  public var description: String {
    switch self {
    case .softmaxCrossEntropy: return "softmax cross-entropy (batch mean)"
    case .meanSquaredError(let h, let r): return "\(h ? "½·" : "")squared error, mean over \(r == .batch ? "batch" : "batch × outputs")"
    }
  }

  @inlinable public var isClassification: Bool { self == .softmaxCrossEntropy }

  /// Returns ℓ and writes Δ_L (rows × d) into `delta`.
  @inlinable public func evaluate<T: BLASScalar>(output y: UnsafePointer<T>, rows n: Int, width d: Int,
                                                batch: Batch<T>, delta: UnsafeMutablePointer<T>) -> T {
    switch self {
    case .softmaxCrossEntropy:
      guard let labels = batch.labels else { preconditionFailure("cross-entropy needs class labels") }
      let invN = 1 / T(n)
      return Loss.softmaxError(y, rows: n, width: d, labels: labels, scale: invN, into: delta) * invN
    case .meanSquaredError(let half, let reduction):
      guard let t = batch.targets else { preconditionFailure("squared error needs targets") }
      let denominator = T(reduction == .batch ? n : n * d)
      let s: T = half ? 0.5 : 1
      var total: T = 0
      for i in 0..<(n * d) {
        let e = y[i] - t[i]
        total += e * e
        delta[i] = 2 * s * e / denominator
      }
      return s * total / denominator
    }
  }

  /// Writes s·(softmax(Y) − onehot(c)) row by row (computed stably) and returns the summed cross-entropy
  /// Σₙ [logsumexp(yₙ) − yₙ,cₙ]. s = 1/N gives the mean loss's Δ_L; s = 1 LRA-E's output error e_L.
  @inlinable public static func softmaxError<T: BLASScalar>(_ y: UnsafePointer<T>, rows n: Int, width d: Int,
                                                           labels: UnsafePointer<Int32>, scale: T,
                                                           into delta: UnsafeMutablePointer<T>) -> T {
    var total: T = 0
    for r in 0..<n {
      let o = r * d
      var m = y[o]
      for j in 1..<d { m = max(m, y[o + j]) }
      var s: T = 0
      for j in 0..<d { let e = T.exp(y[o + j] - m); delta[o + j] = e; s += e }
      let c = Int(labels[r])
      total += m + T.log(s) - y[o + c]
      let invS = 1 / s
      for j in 0..<d { delta[o + j] = delta[o + j] * invS * scale }
      delta[o + c] -= scale
    }
    return total
  }

  /// ℓ of a whole prediction matrix (evaluation), with labels or targets.
  @inlinable public func value<T: BLASScalar>(_ y: Matrix<T>, labels: [Int32]? = nil, targets: Matrix<T>? = nil) -> T {
    var delta = [T](repeating: 0, count: y.count)
    return y.storage.withUnsafeBufferPointer { py in
      (labels ?? []).withUnsafeBufferPointer { pl in
        (targets?.storage ?? []).withUnsafeBufferPointer { pt in
          delta.withUnsafeMutableBufferPointer { pd in
            let batch = Batch(rows: y.rows, inputs: py.baseAddress!, labels: labels == nil ? nil : pl.baseAddress,
                              targets: targets == nil ? nil : pt.baseAddress)
            return evaluate(output: py.baseAddress!, rows: y.rows, width: y.cols, batch: batch, delta: pd.baseAddress!)
          }
        }
      }
    }
  }
}

/// How many of `rows` output rows (row-major, `width` wide) have their largest entry at the label
/// (the first maximum wins ties).
@inlinable public func correctCount<T: BLASScalar>(_ y: UnsafePointer<T>, rows: Int, width: Int,
                                                  labels: UnsafePointer<Int32>) -> Int {
  var correct = 0
  for r in 0..<rows {
    let o = r * width
    var best = 0
    for j in 1..<width where y[o + j] > y[o + best] { best = j }
    if best == Int(labels[r]) { correct += 1 }
  }
  return correct
}

/// Fraction of rows whose largest output is the label (first maximum wins ties).
@inlinable public func accuracy<T: BLASScalar>(_ y: Matrix<T>, labels: [Int32]) -> Double {
  precondition(y.rows == labels.count, "accuracy: \(y.rows) predictions, \(labels.count) labels")
  if y.rows == 0 { return 0 }
  let correct = y.storage.withUnsafeBufferPointer { py in
    labels.withUnsafeBufferPointer { correctCount(py.baseAddress!, rows: y.rows, width: y.cols, labels: $0.baseAddress!) }
  }
  return Double(correct) / Double(y.rows)
}
