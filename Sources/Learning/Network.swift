import Numerics

/// Shape key: N = batch rows, d₀ = input width, dₗ = width of layer l (l = 1…L), layer L the output.
/// Layers compute Aₗ = Hₗ₋₁ Wₗ + 1 bₗᵀ, Hₗ = φₗ(Aₗ), with Wₗ stored (dₗ₋₁ × dₗ), row-major, batch in rows.

/// Where each layer's W and b sit in one flat parameter buffer (llm.c's "one allocation, named views"),
/// so that the optimiser runs over one contiguous array.
public struct ParameterLayout: Sendable, Codable, Equatable {
  public let sizes: [Int]                 // d₀ … d_L
  public let weightOffset: [Int]          // index l−1 → offset of Wₗ (dₗ₋₁ × dₗ)
  public let biasOffset: [Int]            // index l−1 → offset of bₗ (dₗ)
  public let count: Int

  public init(sizes: [Int]) {
    precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 }, "A network needs ≥ 2 positive widths, got \(sizes)")
    self.sizes = sizes
    var w: [Int] = [], b: [Int] = [], o = 0
    for l in 1..<sizes.count {
      w.append(o); o += sizes[l - 1] * sizes[l]
      b.append(o); o += sizes[l]
    }
    weightOffset = w; biasOffset = b; count = o
  }

  public var layerCount: Int { sizes.count - 1 }
  /// Every tensor as (name, offset, count), for per-tensor clipping and reports.
  public var tensors: [(name: String, offset: Int, count: Int)] {
    var t: [(name: String, offset: Int, count: Int)] = []
    for l in 1...layerCount {
      t.append((name: "W\(l)", offset: weightOffset[l - 1], count: sizes[l - 1] * sizes[l]))
      t.append((name: "b\(l)", offset: biasOffset[l - 1], count: sizes[l]))
    }
    return t
  }
}

/// A dense feed-forward network: parameters in one flat buffer, one activation per layer (the last is
/// usually `.linear`; the loss applies the softmax).
public struct Network<T: BLASScalar>: Sendable, Codable, Equatable {
  public let layout: ParameterLayout
  public let activations: [Activation]    // φ₁ … φ_L
  public var parameters: [T]

  public init(sizes: [Int], activations: [Activation], parameters: [T]? = nil) {
    layout = ParameterLayout(sizes: sizes)
    precondition(activations.count == layout.layerCount, "one activation per layer: \(layout.layerCount), got \(activations.count)")
    self.activations = activations
    if let parameters { precondition(parameters.count == layout.count, "parameter buffer has the wrong size") }
    self.parameters = parameters ?? [T](repeating: 0, count: layout.count)
  }

  /// Hidden layers with `hidden` activation and a linear output layer; weights from `initializer`, biases 0.
  public init(sizes: [Int], hidden: Activation, output: Activation = .linear,
              initializer: Initializer, rng: inout Random) {
    let acts = Array(repeating: hidden, count: sizes.count - 2) + [output]
    self.init(sizes: sizes, activations: acts)
    for l in 1...layout.layerCount { setWeight(l, initializer.matrix(fanIn: sizes[l - 1], fanOut: sizes[l], &rng)) }
  }

  public var sizes: [Int] { layout.sizes }
  public var layerCount: Int { layout.layerCount }

  /// Wₗ (dₗ₋₁ × dₗ) as a matrix copy (set-up, tests and metrics; the hot path uses offsets).
  public func weight(_ l: Int) -> Matrix<T> {
    let o = layout.weightOffset[l - 1], r = sizes[l - 1], c = sizes[l]
    return Matrix(rows: r, cols: c, storage: Array(parameters[o..<(o + r * c)]))
  }
  public func bias(_ l: Int) -> [T] {
    let o = layout.biasOffset[l - 1]
    return Array(parameters[o..<(o + sizes[l])])
  }
  public mutating func setWeight(_ l: Int, _ w: Matrix<T>) {
    precondition(w.rows == sizes[l - 1] && w.cols == sizes[l], "W\(l) must be \(sizes[l - 1])×\(sizes[l])")
    let o = layout.weightOffset[l - 1]
    parameters.replaceSubrange(o..<(o + w.count), with: w.storage)
  }
  public mutating func setBias(_ l: Int, _ b: [T]) {
    precondition(b.count == sizes[l], "b\(l) must have \(sizes[l]) entries")
    let o = layout.biasOffset[l - 1]
    parameters.replaceSubrange(o..<(o + b.count), with: b)
  }

}

