import Numerics

/// One layer of biotorch's LeNet (Bioflax README, "Table 4"): a valid convolution with stride 1 and a k×k kernel,
/// then ReLU (every layer but the last) and a 2×2 max-pool with stride 2 (the first two). A Linear layer is the
/// same layer on a 1×1 input with k = 1, so the whole net is one kind of layer.
public struct LeNetLayer: Sendable, Codable, Equatable {
  public var inputSize: Int, inputChannels: Int, outputChannels: Int, kernel: Int
  public var relu: Bool, pool: Bool

  public init(inputSize: Int, inputChannels: Int, outputChannels: Int, kernel: Int, relu: Bool = true, pool: Bool = false) {
    self.inputSize = inputSize; self.inputChannels = inputChannels; self.outputChannels = outputChannels; self.kernel = kernel
    self.relu = relu; self.pool = pool
  }
  /// H_out = H_in − k + 1 (no padding, stride 1).
  public var convolutionSize: Int { inputSize - kernel + 1 }
  public var outputSize: Int { pool ? convolutionSize / 2 : convolutionSize }
  public var positions: Int { convolutionSize * convolutionSize }
  /// Patch-matrix columns k²·c_in, index (kh·k + kw)·c_in + c (NHWC images).
  public var patchWidth: Int { kernel * kernel * inputChannels }
  public var inputFeatures: Int { inputSize * inputSize * inputChannels }
  /// Features before the pool (positions × c_out) and after it (what the next layer reads).
  public var convolutionFeatures: Int { positions * outputChannels }
  public var outputFeatures: Int { outputSize * outputSize * outputChannels }
  /// PyTorch's fans (Conv2d: c_in k², c_out k²; Linear: in, out), which Xavier's bound uses.
  public var fanIn: Int { patchWidth }
  public var fanOut: Int { outputChannels * kernel * kernel }
  /// A Linear layer: no im2col, the input rows are the patch rows.
  public var isDense: Bool { kernel == 1 && inputSize == 1 }
}

public struct LeNetArchitecture: Sendable, Codable, Equatable {
  public var name: String
  public var layers: [LeNetLayer]
  public var classes: Int { layers.last!.outputChannels }

  /// biotorch `le_net_mnist`: 1×32×32 → conv 6@5×5, ReLU, pool (6×14×14) → conv 16@5×5, ReLU, pool (16×5×5) →
  /// conv 120@5×5, ReLU (120×1×1) → Linear 84, ReLU → Linear 10.
  public static let mnist = LeNetArchitecture(name: "le_net_mnist", layers: [
    LeNetLayer(inputSize: 32, inputChannels: 1, outputChannels: 6, kernel: 5, pool: true),
    LeNetLayer(inputSize: 14, inputChannels: 6, outputChannels: 16, kernel: 5, pool: true),
    LeNetLayer(inputSize: 5, inputChannels: 16, outputChannels: 120, kernel: 5),
    LeNetLayer(inputSize: 1, inputChannels: 120, outputChannels: 84, kernel: 1),
    LeNetLayer(inputSize: 1, inputChannels: 84, outputChannels: 10, kernel: 1, relu: false),
  ])

  public init(name: String, layers: [LeNetLayer]) {
    for (a, b) in zip(layers, layers.dropFirst()) {
      precondition(a.outputSize == b.inputSize && a.outputChannels == b.inputChannels, "LeNet layers do not chain")
    }
    self.name = name; self.layers = layers
  }

  /// Offsets in the flat parameter array W¹, b¹, …, W^L, b^L; W^l is (k² c_in) × c_out, row-major.
  public func weightRange(_ l: Int) -> Range<Int> {
    let start = l == 0 ? 0 : biasRange(l - 1).upperBound
    return start..<start + layers[l].patchWidth * layers[l].outputChannels
  }
  public func biasRange(_ l: Int) -> Range<Int> {
    let start = weightRange(l).upperBound
    return start..<start + layers[l].outputChannels
  }
  public var parameterCount: Int { biasRange(layers.count - 1).upperBound }
  /// Where layer l's DFA matrix D^l ((k² c_in) × C) starts in the flat feedback array.
  public func directRange(_ l: Int) -> Range<Int> {
    let start = layers[..<l].map { $0.patchWidth * classes }.reduce(0, +)
    return start..<start + layers[l].patchWidth * classes
  }
  public var directCount: Int { layers.map { $0.patchWidth * classes }.reduce(0, +) }
  /// Xavier's uniform bound √(6/(fan_in + fan_out)) of layer l's W (and of its FA/SF feedback).
  public func xavierBound(_ l: Int) -> Double { (6 / Double(layers[l].fanIn + layers[l].fanOut)).squareRoot() }
  /// The bound of D^l, shaped (C, c_in, k, k): fan_in = c_in k², fan_out = C k².
  public func directBound(_ l: Int) -> Double { (6 / Double(layers[l].patchWidth + classes * layers[l].kernel * layers[l].kernel)).squareRoot() }
  /// Forward multiply-adds per image (the FLOP counts of the bench and the README).
  public var multiplyAddsPerImage: Int { layers.map { $0.positions * $0.patchWidth * $0.outputChannels }.reduce(0, +) }
}

