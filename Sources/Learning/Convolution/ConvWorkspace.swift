import Numerics

/// What one forward pass keeps per hidden layer for the backward passes (batch B, layer l with F_l = H_l W_l n
/// features): the normalised pre-activation Ĥ^l (B × F_l, image view; also the position view (B H_l W_l) × n),
/// the BN scale s^l = √(σ² + ε) (F_l), and A^l = ReLU(Ĥ^l) (B × F_l). Then the pooled P (B × n) and the output F (B × C).
public struct ConvActivations<T: BLASScalar> {
  public let normalised: [UnsafeMutablePointer<T>]
  public let scale: [UnsafeMutablePointer<T>]
  public let activity: [UnsafeMutablePointer<T>]
  public let pooled: UnsafeMutablePointer<T>
  public let output: UnsafeMutablePointer<T>
  init(_ a: ConvArchitecture, batch: Int) {
    normalised = (1...a.hiddenLayers).map { .allocate(capacity: batch * a.layer($0).outputFeatures) }
    scale = (1...a.hiddenLayers).map { .allocate(capacity: a.layer($0).outputFeatures) }
    activity = (1...a.hiddenLayers).map { .allocate(capacity: batch * a.layer($0).outputFeatures) }
    pooled = .allocate(capacity: batch * a.width)
    output = .allocate(capacity: batch * a.classes)
  }
  func deallocate() {
    for p in normalised + scale + activity { p.deallocate() }
    pooled.deallocate(); output.deallocate()
  }
}

/// The buffers of a conv network's step, allocated once for batches of up to `capacity` images (nothing is
/// allocated per step). im2col patches are built a chunk of images at a time so that the patch buffer stays
/// near `patchBudget` elements whatever the width. Inlinable, so that the caller's module specialises it.
public final class ConvWorkspace<T: BLASScalar> {
  public let architecture: ConvArchitecture
  public let capacity: Int
  public let current: ConvActivations<T>
  public let initial: ConvActivations<T>               // the frozen initial network on the same batch
  @usableFromInline let patches: UnsafeMutablePointer<T>       // chunk rows × 9 c_in
  @usableFromInline let patchRows: Int
  @usableFromInline let signal: UnsafeMutablePointer<T>        // G_A or G_H of the current chain (B × F_max)
  @usableFromInline let signalZ: UnsafeMutablePointer<T>       // G_Z (B × F_max)
  @usableFromInline let initialSignal: UnsafeMutablePointer<T> // the initial network's chain (Align rules)
  @usableFromInline let initialSignalZ: UnsafeMutablePointer<T>
  @usableFromInline let statistics: UnsafeMutablePointer<T>    // per-feature sums (2 F_max)
  @usableFromInline let pooledSignal: UnsafeMutablePointer<T>  // G_P (B × n)
  public let errors: UnsafeMutablePointer<T>                   // E = 2(F − Y)/(B C)
  public let gradientBuffer: UnsafeMutablePointer<T>
  public var batch = 0                                         // rows of the last forward pass

  public init(_ a: ConvArchitecture, capacity: Int, patchBudget: Int = 8 << 20) {
    architecture = a; self.capacity = capacity
    current = ConvActivations(a, batch: capacity); initial = ConvActivations(a, batch: capacity)
    let widestPatch = (1...a.hiddenLayers).map { a.layer($0).patchWidth * a.layer($0).outputPositions }.max()!
    patchRows = max(1, min(capacity, patchBudget / widestPatch)) * (1...a.hiddenLayers).map { a.layer($0).outputPositions }.max()!
    patches = .allocate(capacity: patchRows * (1...a.hiddenLayers).map { a.layer($0).patchWidth }.max()!)
    let features = max(a.inputSize * a.inputSize * a.inputChannels, (1...a.hiddenLayers).map { a.layer($0).outputFeatures }.max()!)
    signal = .allocate(capacity: capacity * features); signalZ = .allocate(capacity: capacity * features)
    initialSignal = .allocate(capacity: capacity * features); initialSignalZ = .allocate(capacity: capacity * features)
    statistics = .allocate(capacity: 2 * features)
    pooledSignal = .allocate(capacity: capacity * a.width)
    errors = .allocate(capacity: capacity * a.classes)
    gradientBuffer = .allocate(capacity: a.parameterCount)
  }
  deinit {
    current.deallocate(); initial.deallocate()
    for p in [patches, signal, signalZ, initialSignal, initialSignalZ, statistics, pooledSignal, errors, gradientBuffer] { p.deallocate() }
  }

