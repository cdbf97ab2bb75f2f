/// Bilinear resizing of 8-bit greyscale images as Pillow does it (`Image.resize(size, BILINEAR)`, which
/// torchvision's `Resize` calls on PIL images; Pillow's `Resample.c`): a separable triangle filter, horizontal pass
/// first, each pass in Pillow's fixed point (22 fractional bits) and rounded back to bytes. biotorch resizes MNIST
/// and Fashion-MNIST 28 → 32 this way (Bioflax README, "Table 4").
public enum BilinearResize {
  static let precisionBits = 22

  /// Pillow's coefficients for one axis: per output pixel the first input pixel and fixed-point weights.
  static func coefficients(input: Int, output: Int) -> [(first: Int, weights: [Int])] {
    let scale = Double(input) / Double(output)
    let filterScale = max(scale, 1), support = filterScale   // the triangle's support is 1
    return (0..<output).map { xx in
      let center = (Double(xx) + 0.5) * scale
      let first = max(Int(center - support + 0.5), 0)
      let last = min(Int(center + support + 0.5), input)
      var w = (first..<last).map { x -> Double in
        let t = abs((Double(x) - center + 0.5) / filterScale)
        return t < 1 ? 1 - t : 0
      }
      let total = w.reduce(0, +)
      if total != 0 { w = w.map { $0 / total } }
      let one = Double(1 << precisionBits)
      return (first, w.map { $0 < 0 ? Int(-0.5 + $0 * one) : Int(0.5 + $0 * one) })
    }
  }

  static func clip8(_ v: Int) -> UInt8 { UInt8(max(0, min(255, v >> precisionBits))) }

  /// Resizes `count` images of `from`×`from` bytes (row-major) to `to`×`to`.
  public static func resize(_ images: [UInt8], count: Int, from: Int, to: Int) -> [UInt8] {
    let k = coefficients(input: from, output: to)
    let half = 1 << (precisionBits - 1)
    var out = [UInt8](repeating: 0, count: count * to * to)
    var rows = [UInt8](repeating: 0, count: from * to)          // after the horizontal pass: from rows × to columns
    for n in 0..<count {
      let image = n * from * from
      for y in 0..<from {
        for (x, c) in k.enumerated() {
          var s = half
          for (i, w) in c.weights.enumerated() { s += Int(images[image + y * from + c.first + i]) * w }
          rows[y * to + x] = clip8(s)
        }
      }
      for (y, c) in k.enumerated() {
        for x in 0..<to {
          var s = half
          for (i, w) in c.weights.enumerated() { s += Int(rows[(c.first + i) * to + x]) * w }
          out[n * to * to + y * to + x] = clip8(s)
        }
      }
    }
    return out
  }
}