/// The activations of one forward pass and the errors of one backward pass, for up to `capacity` rows.
/// Allocated once per run and reused: nothing is allocated per batch.
public struct Tape<T: BLASScalar>: Sendable {
  public let capacity: Int
  public let sizes: [Int]
  public var rows: Int = 0                 // rows of the current batch
  public var input: [T]                    // H₀ = X: (capacity × d₀)
  public var preActivation: [[T]]          // index l−1 → Aₗ: (capacity × dₗ)
  public var output: [[T]]                 // index l−1 → Hₗ = φ(Aₗ)
  public var derivative: [[T]]             // index l−1 → φ′(Aₗ)
  public var delta: [[T]]                  // index l−1 → Δₗ = ∂ℓ/∂Aₗ (or the rule's substitute)

  public init(sizes: [Int], capacity: Int) {
    self.capacity = capacity
    self.sizes = sizes
    input = [T](repeating: 0, count: capacity * sizes[0])
    let layers = sizes.dropFirst().map { [T](repeating: 0, count: capacity * $0) }
    preActivation = layers; output = layers; derivative = layers; delta = layers
  }

  /// Copies `rows` examples into the input buffer.
  public mutating func load(_ x: UnsafePointer<T>, rows: Int) {
    precondition(rows <= capacity, "batch of \(rows) exceeds the tape's capacity \(capacity)")
    self.rows = rows
    input.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: x, count: rows * sizes[0]) }
  }
}

extension Network {
  /// The forward pass of the rows already loaded into `tape`: fills Aₗ, Hₗ, φ′(Aₗ) for every layer.
  @inlinable public func forward(_ tape: inout Tape<T>) {
    let n = tape.rows
    parameters.withUnsafeBufferPointer { p in
      for l in 1...layerCount {
        let dIn = sizes[l - 1], dOut = sizes[l]
        let w = p.baseAddress! + layout.weightOffset[l - 1], b = p.baseAddress! + layout.biasOffset[l - 1]
        let inputBuffer = l == 1 ? tape.input : tape.output[l - 2]
        inputBuffer.withUnsafeBufferPointer { h in
          tape.preActivation[l - 1].withUnsafeMutableBufferPointer { a in
            // Aₗ = Hₗ₋₁ Wₗ: (n × dₗ₋₁)(dₗ₋₁ × dₗ)
            T.gemm(.none, .none, m: n, n: dOut, k: dIn, alpha: 1, a: h.baseAddress!, lda: dIn,
                   b: w, ldb: dOut, beta: 0, c: a.baseAddress!, ldc: dOut)
          }
        }
        tape.preActivation[l - 1].withUnsafeMutableBufferPointer { a in
          tape.output[l - 1].withUnsafeMutableBufferPointer { h in
            tape.derivative[l - 1].withUnsafeMutableBufferPointer { d in
              activations[l - 1].forward(rows: n, n: dOut, bias: b, a: a.baseAddress!, h: h.baseAddress!,
                                         d: d.baseAddress!)
            }
          }
        }
      }
    }
  }

  /// Forward pass of `x` (rows × d₀) in chunks through `tape`, returning the outputs (evaluation).
  /// Inlinable so that callers get it specialised: the generic body ran through value witnesses (12 % of a Double `train`).
  @inlinable public func predict(_ x: Matrix<T>, tape: inout Tape<T>) -> Matrix<T> {
    var y = Matrix<T>(rows: x.rows, cols: sizes.last!)
    var start = 0
    while start < x.rows {
      let n = min(tape.capacity, x.rows - start)
      x.storage.withUnsafeBufferPointer { tape.load($0.baseAddress! + start * sizes[0], rows: n) }
      forward(&tape)
      let dL = sizes.last!
      y.storage.replaceSubrange((start * dL)..<((start + n) * dL), with: tape.output[layerCount - 1][0..<(n * dL)])
      start += n
    }
    return y
  }
}