  /// The last pseudo-gradient as an array (tests; training steps from the buffer).
  public var gradient: [T] { Array(UnsafeBufferPointer(start: gradientBuffer, count: architecture.parameterCount)) }

  // MARK: im2col and its adjoint

  /// Images per patch chunk for layer geometry g.
  @inlinable func chunkImages(_ g: ConvGeometry) -> Int { max(1, patchRows / g.outputPositions) }

  /// P[(b, i, j), (kh, kw, c)] = A[b, i·s + kh − pad, j·s + kw − pad, c] (0 outside) for images b0 ..< b0 + count.
  @inlinable func im2col(_ g: ConvGeometry, _ input: UnsafePointer<T>, images b0: Int, count: Int) {
    let size = g.inputSize, c = g.inputChannels, out = g.outputSize, s = g.stride, pad = g.padTop, width = g.patchWidth
    for b in 0..<count {
      let image = input + (b0 + b) * g.inputFeatures
      for i in 0..<out {
        for j in 0..<out {
          let row = patches + ((b * out + i) * out + j) * width
          for kh in 0..<3 {
            let ii = i * s + kh - pad
            for kw in 0..<3 {
              let jj = j * s + kw - pad, dst = row + (kh * 3 + kw) * c
              if ii < 0 || ii >= size || jj < 0 || jj >= size { dst.update(repeating: 0, count: c) }
              else { dst.update(from: image + (ii * size + jj) * c, count: c) }
            }
          }
        }
      }
    }
  }

  /// The adjoint of im2col: adds the patch-matrix rows back onto the positions they were read from.
  @inlinable func col2imAdd(_ g: ConvGeometry, into gradient: UnsafeMutablePointer<T>, images b0: Int, count: Int) {
    let size = g.inputSize, c = g.inputChannels, out = g.outputSize, s = g.stride, pad = g.padTop, width = g.patchWidth
    for b in 0..<count {
      let image = gradient + (b0 + b) * g.inputFeatures
      for i in 0..<out {
        for j in 0..<out {
          let row = patches + ((b * out + i) * out + j) * width
          for kh in 0..<3 {
            let ii = i * s + kh - pad
            if ii < 0 || ii >= size { continue }
            for kw in 0..<3 {
              let jj = j * s + kw - pad
              if jj < 0 || jj >= size { continue }
              let src = row + (kh * 3 + kw) * c, dst = image + (ii * size + jj) * c
              for k in 0..<c { dst[k] += src[k] }
            }
          }
        }
      }
    }
  }

  // MARK: Forward
  // The element-wise loops index through row pointers (row[c]), not z[r·n + c]: Swift's checked index sum kept such
  // loops scalar.