/// The buffers of LeNet's training step for batches of up to `capacity` images, allocated once (nothing is
/// allocated per step). Per layer l (batch B): the patch matrix P^l ((B·positions) × k² c_in; for a Linear layer the
/// input itself), A^l = ReLU(P^l W^l + b^l) ((B·positions) × c_out), the pooled output O^l (B × outputFeatures).
public final class LeNetWorkspace<T: BLASScalar> {
  public let architecture: LeNetArchitecture
  public let capacity: Int
  @usableFromInline let patches: [UnsafeMutablePointer<T>]
  @usableFromInline let activity: [UnsafeMutablePointer<T>]
  @usableFromInline let pooled: [UnsafeMutablePointer<T>]
  @usableFromInline let signal: UnsafeMutablePointer<T>        // G at a layer's output (B × features)
  @usableFromInline let signalZ: UnsafeMutablePointer<T>       // G_Z at a layer's pre-activation (B·positions × c_out)
  @usableFromInline let patchSignal: UnsafeMutablePointer<T>   // G_P = G_Z Bᵀ ((B·positions) × k² c_in)
  /// E = ∂ℓ/∂logits = (softmax − onehot)/B (B × C).
  public let errors: UnsafeMutablePointer<T>
  /// The rule's pseudo-gradient, flat like the parameters.
  public var gradient: [T]
  public var batch = 0

  public init(_ a: LeNetArchitecture, capacity: Int) {
    architecture = a; self.capacity = capacity
    patches = a.layers.map { .allocate(capacity: $0.isDense ? 0 : capacity * $0.positions * $0.patchWidth) }
    activity = a.layers.map { .allocate(capacity: capacity * $0.convolutionFeatures) }
    pooled = a.layers.map { .allocate(capacity: $0.pool ? capacity * $0.outputFeatures : 0) }
    let widest = a.layers.map { max($0.convolutionFeatures, $0.inputFeatures, $0.positions * $0.patchWidth) }.max()!
    signal = .allocate(capacity: capacity * widest); signalZ = .allocate(capacity: capacity * widest)
    patchSignal = .allocate(capacity: capacity * widest)
    errors = .allocate(capacity: capacity * a.classes)
    gradient = [T](repeating: 0, count: a.parameterCount)
  }
  deinit {
    for p in patches + activity + pooled { p.deallocate() }
    for p in [signal, signalZ, patchSignal, errors] { p.deallocate() }
  }

  /// The output of layer l (what layer l + 1 reads), B × outputFeatures.
  @inlinable func output(_ l: Int) -> UnsafeMutablePointer<T> { architecture.layers[l].pool ? pooled[l] : activity[l] }
  /// The logits of the last forward pass (B × C).
  public var logits: UnsafeMutablePointer<T> { output(architecture.layers.count - 1) }

  // MARK: im2col and its adjoint (valid padding, stride 1)

  /// P[(b, i, j), (kh, kw, c)] = X[b, i + kh, j + kw, c]. Each (kh) row segment is k·c contiguous values, copied by a
  /// plain loop (memmove's call costs more than the copy at k·c = 5).
  @inlinable func im2col(_ g: LeNetLayer, _ x: UnsafePointer<T>, into p: UnsafeMutablePointer<T>, rows B: Int) {
    let size = g.inputSize, c = g.inputChannels, out = g.convolutionSize, k = g.kernel, width = g.patchWidth, run = k * c
    for b in 0..<B {
      let image = x + b * g.inputFeatures
      for i in 0..<out {
        for j in 0..<out {
          let row = p + ((b * out + i) * out + j) * width
          for kh in 0..<k {
            let dst = row + kh * run, src = image + ((i + kh) * size + j) * c
            for q in 0..<run { dst[q] = src[q] }
          }
        }
      }
    }
  }

  /// The adjoint of im2col: G_X[b, i + kh, j + kw, c] += G_P[(b, i, j), (kh, kw, c)] (G_X zeroed first). With
  /// `broadcast`, every position of image b reads the same row G_P[b] (DFA's error tiled over the output map).
  @inlinable func col2im(_ g: LeNetLayer, _ p: UnsafePointer<T>, into x: UnsafeMutablePointer<T>, rows B: Int, broadcast: Bool) {
    let size = g.inputSize, c = g.inputChannels, out = g.convolutionSize, k = g.kernel, width = g.patchWidth
    x.update(repeating: 0, count: B * g.inputFeatures)
    for b in 0..<B {
      let image = x + b * g.inputFeatures
      for i in 0..<out {
        for j in 0..<out {
          let row = p + (broadcast ? b : (b * out + i) * out + j) * width
          for kh in 0..<k {
            let src = row + kh * k * c, dst = image + ((i + kh) * size + j) * c
            for q in 0..<k * c { dst[q] += src[q] }
          }
        }
      }
    }
  }

  // MARK: Forward

  /// Layer by layer: A^l = ReLU(P^l W^l + b^l), O^l = maxpool₂(A^l). x: B images, NHWC.
  @inlinable public func forward(_ parameters: UnsafePointer<T>, _ x: UnsafePointer<T>, rows B: Int) {
    precondition(B <= capacity, "batch \(B) exceeds the workspace's capacity \(capacity)")
    batch = B
    let a = architecture
    var input = x
    for (l, g) in a.layers.enumerated() {
      let rows = B * g.positions, n = g.outputChannels, z = activity[l]
      let p: UnsafePointer<T>
      if g.isDense { p = input } else { im2col(g, input, into: patches[l], rows: B); p = UnsafePointer(patches[l]) }
      // Z = 1 bᵀ + P W: the bias rows first (copied in doubling blocks: a per-row copy of c_out = 6 values costs more
      // than the copy itself), then GEMM with β = 1, then ReLU over the flat buffer.
      let bias = parameters + a.biasRange(l).lowerBound
      z.update(from: bias, count: n)
      var filled = n
      while filled < rows * n { let m = min(filled, rows * n - filled); (z + filled).update(from: z, count: m); filled += m }
      T.gemm(.none, .none, m: rows, n: n, k: g.patchWidth, alpha: 1, a: p, lda: g.patchWidth,
             b: parameters + a.weightRange(l).lowerBound, ldb: n, beta: 1, c: z, ldc: n)
      if g.relu { for i in 0..<rows * n where !(z[i] > 0) { z[i] = 0 } }
      if g.pool { maxPool(g, z, into: pooled[l], rows: B) }
      input = UnsafePointer(output(l))
    }
  }

  /// O = max over each 2×2 window, channel by channel (branch-free, so the channel loop vectorises).
  @inlinable func maxPool(_ g: LeNetLayer, _ a: UnsafePointer<T>, into o: UnsafeMutablePointer<T>, rows B: Int) {
    let size = g.convolutionSize, half = g.outputSize, c = g.outputChannels
    for b in 0..<B {
      for i in 0..<half {
        for j in 0..<half {
          // The window's four positions in row-major order; each holds c channels.
          let a00 = a + ((b * size + 2 * i) * size + 2 * j) * c, a01 = a00 + c, a10 = a00 + size * c, a11 = a10 + c
          let out = o + ((b * half + i) * half + j) * c
          for ch in 0..<c {
            let top = a01[ch] > a00[ch] ? a01[ch] : a00[ch], bottom = a11[ch] > a10[ch] ? a11[ch] : a10[ch]
            out[ch] = bottom > top ? bottom : top
          }
        }
      }
    }
  }