  /// The forward pass of `net` on B images x (B × H W c, NHWC) into `acts`: Z = κ im2col(A)W + b, Ĥ = BN(Z), A = ReLU(Ĥ),
  /// P = GAP(A^L), F = κ P W^{L+1} + b^{L+1}.
  @inlinable public func forward(_ net: ConvNetwork<T>, _ x: UnsafePointer<T>, rows B: Int, into acts: ConvActivations<T>) {
    precondition(B <= capacity, "batch \(B) exceeds the workspace's capacity \(capacity)")
    batch = B
    let a = architecture
    net.parameters.withUnsafeBufferPointer { pp in
      let p = pp.baseAddress!
      var input = x
      for l in 1...a.hiddenLayers {
        let g = a.layer(l), z = acts.normalised[l - 1], n = g.outputChannels, kappa = T(a.kappa(l))
        let chunk = chunkImages(g)
        for b0 in stride(from: 0, to: B, by: chunk) {
          let count = min(chunk, B - b0)
          im2col(g, input, images: b0, count: count)
          T.gemm(.none, .none, m: count * g.outputPositions, n: n, k: g.patchWidth, alpha: kappa, a: patches, lda: g.patchWidth,
                 b: p + a.weightRange(l).lowerBound, ldb: n, beta: 0, c: z + b0 * g.outputFeatures, ldc: n)
        }
        let bias = p + a.biasRange(l).lowerBound
        for r in 0..<B * g.outputPositions { let row = z + r * n; for c in 0..<n { row[c] += bias[c] } }
        normalise(z, rows: B, features: g.outputFeatures, scale: acts.scale[l - 1])
        let act = acts.activity[l - 1]
        for i in 0..<B * g.outputFeatures { act[i] = z[i] > 0 ? z[i] : 0 }
        input = UnsafePointer(act)
      }
      // Global average pooling, then the 1×1 readout.
      let last = a.layer(a.hiddenLayers), n = a.width, positions = last.outputPositions
      let act = acts.activity[a.hiddenLayers - 1]
      for b in 0..<B {
        let pooled = acts.pooled + b * n
        pooled.update(repeating: 0, count: n)
        for q in 0..<positions { let row = act + (b * positions + q) * n; for c in 0..<n { pooled[c] += row[c] } }
        for c in 0..<n { pooled[c] /= T(positions) }
      }
      let L1 = a.hiddenLayers + 1, C = a.classes
      T.gemm(.none, .none, m: B, n: C, k: n, alpha: T(a.kappa(L1)), a: acts.pooled, lda: n, b: p + a.weightRange(L1).lowerBound, ldb: C,
             beta: 0, c: acts.output, ldc: C)
      for b in 0..<B { for k in 0..<C { acts.output[b * C + k] += p[a.biasRange(L1).lowerBound + k] } }
    }
  }

  /// Batch normalisation in place over the rows of z (B × F): Ĥ = (Z − μ)/s with μ, σ² the batch mean and biased
  /// variance of each feature and s = √(σ² + 1e−6); s goes into `scale`.
  @inlinable func normalise(_ z: UnsafeMutablePointer<T>, rows B: Int, features F: Int, scale: UnsafeMutablePointer<T>) {
    let mean = statistics, variance = statistics + F
    mean.update(repeating: 0, count: F); variance.update(repeating: 0, count: F)
    for b in 0..<B { let row = z + b * F; for f in 0..<F { mean[f] += row[f] } }
    for f in 0..<F { mean[f] /= T(B) }
    for b in 0..<B { let row = z + b * F; for f in 0..<F { let d = row[f] - mean[f]; variance[f] += d * d } }
    for f in 0..<F { scale[f] = (variance[f] / T(B) + T(1e-6)).squareRoot() }
    for b in 0..<B { let row = z + b * F; for f in 0..<F { row[f] = (row[f] - mean[f]) / scale[f] } }
  }

  /// ℒ = mean over B·C of (F − Y)², and E = 2(F − Y)/(B C) into `errors`. Y is B × C.
  @inlinable public func loss(targets y: UnsafePointer<T>) -> Double {
    let n = batch * architecture.classes
    var total = 0.0
    for i in 0..<n {
      let d = current.output[i] - y[i]
      errors[i] = 2 * d / T(n)
      total += Double(d * d)
    }
    return total / Double(n)
  }

  // MARK: Backward building blocks

  /// BN's exact backward per feature: G_Z = (G_H − mean(G_H) − Ĥ ⊙ mean(G_H ⊙ Ĥ))/s, from `gH` into `gZ`.
  @inlinable func normaliseBackward(_ gH: UnsafePointer<T>, _ acts: ConvActivations<T>, layer l: Int, into gZ: UnsafeMutablePointer<T>) {
    let F = architecture.layer(l).outputFeatures, B = batch, h = acts.normalised[l - 1], s = acts.scale[l - 1]
    let m1 = statistics, m2 = statistics + F
    m1.update(repeating: 0, count: F); m2.update(repeating: 0, count: F)
    for b in 0..<B { let g = gH + b * F, hb = h + b * F; for f in 0..<F { m1[f] += g[f]; m2[f] += g[f] * hb[f] } }
    for f in 0..<F { m1[f] /= T(B); m2[f] /= T(B) }
    for b in 0..<B {
      let g = gH + b * F, hb = h + b * F, out = gZ + b * F
      for f in 0..<F { out[f] = (g[f] - m1[f] - hb[f] * m2[f]) / s[f] }
    }
  }

  /// G_H = G_A ⊙ 1[Ĥ^l > 0] in place (ReLU's derivative is 0 at 0, as TensorFlow's).
  @inlinable func mask(_ g: UnsafeMutablePointer<T>, _ acts: ConvActivations<T>, layer l: Int) {
    let h = acts.normalised[l - 1]
    for i in 0..<batch * architecture.layer(l).outputFeatures { g[i] = h[i] > 0 ? g[i] : 0 }   // branch-free: vectorises
  }

  /// ∇W^l = κ_l im2col(A^{l−1})ᵀ G_Z and ∇b^l = G_Zᵀ1 into the gradient (`input` is A^{l−1}: x for l = 1).
  @inlinable func weightGradient(layer l: Int, input: UnsafePointer<T>, _ gZ: UnsafePointer<T>) {
    let a = architecture, g = a.layer(l), n = g.outputChannels, chunk = chunkImages(g)
    let w = gradientBuffer + a.weightRange(l).lowerBound, bias = gradientBuffer + a.biasRange(l).lowerBound
    for b0 in stride(from: 0, to: batch, by: chunk) {
      let count = min(chunk, batch - b0)
      im2col(g, input, images: b0, count: count)
      T.gemm(.transposed, .none, m: g.patchWidth, n: n, k: count * g.outputPositions, alpha: T(a.kappa(l)), a: patches, lda: g.patchWidth,
             b: gZ + b0 * g.outputFeatures, ldb: n, beta: b0 == 0 ? 0 : 1, c: w, ldc: n)
    }
    FastMath.columnSums(gZ, rows: batch * g.outputPositions, columns: n, into: bias)
  }

  /// G_A^{l−1} = κ_l col2im(G_Z Vᵀ) with V (9 c_in × n) the weights the signal travels through.
  @inlinable func inputGradient(layer l: Int, _ gZ: UnsafePointer<T>, through v: UnsafePointer<T>, into gA: UnsafeMutablePointer<T>) {
    let a = architecture, g = a.layer(l), n = g.outputChannels, chunk = chunkImages(g)
    gA.update(repeating: 0, count: batch * g.inputFeatures)
    for b0 in stride(from: 0, to: batch, by: chunk) {
      let count = min(chunk, batch - b0)
      T.gemm(.none, .transposed, m: count * g.outputPositions, n: g.patchWidth, k: n, alpha: T(a.kappa(l)), a: gZ + b0 * g.outputFeatures, lda: n,
             b: v, ldb: n, beta: 0, c: patches, ldc: g.patchWidth)
      col2imAdd(g, into: gA, images: b0, count: count)
    }
  }

  /// The readout's backward: G_P = κ E Vᵀ (V: n × C), spread over the last layer's positions as G_P/(H_L W_L).
  @inlinable func readoutBackward(through v: UnsafePointer<T>, into gA: UnsafeMutablePointer<T>) {
    let a = architecture, n = a.width, C = a.classes, positions = a.layer(a.hiddenLayers).outputPositions
    T.gemm(.none, .transposed, m: batch, n: n, k: C, alpha: T(a.kappa(a.hiddenLayers + 1)), a: errors, lda: C, b: v, ldb: C,
           beta: 0, c: pooledSignal, ldc: n)
    for b in 0..<batch {
      let signal = pooledSignal + b * n
      for q in 0..<positions { let row = gA + (b * positions + q) * n; for c in 0..<n { row[c] = signal[c] / T(positions) } }
    }
  }

  /// ∇W^{L+1} = κ Pᵀ E with the pooled features of `acts`, ∇b^{L+1} = Eᵀ1.
  @inlinable func readoutGradient(_ acts: ConvActivations<T>) {
    let a = architecture, L1 = a.hiddenLayers + 1, C = a.classes
    T.gemm(.transposed, .none, m: a.width, n: C, k: batch, alpha: T(a.kappa(L1)), a: acts.pooled, lda: a.width, b: errors, ldb: C,
           beta: 0, c: gradientBuffer + a.weightRange(L1).lowerBound, ldc: C)
    let bias = gradientBuffer + a.biasRange(L1).lowerBound
    FastMath.columnSums(errors, rows: batch, columns: C, into: bias)
  }
}