  /// The adjoint of the pool (and of the ReLU before it): each window's gradient goes to its first maximum in
  /// row-major order, as PyTorch's argmax, found again by comparing A with O; nothing flows where O ≤ 0 under ReLU.
  @inlinable func maxPoolBackward(_ g: LeNetLayer, _ a: UnsafePointer<T>, _ o: UnsafePointer<T>, _ gradient: UnsafePointer<T>,
                                  into gz: UnsafeMutablePointer<T>, rows B: Int) {
    let size = g.convolutionSize, half = g.outputSize, c = g.outputChannels
    for b in 0..<B {
      for i in 0..<half {
        for j in 0..<half {
          let q00 = ((b * size + 2 * i) * size + 2 * j) * c, q01 = q00 + c, q10 = q00 + size * c, q11 = q10 + c
          let out = ((b * half + i) * half + j) * c
          for ch in 0..<c {
            let m = o[out + ch], gradientIn = (!g.relu || m > 0) ? gradient[out + ch] : 0
            let e00 = a[q00 + ch] == m, e01 = !e00 && a[q01 + ch] == m, e10 = !e00 && !e01 && a[q10 + ch] == m
            let e11 = !e00 && !e01 && !e10
            gz[q00 + ch] = e00 ? gradientIn : 0; gz[q01 + ch] = e01 ? gradientIn : 0
            gz[q10 + ch] = e10 ? gradientIn : 0; gz[q11 + ch] = e11 ? gradientIn : 0
          }
        }
      }
    }
  }

  /// Mean softmax cross-entropy of the logits against `labels`, and E = (softmax − onehot)/B into `errors`.
  @inlinable public func crossEntropy(labels: UnsafePointer<Int32>) -> Double {
    let B = batch, C = architecture.classes
    return Double(Loss.softmaxError(logits, rows: B, width: C, labels: labels, scale: 1 / T(B), into: errors)) / Double(B)
  }

  // MARK: Backward

  /// How a layer's input gradient is formed: through a matrix of W's shape (BP: W; FA: B; the sign-symmetry
  /// rules: their B), or DFA's replacement E·D^l, the output error tiled over the layer's output map.
  public enum InputGradient { case through(UnsafePointer<T>), direct(UnsafePointer<T>) }

  /// The backward pass of the last forward pass from E: every layer's true local weight and bias gradients for the
  /// signal that reaches its output, the signal passed down by `inputGradient(l)` (Bioflax README §2.9).
  @inlinable public func backward(_ x: UnsafePointer<T>, inputGradient: (Int) -> InputGradient) {
    let a = architecture, B = batch, L = a.layers.count
    signal.update(from: errors, count: B * a.classes)
    gradient.withUnsafeMutableBufferPointer { gp in
      let grad = gp.baseAddress!
      for l in stride(from: L - 1, through: 0, by: -1) {
        let g = a.layers[l], rows = B * g.positions, n = g.outputChannels
        // G_Z = unpool(G_O) ⊙ 1[A > 0]   ((B·positions) × c_out)
        let gz = signalZ, act = activity[l]
        if g.pool {
          maxPoolBackward(g, act, pooled[l], signal, into: gz, rows: B)
        } else {
          gz.update(from: signal, count: rows * n)
          if g.relu { for i in 0..<rows * n where !(act[i] > 0) { gz[i] = 0 } }
        }
        // ∂W = Pᵀ G_Z, ∂b = Σ_rows G_Z.
        let p: UnsafePointer<T> = g.isDense ? (l == 0 ? x : UnsafePointer(output(l - 1))) : UnsafePointer(patches[l])
        T.gemm(.transposed, .none, m: g.patchWidth, n: n, k: rows, alpha: 1, a: p, lda: g.patchWidth, b: gz, ldb: n,
               beta: 0, c: grad + a.weightRange(l).lowerBound, ldc: n)
        let db = grad + a.biasRange(l).lowerBound
        FastMath.columnSums(gz, rows: rows, columns: n, into: db)
        guard l > 0 else { break }   // the first layer's input needs no gradient
        switch inputGradient(l) {
        case .through(let matrix):
          // G_P = G_Z Mᵀ, then col2im onto the layer's input (a Linear layer: G_P is the input gradient).
          let target = g.isDense ? signal : patchSignal
          T.gemm(.none, .transposed, m: rows, n: g.patchWidth, k: n, alpha: 1, a: gz, lda: n, b: matrix, ldb: n, beta: 0, c: target, ldc: g.patchWidth)
          if !g.isDense { col2im(g, patchSignal, into: signal, rows: B, broadcast: false) }
        case .direct(let d):
          directInputGradient(layer: l, d)   // Rules/LeNetDirectFeedbackAlignment.swift
        }
      }
    }
  }
}
